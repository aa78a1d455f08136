/**
 * Structured logs: one JSON object per line on stderr (stdout belongs to answers), or a short
 * human line when stderr is a terminal. Values under secret-looking keys are never written, and
 * the configured secrets are scrubbed from every message.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const SECRET_KEY = /token|secret|password|authorization|api[_-]?key/i;

export interface LoggerOptions {
  level?: LogLevel;
  /** Values that must never appear in a log line, such as the Discord token. */
  secrets?: readonly string[];
  write?: (line: string) => void;
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = RANK[options.level ?? 'info'];
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const pretty = options.pretty ?? Boolean(process.stderr.isTTY);

  const scrub = (text: string): string =>
    secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);

  const emit = (lvl: Exclude<LogLevel, 'silent'>, message: string, fields: LogFields = {}) => {
    if (RANK[lvl] < level) return;
    const safe = redact(fields) as LogFields;
    if (pretty) {
      const extra = Object.keys(safe).length ? ' ' + JSON.stringify(safe) : '';
      write(scrub(`${lvl === 'info' ? '' : lvl + ': '}${message}${extra}`));
    } else {
      write(scrub(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg: message, ...safe })));
    }
  };

  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/** A copy of `value` with every secret-looking key's value replaced, at any depth. */
function redact(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return value.message;
  if (!value || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]));
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
