/**
 * /reindex end to end: who may run it, what a moderator sees while it runs and when it is done,
 * that questions are answered meanwhile, that a second reindex is refused, and that answers then
 * come from the new index. Also /sources paging, with the 45 documents the reindex leaves.
 */
import fs from 'node:fs';
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unescapeMarkdown } from '../../src/format/markdown.js';
import { openFootnote, type Footnote } from '../../src/service.js';
import { silentLogger } from '../../src/log.js';
import { createWorkspace, indexEntries, readCurrent, removeTempDirs, type Workspace } from '../helpers/workspace.js';
import { actor, buttonClick, defaultGuild, EVERYONE_PERMISSIONS, MEMBER, MODERATOR, OWNER } from './discord-standin/index.js';
import { expectCleanRun, expectNoPings, expectVerbatim, isEphemeral, MODEL_WAIT_MS, shownQuotes, slash, startBotRun, type BotRun } from './helpers.js';

/** A role with no permissions at all, listed in MODERATOR_ROLE_IDS. */
const HELPER_ROLE = '1000000000000000103';
const HELPER = actor({ id: '1000000000000000303', username: 'helper', globalName: 'Helper', roles: [HELPER_ROLE] });

const REINDEX_WAIT_MS = 240_000;
const GENERATED = 40;

const TOWNS = ['Ashford', 'Brookvale', 'Cedar Point', 'Dunmore', 'Elmstead', 'Fairhaven', 'Glenrock', 'Hollowell'];
const SUBJECTS = ['the harbour dredging contract', 'the winter road salting budget', 'the public library extension', 'the bus depot relocation', 'the flood barrier inspection'];

/** A few paragraphs of plausible municipal reporting, different for each `n`. */
function generatedDocument(n: number): string {
  const town = `${TOWNS[n % TOWNS.length]} ${n}`;
  const paragraphs: string[] = [];
  for (let p = 0; p < 2; p++) {
    const subject = SUBJECTS[(n + p) % SUBJECTS.length];
    paragraphs.push(
      [
        `The ${town} council met on day ${p + 1} of the session to review ${subject}.`,
        `Councillors from ward ${(n * 3 + p) % 17} asked why the estimate had risen by ${10 + ((n * 7 + p) % 40)} percent since the spring.`,
        `The clerk of ${town} read out letters from residents who supported ${subject} and from others who wanted it postponed.`,
        `A vote on ${subject} was scheduled for the following month after a public hearing in the ${town} community hall.`,
      ].join(' '),
    );
  }
  return `Council Report ${n}: ${town}\n\n${paragraphs.join('\n\n')}\n`;
}

const JOHNSON = 'johnson-orders-cpd-to-document-immigration-agents.txt';
const NEW_SENTENCE = 'Johnson also ordered every district commander to file a weekly report on immigration agent sightings with the Office of Emergency Management.';
const ZEBRA = 'The Chicago City Council approved 412 new zebra crossings near elementary schools in March 2021.';

let ws: Workspace;
let footnote: Footnote;
let run: BotRun;

beforeAll(async () => {
  ws = createWorkspace({ seed: true });
  // As `npm start` runs it: reindexing in a worker thread, because onnxruntime-node's forward pass
  // blocks its thread for seconds per batch on busy cores, which would make interactions arriving
  // meanwhile miss Discord's 3-second window. Default batch size, so that is what is tested.
  footnote = await openFootnote({ config: ws.config({}), log: silentLogger, reindexInWorker: true });
  const guild = defaultGuild();
  guild.roles!.push({ id: HELPER_ROLE, name: 'Helper', permissions: EVERYONE_PERMISSIONS, position: 1 });
  guild.members!.push(HELPER);
  run = await startBotRun({ workspace: ws, footnote, standin: { guilds: [guild] }, env: { MODERATOR_ROLE_IDS: HELPER_ROLE, QUESTIONS_PER_MINUTE: '1000' } });
});

afterAll(async () => {
  await run?.stop();
  removeTempDirs();
});

function text(message: Pick<APIMessage, 'content'> | undefined): string {
  return unescapeMarkdown(message?.content ?? '');
}

async function ask(question: string, member = OWNER) {
  const i = slash(run, 'ask', { question }, member);
  const reply = await i.waitForReply(MODEL_WAIT_MS);
  return { handle: i, reply, quotes: shownQuotes(reply) };
}

