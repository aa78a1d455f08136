/**
 * SHARDS (issue 13), on each index backend: the bot started as it is in production
 * (`node --import tsx src/bot.ts`, which `npm start` runs) with SHARDS=auto against the stand-in,
 * which recommends two shards. The manager spawns two shard processes through discord.js's
 * ShardingManager; each answers only the server its shard owns; a /reindex in one reaches the
 * other through the shared index (INDEX_DIR's CURRENT, or the LanceDB dataset's `live` tag); stopping the manager stops both cleanly. Linux only (the
 * process tree is read from /proc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unescapeMarkdown } from '../../src/format/markdown.js';
import type { BackendKind } from '../../src/index/backend.js';
import { indexStore } from '../../src/index/stores.js';
import { cliEnv } from '../helpers/cli.js';
import { createWorkspace, MODEL_DIR, PROJECT_ROOT, removeTempDirs, type Workspace } from '../helpers/workspace.js';
import { defaultGuild, EVERYONE_PERMISSIONS, IDS, MEMBER, MODERATOR, slashCommand, startDiscordStandin, type Actor, type DiscordStandin, type InteractionHandle } from './discord-standin/index.js';
import { ownsGuild } from './discord-standin/gateway.js';
import { MODEL_WAIT_MS, shownQuotes, TOKEN } from './helpers.js';

/** Server A (the default guild) is on shard 1 of 2, server B on shard 0: `(id >> 22) % 2`. */
const A = IDS.guild;
const B = '3000000000000000100';
const CHANNEL = { [A]: IDS.channel, [B]: '3000000000000000200' } as const;

