/**
 * `npm start` for real, logged in to the local Discord stand-in, stopped by real signals sent to
 * each process of the chain (npm, and the bot's node process under it): the whole tree must exit
 * within seconds, and the bot must close its gateway connection on the way out. Linux only (the
 * process tree is read from /proc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedIndexedWorkspace } from '../helpers/footnote.js';
import { cliEnv } from '../helpers/cli.js';
import { children, groupAlive, waitUntil } from '../helpers/processes.js';
import { MODEL_DIR, PROJECT_ROOT, removeTempDirs, type Workspace } from '../helpers/workspace.js';
import { startDiscordStandin, type DiscordStandin } from '../e2e/discord-standin/index.js';
import { MODEL_WAIT_MS, TOKEN } from '../e2e/helpers.js';

/** From the signal to the last process of the tree gone. */
const EXIT_WITHIN_MS = 8_000;

let ws: Workspace;
let standin: DiscordStandin;
let started: ChildProcess | undefined;

beforeAll(async () => {
  ws = await seedIndexedWorkspace();
  standin = await startDiscordStandin({ token: TOKEN });
}, MODEL_WAIT_MS * 4);

afterEach(() => {
  // Whatever a failed test left running: its whole process group.
  if (started?.pid !== undefined && groupAlive(started.pid)) process.kill(-started.pid, 'SIGKILL');
  started = undefined;
});

afterAll(async () => {
  await standin?.close();
  removeTempDirs();
});

function commandLine(pid: number): string {
  return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
}

/** `npm start` in its own process group, connected to the stand-in; resolves once the bot is ready. */
async function startNpm(): Promise<{ npm: ChildProcess; bot: number; stderr: () => string }> {
  const closesBefore = standin.gateway.closes.length;
  const npm = spawn('npm', ['start'], {
    cwd: PROJECT_ROOT,
    env: cliEnv({
      CORPUS_DIR: ws.corpusDir,
      INDEX_DIR: ws.indexDir,
      MODEL_DIR,
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: standin.apiUrl,
      FEEDBACK_FILE: path.join(ws.root, 'feedback', 'feedback.jsonl'),
      LOG_LEVEL: 'info',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started = npm;
  let stderr = '';
  npm.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  npm.stdout!.resume();
  await waitUntil(() => stderr.includes('connected to Discord') || npm.exitCode !== null, MODEL_WAIT_MS * 2, `the bot to connect (stderr so far: ${stderr})`);
  expect(stderr).toContain('connected to Discord');
  expect(standin.gateway.closes.length).toBe(closesBefore);
  // npm → node: no shell and no second process between them, so npm's own signal forwarding reaches the bot.
  const [bot, ...others] = children(npm.pid!);
  expect(others).toEqual([]);
  expect(commandLine(bot!)).toMatch(/^node .*--import tsx src\/bot\.ts$/);
  return { npm, bot: bot!, stderr: () => stderr };
}

describe('stopping `npm start`', () => {
  const cases: Array<{ signal: NodeJS.Signals; to: 'npm' | 'bot' }> = [
    { signal: 'SIGTERM', to: 'npm' },
    { signal: 'SIGINT', to: 'npm' },
    { signal: 'SIGTERM', to: 'bot' },
    { signal: 'SIGINT', to: 'bot' },
  ];
  for (const { signal, to } of cases) {
    it(`REGRESSION: npm start does not pass signals on — ${signal} to the ${to} process stops the whole tree within seconds, closing the gateway`, async () => {
      const { npm, bot, stderr } = await startNpm();
      const closesBefore = standin.gateway.closes.length;
      process.kill(to === 'npm' ? npm.pid! : bot, signal);
      const took = await waitUntil(() => !groupAlive(npm.pid!), EXIT_WITHIN_MS, `every process of npm start to exit after ${signal} to ${to}`);
      expect(took).toBeLessThan(EXIT_WITHIN_MS);
      // The bot said goodbye: a normal close (1000) from its side, not a dropped connection (1006).
      const closes = standin.gateway.closes.slice(closesBefore);
      expect(closes.map((c) => `${c.by} ${c.code}`)).toEqual(['client 1000']);
      expect(stderr()).toContain(`${signal}: disconnecting`);
    });
  }

  it('REGRESSION: npm start does not pass signals on — when npm is killed outright (SIGKILL), the bot notices its parent is gone and stops cleanly', async () => {
    const { npm, bot } = await startNpm();
    const closesBefore = standin.gateway.closes.length;
    process.kill(npm.pid!, 'SIGKILL');
    await waitUntil(() => !groupAlive(npm.pid!), EXIT_WITHIN_MS, 'the orphaned bot to exit');
    expect(children(bot)).toEqual([]);
    expect(standin.gateway.closes.slice(closesBefore).map((c) => `${c.by} ${c.code}`)).toEqual(['client 1000']);
  });
});