describe('/reindex', () => {
  it('is refused, ephemerally, for a member without Manage Server or a moderator role; the index is untouched', async () => {
    // The corpus changes: one document added, one changed, one removed, a binary file, and many new reports.
    fs.chmodSync(ws.corpusFile(JOHNSON), 0o644);
    fs.appendFileSync(ws.corpusFile(JOHNSON), `\n${NEW_SENTENCE}\n`);
    ws.writeCorpusFile('zebra-crossings.txt', `Zebra Crossings Near Schools\n\n${ZEBRA} The crossings are painted every August before the school year starts.\n`);
    ws.removeCorpusFile('mayors-police-reform-blueprint.txt');
    ws.writeCorpusFile('scan.txt', Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01, 0x02, 0xff, 0x00, 0x10]));
    for (let n = 0; n < GENERATED; n++) ws.writeCorpusFile(`reports/council-report-${String(n).padStart(2, '0')}.txt`, generatedDocument(n));

    const version = footnote.index.version;
    const current = readCurrent(ws.indexDir);
    const entries = indexEntries(ws.indexDir).all;

    const i = slash(run, 'reindex', {}, MEMBER);
    const callback = await i.waitForCallback(MODEL_WAIT_MS);
    expect(callback).toMatchObject({ type: 4, accepted: true });
    expect(Number(callback.data?.flags) & 64).toBe(64);
    const reply = await i.waitForReply();
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toBe('Only moderators (Manage Server permission or a moderator role) can reindex.');
    expect(i.edits).toEqual([]);

    expect(footnote.reindexing).toBe(false);
    expect(footnote.index.version).toBe(version);
    expect(readCurrent(ws.indexDir)).toBe(current);
    expect(indexEntries(ws.indexDir).all).toEqual(entries);
    expect(footnote.sources().map((s) => s.id)).toContain('mayors-police-reform-blueprint');
    const { quotes } = await ask('Who must file a weekly report on immigration agent sightings?');
    expect(quotes.map((q) => q.text).join(' ')).not.toContain('weekly report on immigration agent sightings');
  });

  it('a moderator (by role): deferred ephemerally, progress, then what changed; questions are answered meanwhile and a second reindex is refused', async () => {
    const i = slash(run, 'reindex', {}, HELPER);
    const callback = await i.waitForCallback(MODEL_WAIT_MS);
    expect(callback).toMatchObject({ type: 5, accepted: true });
    expect(Number(callback.data?.flags) & 64).toBe(64);
    const progress = await i.waitForEdit((e) => /^Reindexing/.test(String(e.body?.content)), MODEL_WAIT_MS);
    expect(progress.accepted).toBe(true);
    expect(footnote.reindexing).toBe(true);

    // While it runs: another member's question is answered, from the index being served...
    const during = slash(run, 'ask', { question: 'What did Lightfoot tell ICE?' }, OWNER);
    // ...and a second /reindex is refused politely.
    const second = slash(run, 'reindex', {}, MODERATOR);
    const refusal = await second.waitForReply(MODEL_WAIT_MS);
    expect(second.callbacks[0]).toMatchObject({ type: 4, accepted: true });
    expect(isEphemeral(refusal)).toBe(true);
    expect(refusal.content).toMatch(/already running/);

    const answer = await during.waitForReply(MODEL_WAIT_MS);
    expect(during.callbacks[0]).toMatchObject({ type: 5, accepted: true });
    expectVerbatim(shownQuotes(answer), ws.root);
    // The answer arrived before the reindex's final report.
    expect(i.edits.every((e) => /^Reindexing/.test(String(e.body?.content))), i.edits.map((e) => e.body?.content).join(' | ')).toBe(true);
    expect(footnote.reindexing).toBe(true);

    const done = await i.waitForEdit((e) => /^Reindex done/.test(String(e.body?.content)), REINDEX_WAIT_MS);
    expect(done.accepted).toBe(true);
    expect(during.edits[0]!.receivedAt).toBeLessThanOrEqual(done.receivedAt);
    const report = text(done.message as APIMessage | undefined);
    expect(report).toMatch(/^Reindex done in \d+\.\d s; answers now come from the new index\./);
    expect(report).toMatch(new RegExp(`^Added ${GENERATED + 1}: .* and ${GENERATED + 1 - 10} more$`, 'm'));
    expect(report).toContain(`Changed 1: ${JOHNSON.replace(/\.txt$/, '')}`);
    expect(report).toContain('Removed 1: mayors-police-reform-blueprint');
    expect(report).toContain('Unchanged 3.');
    expect(report).toContain('Skipped 1:\n- corpus/scan.txt: binary file (contains NUL bytes), not text');
    expect(report.length).toBeLessThanOrEqual(2000);
    const final = i.original!;
    expect(isEphemeral(final)).toBe(true);
    expect(i.edits.at(-1)).toBe(done);
    expect(footnote.reindexing).toBe(false);
  });

  it('then /ask answers from the new content: the added document, the changed one; the removed one is gone', async () => {
    const zebra = await ask('How many zebra crossings did the City Council approve near schools?');
    expectVerbatim(zebra.quotes, ws.root);
    expect(zebra.quotes[0]!.source).toBe('corpus/zebra-crossings.txt');
    expect(zebra.quotes[0]!.text).toContain('412 new zebra crossings');

    const weekly = await ask('Who must file a weekly report on immigration agent sightings?');
    expectVerbatim(weekly.quotes, ws.root);
    expect(weekly.quotes.find((q) => q.text.includes('weekly report on immigration agent sightings'))?.source).toBe(`corpus/${JOHNSON}`);

    expect(footnote.sources().map((s) => s.id)).not.toContain('mayors-police-reform-blueprint');
    for (const quote of [...zebra.quotes, ...weekly.quotes]) expect(quote.source).not.toBe('corpus/mayors-police-reform-blueprint.txt');
  });

  it('is allowed for a member with Manage Server (no moderator role): nothing changed, it says so', async () => {
    expect(MODERATOR.roles).not.toContain(HELPER_ROLE);
    const i = slash(run, 'reindex', {}, MODERATOR);
    expect(await i.waitForCallback(MODEL_WAIT_MS)).toMatchObject({ type: 5, accepted: true });
    const done = await i.waitForEdit((e) => !/^Reindexing/.test(String(e.body?.content)), REINDEX_WAIT_MS);
    expect(text(done.message as APIMessage | undefined)).toMatch(/^The index was already up to date\.\nAdded 0\nChanged 0\nRemoved 0\nUnchanged 45\./);
    expect(isEphemeral(i.original)).toBe(true);
  });
});

