/**
 * Bad settings and unusable paths, as a user meets them: the real CLI, the real bot (`node
 * --import tsx src/bot.ts`, as `npm start` runs it), the real register script. Each refusal names
 * the variable or path and what is wrong, exits non-zero, prints no stack trace, and never hangs.
 * Read-only and full disks are real: a read-only bind mount or a tiny tmpfs, in a mount namespace
 * of the command's own (`unshare -m`), so nothing is mounted for anyone else. Those tests are
 * skipped where mounting is not allowed.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackStore } from '../../src/discord/feedback.js';
import { silentLogger } from '../../src/log.js';
import { openFootnote, type Footnote } from '../../src/service.js';
import { cliEnv, collect, hasStackTrace, ownStderr, runCli, type CliResult } from '../helpers/cli.js';
import { seedIndexedWorkspace } from '../helpers/footnote.js';
import { MODEL_DIR, PROJECT_ROOT, createWorkspace, indexEntries, makeTempDir, readCurrent, removeTempDirs, type Workspace } from '../helpers/workspace.js';
import { MODERATOR, startDiscordStandin, type DiscordStandin } from '../e2e/discord-standin/index.js';
import { MODEL_WAIT_MS, TOKEN, runScript, slash, startBotRun, type BotRun } from '../e2e/helpers.js';

/** Refusals that need no model come back at once; none may take long (the /proc hang took minutes). */
const QUICK_MS = 20_000;
const CAN_MOUNT = process.platform === 'linux' && spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt'], { stdio: 'ignore' }).status === 0;

let seeded: Workspace;
let standin: DiscordStandin;

beforeAll(async () => {
  seeded = await seedIndexedWorkspace();
  standin = await startDiscordStandin({ token: TOKEN });
}, MODEL_WAIT_MS * 4);

afterAll(async () => {
  await standin?.close();
  removeTempDirs();
});

/** A refusal as the issue asks for it: non-zero exit, the message, no stack frames, in bounded time. */
function expectRefusal(result: CliResult & { ms?: number }, message: RegExp | string): void {
  const stderr = ownStderr(result.stderr);
  expect(result.code, stderr).not.toBe(0);
  expect(result.code, stderr).not.toBeNull();
  if (typeof message === 'string') expect(stderr).toContain(message);
  else expect(stderr).toMatch(message);
  expect(hasStackTrace(stderr), stderr).toBe(false);
  expect(stderr).not.toMatch(/Unexpected error|Could not start: .*Error:/);
}

async function timed<T>(run: () => Promise<T>): Promise<T & { ms: number }> {
  const start = Date.now();
  const result = await run();
  return { ...result, ms: Date.now() - start };
}

const seedEnv = () => ({ CORPUS_DIR: seeded.corpusDir, INDEX_DIR: seeded.indexDir, MODEL_DIR });