const FILES = {
  'lighthouse.txt': 'The Harbour Lighthouse\n\nThe harbour lighthouse was built in 1874 from granite blocks quarried on the island. Its lamp is visible for twenty-two nautical miles.\n',
  'bakery.txt': 'The Village Bakery\n\nThe village bakery opens at six in the morning and sells rye bread baked in a wood-fired oven. On Sundays it closes at noon.\n',
};
const NEW_FILE = 'observatory.txt';
const NEW_TEXT = 'The Hill Observatory\n\nThe hill observatory houses a refracting telescope with a lens of sixty centimetres. Astronomers discovered three comets there between 1901 and 1920.\n';

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function children(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

afterAll(removeTempDirs);

describe.each(['embedded', 'lancedb'] as const)('SHARDS=auto on the %s backend: two shard processes under the ShardingManager', (backend: BackendKind) => {
  let ws: Workspace;
  let standin: DiscordStandin;
  let manager: ChildProcess;
  let stderr = '';
  const liveVersion = () => indexStore(ws.config({ INDEX_BACKEND: backend })).liveVersion();

  beforeAll(async () => {
    ws = createWorkspace({ files: FILES });
    const serverB = defaultGuild({
      id: B,
      name: 'Server B',
      roles: [{ id: B, name: '@everyone', permissions: EVERYONE_PERMISSIONS, position: 0 }],
      channels: [{ id: CHANNEL[B], name: 'general', position: 0 }],
      members: [MEMBER],
      botRoleIds: [],
    });
    standin = await startDiscordStandin({ token: TOKEN, shards: 2, guilds: [defaultGuild(), serverB] });
    manager = spawn(process.execPath, ['--import', 'tsx', 'src/bot.ts'], {
      cwd: PROJECT_ROOT,
      env: cliEnv({
        CORPUS_DIR: ws.corpusDir,
        INDEX_DIR: ws.indexDir,
        MODEL_DIR,
        DISCORD_TOKEN: TOKEN,
        DISCORD_API_URL: standin.apiUrl,
        FEEDBACK_FILE: path.join(ws.root, 'feedback', 'feedback.jsonl'),
        QUESTIONS_PER_MINUTE: '1000',
        LOG_LEVEL: 'info',
        SHARDS: 'auto',
        INDEX_BACKEND: backend,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    manager.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    manager.stdout!.resume();
    await waitUntil(() => stderr.includes('every shard is connected') || manager.exitCode !== null, MODEL_WAIT_MS * 3, `both shards to connect (stderr so far: ${stderr})`);
    if (!stderr.includes('every shard is connected')) throw new Error(`the shards did not start:\n${stderr}`);
  }, MODEL_WAIT_MS * 3 + 5_000);

  afterAll(async () => {
    if (manager?.pid !== undefined && groupAlive(manager.pid)) process.kill(-manager.pid, 'SIGKILL');
    await standin?.close();
  });

  function slashIn(guildId: string, name: string, options: Record<string, string> = {}, member: Actor = MEMBER): InteractionHandle {
    return standin.dispatchInteraction(slashCommand({ name, options, member, guildId, channelId: CHANNEL[guildId as keyof typeof CHANNEL] }));
  }

  async function sourcesOfAnswer(guildId: string, question: string): Promise<string[]> {
    const reply = await slashIn(guildId, 'ask', { question }).waitForReply(MODEL_WAIT_MS);
    // Cited by path relative to the bot's working folder (the project), the corpus being elsewhere: the file name is enough.
    return reply.embeds.length ? shownQuotes(reply).map((q) => path.basename(q.source)) : [];
  }

  /** The guild ids of the events of `type` a shard's session received. */
  function guildsSeenBy(shard: number, type: string): string[] {
    const session = standin.gateway.activeSessions().find((s) => s.shard[0] === shard);
    return [...new Set(session?.log.filter((e) => e.t === type).map((e) => String((e.d as { guild_id?: string; id?: string }).guild_id ?? (e.d as { id?: string }).id)))];
  }

  it('takes the shard count from GET /gateway/bot at DISCORD_API_URL, and each shard identifies as [id, 2] and gets only its own server', () => {
    expect(standin.requestsTo('GET', '/gateway/bot').length).toBeGreaterThanOrEqual(1);
    const shards = standin.identifies.filter((i) => i.refusedWith === undefined).map((i) => i.shard);
    expect(shards).toEqual(expect.arrayContaining([[0, 2], [1, 2]]));
    expect(ownsGuild([1, 2], A) && ownsGuild([0, 2], B)).toBe(true);
    expect(guildsSeenBy(1, 'GUILD_CREATE')).toEqual([A]);
    expect(guildsSeenBy(0, 'GUILD_CREATE')).toEqual([B]);
    // The manager, and under it one process per shard.
    expect(children(manager.pid!)).toHaveLength(2);
  });

  it('answers /ask in each server from the shard that owns it, and only there', async () => {
    expect(await sourcesOfAnswer(A, 'When was the harbour lighthouse built?')).toContain('lighthouse.txt');
    expect(await sourcesOfAnswer(B, 'When does the village bakery open?')).toContain('bakery.txt');
    expect(guildsSeenBy(1, 'INTERACTION_CREATE')).toEqual([A]);
    expect(guildsSeenBy(0, 'INTERACTION_CREATE')).toEqual([B]);
    expect(standin.unhandled).toEqual([]);
    expect(standin.internalErrors).toEqual([]);
  }, MODEL_WAIT_MS * 2);

  it('after one /reindex in server A (shard 1), both shards answer from the new version', async () => {
    const before = await liveVersion();
    const question = 'What did astronomers discover at the hill observatory?';
    expect(await sourcesOfAnswer(B, question)).not.toContain(NEW_FILE);
    ws.writeCorpusFile(NEW_FILE, NEW_TEXT);

    const reindex = slashIn(A, 'reindex', {}, MODERATOR);
    const done = await reindex.waitForEdit((e) => /Reindex done|already up to date|Reindex failed/.test(String(e.body?.content)), 120_000);
    expect(unescapeMarkdown((done.message as APIMessage | undefined)?.content ?? '')).toContain('Reindex done');
    expect(await liveVersion()).not.toBe(before);

    expect(await sourcesOfAnswer(A, question)).toContain(NEW_FILE);
    // Shard 0 checks the live version every 2 s (INDEX_POLL_SECONDS): within a few seconds it serves the new version too.
    let fromB: string[] = [];
    const start = Date.now();
    while (!fromB.includes(NEW_FILE) && Date.now() - start < 15_000) {
      fromB = await sourcesOfAnswer(B, question);
      if (!fromB.includes(NEW_FILE)) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(fromB).toContain(NEW_FILE);
    expect(stderr).toContain('serving the index version another process wrote');
  }, 180_000);

  it('SIGTERM to the manager stops every shard: each closes its gateway connection normally, and every process exits', async () => {
    const closesBefore = standin.gateway.closes.length;
    process.kill(manager.pid!, 'SIGTERM');
    await waitUntil(() => !groupAlive(manager.pid!), 8_000, 'the manager and both shards to exit');
    expect(manager.exitCode).toBe(0);
    expect(standin.gateway.closes.slice(closesBefore).map((c) => `${c.by} ${c.code}`)).toEqual(['client 1000', 'client 1000']);
  }, 15_000);
});