describe('/sources with more than one page', () => {
  it('Previous / Next page through the 45 documents (button → update, type 7)', async () => {
    const sources = footnote.sources();
    expect(sources).toHaveLength(45);
    const i = slash(run, 'sources');
    const first = await i.waitForReply(MODEL_WAIT_MS);
    expect(isEphemeral(first)).toBe(true);
    const embed = first.embeds[0]!;
    expect(embed.title).toBe('Sources (45 documents)');
    expect(embed.footer?.text).toMatch(/^Page 1 of 5/);
    const numbered = (m: APIMessage) => [...(m.embeds[0]!.description ?? '').matchAll(/^\*\*(\d+)\.\*\* /gm)].map((x) => Number(x[1]));
    expect(numbered(first)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const s of sources.slice(0, 10)) expect(embed.description).toContain(`\`${s.id}\``);
    const buttons = (m: APIMessage) => (m.components?.[0] as { components: { label: string; custom_id: string; disabled?: boolean }[] }).components;
    expect(buttons(first).map((b) => [b.label, Boolean(b.disabled)])).toEqual([['◀ Previous', true], ['Next ▶', false]]);

    const next = run.standin.dispatchInteraction(buttonClick({ customId: buttons(first)[1]!.custom_id, message: first }));
    expect(await next.waitForCallback(MODEL_WAIT_MS)).toMatchObject({ type: 7, accepted: true });
    const second = next.original!;
    expect(second.id).toBe(first.id);
    expect(second.embeds[0]!.footer?.text).toMatch(/^Page 2 of 5/);
    expect(numbered(second)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    for (const s of sources.slice(10, 20)) expect(second.embeds[0]!.description).toContain(`\`${s.id}\``);

    const back = run.standin.dispatchInteraction(buttonClick({ customId: buttons(second)[0]!.custom_id, message: second }));
    expect(await back.waitForCallback(MODEL_WAIT_MS)).toMatchObject({ type: 7, accepted: true });
    expect(back.original!.embeds[0]!.footer?.text).toMatch(/^Page 1 of 5/);

    const last = await slash(run, 'sources', { page: 5 }).waitForReply(MODEL_WAIT_MS);
    expect(last.embeds[0]!.footer?.text).toMatch(/^Page 5 of 5/);
    expect(numbered(last)).toEqual([41, 42, 43, 44, 45]);
    expect(buttons(last).map((b) => [b.label, Boolean(b.disabled)])).toEqual([['◀ Previous', false], ['Next ▶', true]]);
  });

  it('everything the bot sent: no pings, nothing refused by Discord, each interaction acknowledged once', () => {
    expectNoPings(run.standin);
    expectCleanRun(run.standin);
  });
});
