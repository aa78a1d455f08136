import dotenv from 'dotenv';
import { loadConfig, type Config } from './config.js';
import { errorDetails, fatalMessage, isFootnoteError } from './errors.js';
import { createLogger, type Logger } from './log.js';

let entryLog: Logger | undefined;

/** Entry points call this once: `.env` (if any) under the real environment, validated. */
export function loadEnvironment(): { config: Config; log: Logger } {
  dotenv.config({ quiet: true });
  const config = loadConfig(process.env);
  const log = createLogger({ level: config.logLevel, secrets: config.discord.token ? [config.discord.token] : [] });
  entryLog = log;
  return { config, log };
}

/**
 * What an entry point does with an error it cannot go on after: one plain line on stderr (for a
 * FootnoteError, its message naming the setting or path to fix), the details in the log, and
 * exit code 1. A stack trace is for bugs, and only in the log.
 */
export function reportFatal(error: unknown, doing: string): void {
  process.stderr.write(fatalMessage(error, doing) + '\n');
  // Before the configuration is read there is no configured logger (and no token to scrub).
  const log = entryLog ?? createLogger();
  if (isFootnoteError(error)) log.debug(doing, { code: error.code, ...errorDetails(error) });
  else log.error(`${doing}: unexpected error`, errorDetails(error));
  process.exitCode = 1;
}
