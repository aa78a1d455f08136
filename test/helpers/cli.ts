/**
 * Runs the real command line as a user would: `npx tsx src/cli/main.ts …` from the project root,
 * with the configuration given as environment variables.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './workspace.js';

/** Every variable src/config.ts reads, found in its source (`read.xxx('NAME'`). */
export function configVariables(): string[] {
  const source = fs.readFileSync(path.join(PROJECT_ROOT, 'src', 'config.ts'), 'utf8');
  return [...new Set([...source.matchAll(/read\.\w+\(\s*'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]!))].sort();
}

/**
 * This process's environment with every Footnote setting blank (so a developer's own `.env` or
 * shell cannot leak in: dotenv leaves variables that are set alone, and blank means default),
 * plus `vars`.
 */
export function cliEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of configVariables()) env[name] = '';
  // Never prompt or colour: the output is read by the test.
  return { ...env, NO_COLOR: '1', ...vars };
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly env: Record<string, string>;
  /** Written to stdin, which is then closed. Without it stdin is closed at once. */
  readonly input?: string;
  /** Own process group, so that the whole tree (npx → tsx → node) can be killed at once. */
  readonly detached?: boolean;
}

export function spawnCli(args: readonly string[], options: CliOptions): ChildProcess {
  const child = spawn('npx', ['tsx', 'src/cli/main.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: cliEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  child.stdin!.end(options.input ?? '');
  return child;
}

/** Runs the command to completion and collects its output. */
export function runCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const child = spawnCli(args, options);
  return collect(child);
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** stderr without npm's own warnings about this machine's npm configuration. */
export function ownStderr(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !/^npm (warn|notice)\b/i.test(line))
    .join('\n');
}

/** True when some line of `text` looks like a JavaScript stack frame. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at \S.*(\(|:\d+:\d+)/m.test(text);
}
