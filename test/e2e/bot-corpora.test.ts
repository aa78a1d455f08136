/**
 * Per-server corpora (CORPORA, issue 13): two servers with corpora of their own and a third, not
 * listed, on the default corpus, all answered by one bot with one model. Each server's /ask,
 * /sources, /reindex and "Add to corpus" reach its own corpus and index only.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCorpora, type Corpora } from '../../src/corpora.js';
import { unescapeMarkdown } from '../../src/format/markdown.js';
import { silentLogger } from '../../src/log.js';
import { botPaths, checkPaths } from '../../src/paths.js';
import { createWorkspace, readCurrent, removeTempDirs, type Workspace } from '../helpers/workspace.js';
import {
  actor,
  defaultGuild,
  EVERYONE_PERMISSIONS,
  guildMessage,
  IDS,
  MEMBER,
  messageContextMenu,
  MODERATOR,
  slashCommand,
  type Actor,
  type InteractionHandle,
} from './discord-standin/index.js';
import { expectCleanRun, isEphemeral, MODEL_WAIT_MS, shownQuotes, startBotRun, type BotRun } from './helpers.js';

const REINDEX_WAIT_MS = 120_000;

/** Server A (the stand-in's default guild): gardening. Server B: chess. Server C: not listed. */
const A = IDS.guild;
const B = '2000000000000000100';
const C = '3000000000000000100';
const CHANNEL = { [A]: IDS.channel, [B]: '2000000000000000200', [C]: '3000000000000000200' } as const;
const MOD_ROLE_B = '2000000000000000102';
const MOD_B = actor({ id: '2000000000000000302', username: 'chess_mod', globalName: 'Chess Mod', roles: [MOD_ROLE_B], permissions: (BigInt(EVERYONE_PERMISSIONS) | (1n << 5n) | (1n << 13n)).toString() });
/** Server A's moderator as a plain member of server B: no role there, @everyone's permissions. */
const MOD_A_IN_B = actor({ ...MODERATOR, roles: [], permissions: EVERYONE_PERMISSIONS });

const GARDEN = {
  'tomatoes.txt': 'Growing Tomatoes\n\nTomato seedlings should be planted outdoors only after the last spring frost, about sixty centimetres apart. Water tomatoes deeply twice a week at the base of the plant.\n',
  'compost.txt': 'Compost Basics\n\nA compost heap needs a mix of green kitchen scraps and brown dry leaves. Turn the heap every two weeks so air reaches the middle.\n',
};
const CHESS = {
  'openings.txt': 'Chess Openings\n\nThe Sicilian Defence begins with the moves e4 and c5. Black fights for the centre from the side instead of mirroring White.\n',
  'endgames.txt': 'King and Pawn Endgames\n\nIn a king and pawn endgame, the opposition decides who can advance. A king in front of its pawn usually wins.\n',
};
const DEFAULT = {
  'lighthouse.txt': 'The Harbour Lighthouse\n\nThe harbour lighthouse was built in 1874 from granite blocks quarried on the island. Its lamp is visible for twenty-two nautical miles.\n',
};

let ws: Workspace;
let corpora: Corpora;
let run: BotRun;

function writeCorpus(dir: string, files: Record<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
}

const gardenDir = () => path.join(ws.root, 'corpora', 'gardening');
const chessDir = () => path.join(ws.root, 'corpora', 'chess');
const indexOf = (guild: string) => path.join(ws.indexDir, 'servers', guild);

function guild(id: string, moderatorRole: string | undefined, members: Actor[]) {
  return defaultGuild({
    id,
    name: `Server ${id.slice(0, 1)}`,
    roles: [
      { id, name: '@everyone', permissions: EVERYONE_PERMISSIONS, position: 0 },
      ...(moderatorRole ? [{ id: moderatorRole, name: 'Moderator', permissions: MOD_B.permissions, position: 1 }] : []),
    ],
    channels: [{ id: CHANNEL[id as keyof typeof CHANNEL], name: 'general', position: 0 }],
    members,
    botRoleIds: [],
  });
}