/** The bot as `npm start` runs it, with `vars` as its whole configuration. */
function runBot(vars: Record<string, string>): Promise<CliResult> {
  const child = spawn('node', ['--import', 'tsx', 'src/bot.ts'], { cwd: PROJECT_ROOT, env: cliEnv({ LOG_LEVEL: 'info', ...vars }), stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child);
}

/** `npx tsx src/cli/main.ts args…` after `setup` (shell, as root) in a mount namespace of its own. */
function runCliMounted(setup: string, args: string[], vars: Record<string, string>): Promise<CliResult> {
  const script = `${setup} && exec "$@"`;
  const child = spawn('unshare', ['-m', 'sh', '-c', script, 'sh', 'npx', 'tsx', 'src/cli/main.ts', ...args], { cwd: PROJECT_ROOT, env: cliEnv(vars), stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child);
}

describe('unusable paths are refused at start, naming the variable', () => {
  it('REGRESSION: INDEX_DIR=/etc/passwd gave "Unexpected error" with a stack — it says INDEX_DIR is a file, not a folder', async () => {
    const result = await timed(() => runCli(['ask', 'What did Lightfoot tell ICE?'], { env: { ...seedEnv(), INDEX_DIR: '/etc/passwd' } }));
    expectRefusal(result, 'INDEX_DIR: /etc/passwd is a file, not a folder');
    expect(result.ms).toBeLessThan(QUICK_MS);
  });

  it('REGRESSION: INDEX_DIR=/proc/self/nope hung the CLI for minutes — it is refused at once as a kernel file system', async () => {
    for (const command of [['ask', 'What did Lightfoot tell ICE?'], ['index']]) {
      const result = await timed(() => runCli(command, { env: { ...seedEnv(), INDEX_DIR: '/proc/self/nope' } }));
      expectRefusal(result, /INDEX_DIR: \/proc\/self\/nope is under \/proc, a kernel file system/);
      expect(result.ms).toBeLessThan(QUICK_MS);
    }
  });

  it('GIVEN INDEX_DIR inside a file, CORPUS_DIR under /sys and MODEL_DIR a file THEN all three are named in one message', async () => {
    const result = await runCli(['sources'], { env: { INDEX_DIR: '/etc/passwd/index', CORPUS_DIR: '/sys/kernel', MODEL_DIR: '/etc/hostname' } });
    expectRefusal(result, 'INDEX_DIR: /etc/passwd/index cannot be created: /etc/passwd is a file, not a folder');
    expect(result.stderr).toContain('CORPUS_DIR: /sys/kernel is under /sys');
    expect(result.stderr).toContain('MODEL_DIR: /etc/hostname is a file, not a folder');
  });

  it('REGRESSION: FEEDBACK_FILE under /proc froze the whole bot at the first 👍 — the bot refuses to start, naming FEEDBACK_FILE', async () => {
    const result = await timed(() => runBot({ ...seedEnv(), DISCORD_TOKEN: TOKEN, DISCORD_API_URL: standin.apiUrl, FEEDBACK_FILE: '/proc/self/feedback/votes.jsonl' }));
    expectRefusal(result, /FEEDBACK_FILE: \/proc\/self\/feedback\/votes\.jsonl is under \/proc/);
    expect(result.ms).toBeLessThan(QUICK_MS);
    expect(standin.identifies).toHaveLength(0);
  });

  it('GIVEN FEEDBACK_FILE is a folder THEN the bot refuses to start, saying so', async () => {
    const folder = makeTempDir();
    const result = await runBot({ ...seedEnv(), DISCORD_TOKEN: TOKEN, DISCORD_API_URL: standin.apiUrl, FEEDBACK_FILE: folder });
    expectRefusal(result, `FEEDBACK_FILE: ${folder} is a folder, not a file`);
  });

  it('REGRESSION: a 👍 with FEEDBACK_FILE under /proc looped in mkdir — the store fails at once with a FootnoteError naming FEEDBACK_FILE', () => {
    const store = new FeedbackStore('/proc/self/nope/feedback.jsonl');
    const stored = { id: 'a1', answer: { question: 'q', answered: false, quotes: [], closest: [] } } as never;
    const start = Date.now();
    expect(() => store.record('up', stored, '1')).toThrow(/FEEDBACK_FILE \/proc\/self\/nope\/feedback\.jsonl/);
    expect(Date.now() - start).toBeLessThan(1000);
  });
});

describe('Discord settings that do not work', () => {
  it('REGRESSION: an invalid DISCORD_TOKEN printed "Could not start" with a stack — it names DISCORD_TOKEN and exits 1', async () => {
    const result = await timed(() => runBot({ ...seedEnv(), DISCORD_TOKEN: 'not-the-token', DISCORD_API_URL: standin.apiUrl, FEEDBACK_FILE: path.join(seeded.root, 'fb.jsonl') }));
    expectRefusal(result, 'DISCORD_TOKEN: Discord refused the token');
    expect(result.code).toBe(1);
    // Checked before the model is loaded (or the index built), so it takes seconds, never minutes.
    expect(result.ms).toBeLessThan(QUICK_MS);
    expect(result.stderr).not.toContain('connected to Discord');
  });

  it('REGRESSION: an unreachable DISCORD_API_URL printed a stack — it names DISCORD_API_URL and what happened', async () => {
    const result = await timed(() => runBot({ ...seedEnv(), DISCORD_TOKEN: TOKEN, DISCORD_API_URL: 'http://127.0.0.1:9/api', FEEDBACK_FILE: path.join(seeded.root, 'fb.jsonl') }));
    expectRefusal(result, 'Cannot reach DISCORD_API_URL http://127.0.0.1:9/api: the connection was refused');
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(QUICK_MS);
  });

  it('REGRESSION: `npm run register` with an invalid setting threw uncaught — it prints the configuration problem, no stack', async () => {
    const result = await runScript('scripts/register-commands.ts', { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: standin.apiUrl, DISCORD_GUILD_ID: 'abc', MAX_QUOTES: 'many' });
    expectRefusal(result, "DISCORD_GUILD_ID: expected a Discord id (15-21 digits), got 'abc'");
    expect(result.stderr).toContain("MAX_QUOTES: expected an integer 1-10, got 'many'");
  });

  it('GIVEN `npm run register` with a wrong token or an unreachable DISCORD_API_URL THEN each is named, exit 1, no stack', async () => {
    const [badToken, unreachable] = await Promise.all([
      runScript('scripts/register-commands.ts', { DISCORD_TOKEN: 'not-the-token', DISCORD_API_URL: standin.apiUrl }),
      runScript('scripts/register-commands.ts', { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: 'http://127.0.0.1:9/api' }),
    ]);
    expectRefusal(badToken, 'DISCORD_TOKEN: Discord refused the token');
    expectRefusal(unreachable, 'Cannot reach DISCORD_API_URL http://127.0.0.1:9/api: the connection was refused');
  });
});

describe.skipIf(!CAN_MOUNT)('a read-only or full disk under INDEX_DIR', () => {
  it('REGRESSION: `index` on a read-only INDEX_DIR gave "Unexpected error" with a stack — it says INDEX_DIR is on a read-only file system', async () => {
    const ws = createWorkspace({ seed: true });
    fs.mkdirSync(ws.indexDir);
    const result = await runCliMounted(`mount --bind -o ro '${ws.indexDir}' '${ws.indexDir}'`, ['index'], { CORPUS_DIR: ws.corpusDir, INDEX_DIR: ws.indexDir, MODEL_DIR });
    expectRefusal(result, `INDEX_DIR: ${ws.indexDir} is not writable (the file system is read-only)`);
  });

  it('REGRESSION: `index` on a full disk gave "Unexpected error" with a stack — it says the disk is full, naming INDEX_DIR', async () => {
    const ws = createWorkspace({ seed: true });
    fs.mkdirSync(ws.indexDir);
    const result = await runCliMounted(`mount -t tmpfs -o size=96k tmpfs '${ws.indexDir}'`, ['index'], { CORPUS_DIR: ws.corpusDir, INDEX_DIR: ws.indexDir, MODEL_DIR });
    expectRefusal(result, `Could not write the index in ${ws.indexDir} (INDEX_DIR): the disk is full`);
    expect(result.stdout).toBe('');
  });
});

describe.skipIf(!CAN_MOUNT || process.getuid?.() !== 0)('/reindex on a full disk', () => {
  let ws: Workspace;
  let footnote: Footnote;
  let run: BotRun;

  beforeAll(async () => {
    // The bot's own process needs the small disk, so it is mounted here (for this file only) and unmounted after.
    ws = await seedIndexedWorkspace();
    const copy = path.join(ws.root, 'index-copy');
    fs.renameSync(ws.indexDir, copy);
    fs.mkdirSync(ws.indexDir);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', ws.indexDir]).status).toBe(0);
    fs.cpSync(copy, ws.indexDir, { recursive: true });
    footnote = await openFootnote({ config: ws.config({}), log: silentLogger, reindexInWorker: true });
    run = await startBotRun({ workspace: ws, footnote });
  }, MODEL_WAIT_MS * 4);

  afterAll(async () => {
    await run?.stop();
    if (ws) spawnSync('umount', ['-l', ws.indexDir]);
  });

  it('REGRESSION: /reindex on a full disk answered "Sorry… error id" — it says "Reindex failed: … the disk is full" and the previous index is still served', async () => {
    ws.writeCorpusFile('zebra.txt', 'Zebra Crossings\n\nThe council approved 412 new zebra crossings near schools in March 2021.\n');
    // Fill the disk, leaving a few pages: enough for the lock file, not for a new version.
    const { bavail, bsize } = fs.statfsSync(ws.indexDir);
    fs.writeFileSync(path.join(ws.indexDir, 'filler'), Buffer.alloc(Math.max(0, (bavail - 6) * bsize)));
    const version = footnote.index.version;
    const current = readCurrent(ws.indexDir);

    const i = slash(run, 'reindex', {}, MODERATOR);
    const done = await i.waitForEdit((e) => /^Reindex (failed|done)/.test(String(e.body?.content)), MODEL_WAIT_MS * 4);
    const text = String((done.message as APIMessage | undefined)?.content ?? done.body?.content);
    expect(text).toMatch(new RegExp(`^Reindex failed: Could not write the index in ${ws.indexDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(INDEX_DIR\\): the disk is full`));
    expect(text).toContain('The previous index is still served');
    expect(text).not.toMatch(/error id/);

    expect(footnote.index.version).toBe(version);
    expect(readCurrent(ws.indexDir)).toBe(current);
    expect(indexEntries(ws.indexDir).tmp).toEqual([]);
    const answer = await footnote.ask('What did Lightfoot tell ICE?');
    expect(answer.answered).toBe(true);
  });
});
