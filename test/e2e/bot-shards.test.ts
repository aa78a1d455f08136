/**
 * SHARDS (issue 13), on each index backend: the bot started as it is in production
 * (`node --import tsx src/bot.ts`, which `npm start` runs) with SHARDS=auto against the stand-in,
 * which recommends two shards. The manager spawns two shard processes through discord.js's
 * ShardingManager; each answers only the server its shard owns; a member's questions per minute
 * are counted across both; /reindex in either runs in the writer shard (0) and reaches the other
 * through the shared index (INDEX_DIR's CURRENT, or the LanceDB dataset's `live` tag); stopping
 * the manager stops both cleanly. Linux only (the process tree is read from /proc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unescapeMarkdown } from '../../src/format/markdown.js';
import type { BackendKind } from '../../src/index/backend.js';
import { indexStore } from '../../src/index/stores.js';
import { cliEnv } from '../helpers/cli.js';
import { children, groupAlive, waitUntil } from '../helpers/processes.js';
import { createWorkspace, MODEL_DIR, PROJECT_ROOT, removeTempDirs, type Workspace } from '../helpers/workspace.js';
import { actor, defaultGuild, EVERYONE_PERMISSIONS, IDS, MEMBER, MODERATOR, slashCommand, startDiscordStandin, type Actor, type DiscordStandin, type InteractionHandle } from './discord-standin/index.js';
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
/** Low, to see one member's count kept across both shards; every other question comes from a member of its own. */
const PER_MINUTE = 3;
let members = 0;
const newMember = (): Actor => actor({ id: String(4000000000000000000n + BigInt(++members)) });
const FERRY_FILE = 'ferry.txt';
const FERRY_TEXT = 'The Island Ferry\n\nThe island ferry leaves from the north pier every two hours. The crossing to the harbour takes forty minutes in calm weather.\n';
const NEW_TEXT = 'The Hill Observatory\n\nThe hill observatory houses a refracting telescope with a lens of sixty centimetres. Astronomers discovered three comets there between 1901 and 1920.\n';

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
        QUESTIONS_PER_MINUTE: String(PER_MINUTE),
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

  async function sourcesOfAnswer(guildId: string, question: string, member: Actor = newMember()): Promise<string[]> {
    const reply = await slashIn(guildId, 'ask', { question }, member).waitForReply(MODEL_WAIT_MS);
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

  it('counts a member\'s questions per minute across both shards: the manager keeps the one count', async () => {
    const member = newMember();
    const asked: string[][] = [];
    for (const guild of [A, B, A]) asked.push(await sourcesOfAnswer(guild, 'When was the harbour lighthouse built?', member));
    expect(asked.every((sources) => sources.length > 0)).toBe(true);
    // The fourth question within a minute, in server B: shard 0 has seen only one of the three.
    const refusal = await slashIn(B, 'ask', { question: 'When does the village bakery open?' }, member).waitForReply(MODEL_WAIT_MS);
    expect(refusal.content).toMatch(new RegExp(`^You are asking quickly: please wait \\d+ s before your next question \\(limit: ${PER_MINUTE} per minute\\)\\.$`));
    expect(await sourcesOfAnswer(B, 'When does the village bakery open?')).toContain('bakery.txt');
    expect(stderr).not.toContain('counting questions per minute in this shard only');
  }, MODEL_WAIT_MS * 5);

  async function reindexIn(guildId: string): Promise<string> {
    const reindex = slashIn(guildId, 'reindex', {}, MODERATOR);
    const done = await reindex.waitForEdit((e) => /Reindex done|already up to date|Reindex failed/.test(String(e.body?.content)), 120_000);
    expect(reindex.edits.filter((e) => e.accepted).length).toBeGreaterThanOrEqual(2); // progress, then the report
    return unescapeMarkdown((done.message as APIMessage | undefined)?.content ?? '');
  }

  async function eventuallyCites(guildId: string, question: string, file: string): Promise<string[]> {
    let sources: string[] = [];
    const start = Date.now();
    while (!sources.includes(file) && Date.now() - start < 15_000) {
      sources = await sourcesOfAnswer(guildId, question);
      if (!sources.includes(file)) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return sources;
  }

  it('/reindex in server A (shard 1) runs in the writer shard (0), its progress and result reach the moderator, and both shards answer from the new version at once', async () => {
    const before = await liveVersion();
    const question = 'What did astronomers discover at the hill observatory?';
    expect(await sourcesOfAnswer(B, question)).not.toContain(NEW_FILE);
    ws.writeCorpusFile(NEW_FILE, NEW_TEXT);

    expect(await reindexIn(A)).toContain('Reindex done');
    expect(stderr).toContain('reindex asked for by another shard');
    expect(await liveVersion()).not.toBe(before);
    // The writer serves what it wrote; shard 1 switched as soon as the writer reported it published.
    expect(await sourcesOfAnswer(B, question)).toContain(NEW_FILE);
    expect(await sourcesOfAnswer(A, question)).toContain(NEW_FILE);
  }, 180_000);

  it('/reindex in server B (the writer shard) runs there; shard 1 finds the new version by polling within a few seconds', async () => {
    const question = 'Where does the ferry to the island leave from?';
    ws.writeCorpusFile(FERRY_FILE, FERRY_TEXT);
    const followedBefore = stderr.split('serving the index version another process wrote').length;
    expect(await reindexIn(B)).toContain('Reindex done');
    expect(await sourcesOfAnswer(B, question)).toContain(FERRY_FILE);
    // Shard 1 checks the live version every 2 s (INDEX_POLL_SECONDS).
    expect(await eventuallyCites(A, question, FERRY_FILE)).toContain(FERRY_FILE);
    expect(stderr.split('serving the index version another process wrote').length).toBeGreaterThan(followedBefore);
  }, 180_000);

  it('SIGTERM to the manager stops every shard: each closes its gateway connection normally, and every process exits', async () => {
    const closesBefore = standin.gateway.closes.length;
    process.kill(manager.pid!, 'SIGTERM');
    await waitUntil(() => !groupAlive(manager.pid!), 8_000, 'the manager and both shards to exit');
    expect(manager.exitCode).toBe(0);
    expect(standin.gateway.closes.slice(closesBefore).map((c) => `${c.by} ${c.code}`)).toEqual(['client 1000', 'client 1000']);
  }, 15_000);
});