beforeAll(async () => {
  ws = createWorkspace({ files: DEFAULT });
  writeCorpus(gardenDir(), GARDEN);
  writeCorpus(chessDir(), CHESS);
  const env = { CORPORA: `${A}:corpora/gardening,${B}:corpora/chess`, QUESTIONS_PER_MINUTE: '1000' };
  const config = ws.config(env);
  checkPaths(botPaths(config));
  corpora = await openCorpora({ config, log: silentLogger });
  run = await startBotRun({ workspace: ws, footnote: corpora, env, standin: { guilds: [defaultGuild(), guild(B, MOD_ROLE_B, [MOD_B, MOD_A_IN_B, MEMBER]), guild(C, undefined, [MEMBER])] } });
}, 180_000);

afterAll(async () => {
  await run?.stop();
  removeTempDirs();
});

function slashIn(guildId: string, name: string, options: Record<string, string> = {}, member: Actor = MEMBER): InteractionHandle {
  return run.standin.dispatchInteraction(slashCommand({ name, options, member, guildId, channelId: CHANNEL[guildId as keyof typeof CHANNEL] }));
}

async function askIn(guildId: string, question: string) {
  const reply = await slashIn(guildId, 'ask', { question }).waitForReply(MODEL_WAIT_MS);
  return { reply, sources: reply.embeds.length ? shownQuotes(reply).map((q) => q.source) : [] };
}

async function finalText(i: InteractionHandle): Promise<string> {
  const done = await i.waitForEdit((e) => /Reindex done|already up to date|Reindex failed/.test(String(e.body?.content)), REINDEX_WAIT_MS);
  return unescapeMarkdown((done.message as APIMessage | undefined)?.content ?? '');
}

describe('per-server corpora (CORPORA)', () => {
  it('opens one index per corpus: the default in INDEX_DIR, each listed server in INDEX_DIR/servers/<id>, one model for all', () => {
    expect(corpora.all).toHaveLength(3);
    expect(corpora.forGuild(A).config.corpusDir).toBe(gardenDir());
    expect(corpora.forGuild(B).config.indexDir).toBe(indexOf(B));
    expect(corpora.forGuild(C)).toBe(corpora.default);
    expect(corpora.forGuild(null)).toBe(corpora.default);
    expect(readCurrent(ws.indexDir)).toMatch(/^v-/);
    for (const g of [A, B]) expect(readCurrent(indexOf(g))).toMatch(/^v-/);
    expect(corpora.forGuild(A).sources().map((s) => s.id).sort()).toEqual(['compost', 'tomatoes']);
  });

  it('/ask in each server quotes only its own corpus; an unlisted server gets the default corpus', async () => {
    const garden = await askIn(A, 'How far apart should tomato seedlings be planted?');
    expect(garden.sources.length).toBeGreaterThan(0);
    expect(garden.sources.every((s) => s.startsWith('corpora/gardening/')), garden.sources.join()).toBe(true);
    expect(garden.reply.embeds[0]!.description).toContain('sixty centimetres');

    const chess = await askIn(B, 'Which moves begin the Sicilian Defence?');
    expect(chess.sources.length).toBeGreaterThan(0);
    expect(chess.sources.every((s) => s.startsWith('corpora/chess/')), chess.sources.join()).toBe(true);

    const lighthouse = await askIn(C, 'When was the harbour lighthouse built?');
    expect(lighthouse.sources).toEqual(expect.arrayContaining(['corpus/lighthouse.txt']));
    expect(lighthouse.sources.every((s) => s.startsWith('corpus/'))).toBe(true);

    // The same gardening question where the gardening corpus is not served: never a gardening quote.
    for (const other of [B, C]) {
      const { sources } = await askIn(other, 'How far apart should tomato seedlings be planted?');
      expect(sources.some((s) => s.includes('gardening')), sources.join()).toBe(false);
    }
  });

  it('/sources lists only the server\'s own documents', async () => {
    const listed = async (g: string) => {
      const reply = await slashIn(g, 'sources').waitForReply(MODEL_WAIT_MS);
      expect(isEphemeral(reply)).toBe(true);
      return unescapeMarkdown(reply.embeds[0]!.description ?? '');
    };
    const a = await listed(A);
    expect(a).toContain('`tomatoes`');
    expect(a).not.toMatch(/openings|lighthouse/);
    const b = await listed(B);
    expect(b).toContain('`openings`');
    expect(b).not.toMatch(/tomatoes|lighthouse/);
    const c = await listed(C);
    expect(c).toContain('`lighthouse`');
    expect(c).not.toMatch(/tomatoes|openings/);
  });

  it('/reindex by server A\'s moderator changes only A\'s index; in server B, where they are no moderator, it is refused', async () => {
    const before = { default: readCurrent(ws.indexDir), b: readCurrent(indexOf(B)), a: readCurrent(indexOf(A)) };
    fs.writeFileSync(path.join(gardenDir(), 'roses.txt'), 'Pruning Roses\n\nPrune climbing roses in late winter, cutting each side shoot back to three buds.\n');
    fs.writeFileSync(path.join(chessDir(), 'castling.txt'), 'Castling\n\nCastling moves the king two squares towards a rook.\n');

    const refused = await slashIn(B, 'reindex', {}, MOD_A_IN_B).waitForReply(MODEL_WAIT_MS);
    expect(isEphemeral(refused)).toBe(true);
    expect(refused.content).toMatch(/^Only moderators/);

    const report = await finalText(slashIn(A, 'reindex', {}, MODERATOR));
    expect(report).toContain('Reindex done');
    expect(report).toMatch(/Added 1: .*roses/);
    expect(readCurrent(indexOf(A))).not.toBe(before.a);
    expect(readCurrent(indexOf(B))).toBe(before.b);
    expect(readCurrent(ws.indexDir)).toBe(before.default);
    expect(corpora.forGuild(B).sources().map((s) => s.id)).not.toContain('castling');
    expect(corpora.forGuild(A).sources().map((s) => s.id)).toContain('roses');
    fs.rmSync(path.join(chessDir(), 'castling.txt'));
  });

  it('"Add to corpus" in server B writes under B\'s corpus folder only, and reindexes B only', async () => {
    const text = 'Club rule: the chess club clock must be set to fifteen minutes per player for rapid games on Tuesdays.';
    const target = guildMessage({ content: text, author: MEMBER, guildId: B, channelId: CHANNEL[B] });
    run.standin.dispatchMessage(target);
    const before = { default: readCurrent(ws.indexDir), a: readCurrent(indexOf(A)) };
    const gardenFiles = fs.readdirSync(gardenDir(), { recursive: true }).sort();
    const defaultFiles = fs.readdirSync(ws.corpusDir, { recursive: true }).sort();

    const i = run.standin.dispatchInteraction(messageContextMenu({ name: 'Add to corpus', target: target as unknown as APIMessage, member: MOD_B, guildId: B, channelId: CHANNEL[B] }));
    const report = await finalText(i);
    expect(report).toMatch(/^Saved /);
    expect(report).toContain('Reindex done');
    expect(fs.existsSync(path.join(chessDir(), 'discord', B, `${target.id}.md`))).toBe(true);
    expect(fs.readdirSync(gardenDir(), { recursive: true }).sort()).toEqual(gardenFiles);
    expect(fs.readdirSync(ws.corpusDir, { recursive: true }).sort()).toEqual(defaultFiles);
    expect(readCurrent(indexOf(A))).toBe(before.a);
    expect(readCurrent(ws.indexDir)).toBe(before.default);

    const { sources } = await askIn(B, 'How long is the chess club clock set for rapid games?');
    expect(sources[0]).toBe(`corpora/chess/discord/${B}/${target.id}.md`);
    const elsewhere = await askIn(A, 'How long is the chess club clock set for rapid games?');
    expect(elsewhere.sources.some((s) => s.includes('chess')), elsewhere.sources.join()).toBe(false);
  });

  it('/gaps shows a server\'s moderators the questions declined in their own server only', async () => {
    const question = 'What is the boiling point of sea water in Kelvin?';
    const declined = await askIn(B, question);
    expect(declined.reply.content).toContain('No source in the corpus answers this question.');
    const inB = await slashIn(B, 'gaps', {}, MOD_B).waitForReply(MODEL_WAIT_MS);
    expect(unescapeMarkdown(JSON.stringify(inB))).toContain(question);
    const inA = await slashIn(A, 'gaps', {}, MODERATOR).waitForReply(MODEL_WAIT_MS);
    expect(isEphemeral(inA)).toBe(true);
    expect(unescapeMarkdown(JSON.stringify(inA))).not.toContain('boiling point');
  });

  it('ran cleanly: every interaction acknowledged once, nothing refused by Discord', () => {
    expectCleanRun(run.standin);
  });
});
