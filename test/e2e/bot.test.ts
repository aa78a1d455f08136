/**
 * The real bot end to end: the real model and index over a temporary copy of the seed corpus (plus a
 * document full of pings and a masked link, and one of very long sentences), `startBot` logged in to
 * the local Discord stand-in, and a member's side played through slash commands, buttons,
 * autocomplete, the "Find sources" context menu and mentions. Also `npm run register` and
 * `npm run feedback`, run as scripts against the same stand-in and feedback file.
 */
import fs from 'node:fs';
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../src/discord/registry.js';
import { DISCORD_LIMITS } from '../../src/format/limits.js';
import { unescapeMarkdown } from '../../src/format/markdown.js';
import { WORDING } from '../../src/format/wording.js';
import type { Footnote } from '../../src/service.js';
import { cachedFootnote } from '../helpers/footnote.js';
import { createWorkspace, removeTempDirs, type Workspace } from '../helpers/workspace.js';
import {
  autocomplete,
  buttonClick,
  guildMessage,
  IDS,
  MEMBER,
  mentionMessage,
  messageContextMenu,
  OWNER,
  startDiscordStandin,
} from './discord-standin/index.js';
import {
  collapse,
  expectCleanRun,
  expectNoPings,
  expectVerbatim,
  isEphemeral,
  messageBodies,
  MODEL_WAIT_MS,
  runScript,
  shownQuotes,
  slash,
  startBotRun,
  TOKEN,
  type BotRun,
} from './helpers.js';

/** A notice that tries every way a document could ping people or hide a link. */
const PINGS_DOC = `Riverside Bridge Toll Notice

@everyone the Riverside town hall meeting about the new bridge toll moves to Thursday at 7 pm in the library annex.
@here please tell your neighbours that the bridge toll vote is public and open to all Riverside residents.
The council clerk <@&${IDS.moderatorRole}> and the treasurer <@${IDS.owner}> will answer questions about the bridge toll budget.
Residents can read the bridge toll proposal here: [click](https://evil.example) before the meeting.
`;

/** Twenty sentences of about 900 characters (long words: each still fits one passage). */
const LONG_WORDS =
  'international administration responsibilities infrastructure transportation environmental communications representatives constitutional understanding organizations independence development investigation recommendations extraordinary manufacturing entertainment particularly significantly professional contribution observations conditions measurements visibility throughout temperatures considerable navigation approximately circumstances'.split(
    ' ',
  );
function ledgerSentence(n: number): string {
  const words = [`In ${1850 + n} the Port Marrow lighthouse keeper recorded`];
  for (let k = 0; words.join(' ').length < 880; k++) words.push(LONG_WORDS[(n * 7 + k * 3) % LONG_WORDS.length]!);
  return `${words.join(' ')}.`;
}
const LEDGER_DOC = `The Port Marrow Lighthouse Ledger\n\n${Array.from({ length: 10 }, (_, p) => `${ledgerSentence(2 * p)} ${ledgerSentence(2 * p + 1)}`).join('\n\n')}\n`;

const ICE_ARTICLE = 'corpus/lightfoot-tells-police-not-to-assist-ice.txt';

/** A document deep in folders: its id (95 characters) no longer fits a button's custom id whole. */
const DEEP_ID = 'archive/parks-and-recreation-committee/2021/minutes-of-the-special-hearing-on-street-tree-planting';
const DEEP_DOC = `Minutes of the Special Hearing on Street Tree Planting\n\n${Array.from(
  { length: 12 },
  (_, n) => `Item ${n + 1}: the committee heard that ${40 + n * 13} maples, lindens and honey locusts would be planted along ward ${n + 2} streets, and residents asked about watering schedules during the first two summers.`,
).join('\n\n')}\n`;

let ws: Workspace;
let footnote: Footnote;

beforeAll(async () => {
  ws = createWorkspace({ seed: true, files: { 'riverside-bridge-toll.txt': PINGS_DOC, 'lighthouse-ledger.txt': LEDGER_DOC, [`${DEEP_ID}.txt`]: DEEP_DOC } });
  footnote = await cachedFootnote(ws.config());
});

afterAll(removeTempDirs);

/** The button of `message` whose label matches. */
function buttonId(message: Pick<APIMessage, 'components'>, label: string | RegExp): string {
  for (const row of message.components ?? []) {
    for (const c of (row as { components: { label?: string; custom_id?: string }[] }).components) {
      if (c.custom_id && (typeof label === 'string' ? c.label === label : label.test(c.label ?? ''))) return c.custom_id;
    }
  }
  throw new Error(`no button "${String(label)}" in ${JSON.stringify(message.components)}`);
}

function labels(message: Pick<APIMessage, 'components'>): string[] {
  return (message.components ?? []).flatMap((row) => (row as { components: { label?: string }[] }).components.map((c) => c.label ?? ''));
}

/** The text of a "Show passage" / "/source" block quote, as a reader sees it. */
function blockQuoted(description: string): string {
  const at = description.lastIndexOf('\n— ');
  return collapse(unescapeMarkdown((at >= 0 ? description.slice(0, at) : description).replace(/^> /gm, '')));
}

/** Markdown masked links, mentions and pings left unescaped in a text the bot sent. */
function unescapedDanger(text: string): string[] {
  return [...text.matchAll(/(^|[^\\])(\]\(|@everyone|@here|<@)/g)].map((m) => m[2]!);
}

describe('npm run register', () => {
  it('every command definition is valid for Discord: names, descriptions, unique names', () => {
    const definitions = commandDefinitions();
    expect(definitions.map((d) => d.name)).toEqual(['ask', 'Find sources', 'sources', 'source', 'reindex', 'gaps', 'help', 'Add to corpus', 'corpus']);
    const seen = new Set<string>();
    for (const d of definitions) {
      const type = d.type ?? 1;
      const key = `${type}:${d.name}`;
      expect(seen.has(key), `duplicate ${key}`).toBe(false);
      seen.add(key);
      if (type === 1) {
        expect(d.name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
        expect(d.name).toBe(d.name.toLowerCase());
        const description = (d as { description?: string }).description ?? '';
        expect(description.length).toBeGreaterThanOrEqual(1);
        expect(description.length).toBeLessThanOrEqual(100);
        const options = ((d as { options?: { name: string; description: string }[] }).options ?? []);
        expect(options.length).toBeLessThanOrEqual(25);
        for (const o of options) {
          expect(o.name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
          expect(o.description.length).toBeGreaterThanOrEqual(1);
          expect(o.description.length).toBeLessThanOrEqual(100);
        }
      } else {
        expect(d.name.length).toBeGreaterThanOrEqual(1);
        expect(d.name.length).toBeLessThanOrEqual(32);
        expect((d as { description?: string }).description ?? '').toBe('');
      }
    }
  });

  it('scripts/register-commands.ts puts the six commands to the guild (DISCORD_GUILD_ID) and globally (without it)', async () => {
    const standin = await startDiscordStandin({ token: TOKEN });
    try {
      const env = { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: standin.apiUrl };
      const [guild, global] = await Promise.all([runScript('scripts/register-commands.ts', { ...env, DISCORD_GUILD_ID: IDS.guild }), runScript('scripts/register-commands.ts', env)]);
      expect(guild.code, guild.stderr).toBe(0);
      expect(global.code, global.stderr).toBe(0);
      expect(guild.stdout).toContain(`Registered ${commandDefinitions().length} commands to server ${IDS.guild}`);
      expect(global.stdout).toContain(`Registered ${commandDefinitions().length} commands globally`);

      const expected = [
        ['ask', 1],
        ['Find sources', 3],
        ['sources', 1],
        ['source', 1],
        ['reindex', 1],
        ['gaps', 1],
        ['help', 1],
        ['Add to corpus', 3],
        ['corpus', 1],
      ];
      const guildPut = standin.requestsTo('PUT', '/applications/:applicationId/guilds/:guildId/commands');
      const globalPut = standin.requestsTo('PUT', '/applications/:applicationId/commands');
      expect(guildPut).toHaveLength(1);
      expect(globalPut).toHaveLength(1);
      for (const put of [...guildPut, ...globalPut]) {
        expect(put.status).toBe(200);
        expect(put.authorization).toBe(`Bot ${TOKEN}`);
        expect(put.params.applicationId).toBe(standin.applicationId);
        const body = put.body as { name: string; type?: number; default_member_permissions?: string }[];
        expect(body.map((c) => [c.name, c.type ?? 1])).toEqual(expected);
        expect(body.find((c) => c.name === 'reindex')?.default_member_permissions).toBe('32');
        expect(body.find((c) => c.name === 'gaps')?.default_member_permissions).toBe('32');
        expect(body.find((c) => c.name === 'corpus')?.default_member_permissions).toBe('32');
        expect(body.find((c) => c.name === 'Add to corpus')?.default_member_permissions).toBe('32');
      }
      expect(guildPut[0]!.params.guildId).toBe(IDS.guild);
      expect(standin.commands(IDS.guild).map((c) => [c.name, c.type])).toEqual(expected);
      expect(standin.commands().map((c) => [c.name, c.type])).toEqual(expected);
      expect(standin.violations).toEqual([]);
      expect(standin.unhandled).toEqual([]);
    } finally {
      await standin.close();
    }
  });
});

describe('answering on Discord (MAX_QUOTES=2)', () => {
  let run: BotRun;
  let firstAnswer: APIMessage;

  beforeAll(async () => {
    run = await startBotRun({ workspace: ws, footnote, env: { MAX_QUOTES: '2', QUESTIONS_PER_MINUTE: '1000' } });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('/ask: deferred within 3 s, acknowledged once, then edited with verbatim quotes, citations and the footer', async () => {
    const i = slash(run, 'ask', { question: 'What did Lightfoot tell ICE?' });
    const callback = await i.waitForCallback(MODEL_WAIT_MS);
    expect(callback).toMatchObject({ type: 5, accepted: true });
    expect(callback.delayMs).toBeLessThan(3000);
    expect((Number(callback.data?.flags ?? 0) & 64) === 0).toBe(true);
    firstAnswer = await i.waitForReply(MODEL_WAIT_MS);
    expect(i.callbacks).toHaveLength(1);
    expect(i.edits).toHaveLength(1);
    expect(i.edits[0]!.accepted).toBe(true);
    expect(isEphemeral(firstAnswer)).toBe(false);

    expect(firstAnswer.content).toBe('Question: What did Lightfoot tell ICE?');
    const quotes = shownQuotes(firstAnswer);
    expect(quotes.length).toBeGreaterThanOrEqual(1);
    expect(quotes.length).toBeLessThanOrEqual(2);
    expectVerbatim(quotes, ws.root);
    for (const q of quotes) expect(q.shortened).toBe(false);
    expect(quotes.map((q) => q.source)).toContain(ICE_ARTICLE);
    expect(quotes.map((q) => q.text).join(' ')).toMatch(/not to cooperate with (ICE|Immigration and Customs Enforcement)/);
    for (const [k, embed] of firstAnswer.embeds.entries()) {
      expect(embed.title).toBe((await footnote.document(quotes[k]!.source.replace(/^corpus\//, '').replace(/\.txt$/, ''))).title);
    }
    expect(firstAnswer.embeds.at(-1)?.footer?.text).toBe(WORDING.footer);
    expect(WORDING.footer).toMatch(/only verbatim quotes/i);
    expect(labels(firstAnswer)).toEqual([...quotes.map((_, k) => `Show passage ${k + 1}`), 'More', '👍', '👎']);
    expect(firstAnswer.mentions).toEqual([]);
  });

  it('/ask private:true is answered ephemerally', async () => {
    const i = slash(run, 'ask', { question: 'Why did Lightfoot refuse to help ICE?', private: true });
    const callback = await i.waitForCallback(MODEL_WAIT_MS);
    expect(callback).toMatchObject({ type: 5, accepted: true });
    expect(Number(callback.data?.flags) & 64).toBe(64);
    const reply = await i.waitForReply(MODEL_WAIT_MS);
    expect(isEphemeral(reply)).toBe(true);
    expectVerbatim(shownQuotes(reply), ws.root);
  });

  it('an off-topic question: no source answers it; what is shown is labelled "Closest"', async () => {
    const i = slash(run, 'ask', { question: 'What is the boiling point of water?' });
    const reply = await i.waitForReply(MODEL_WAIT_MS);
    expect(reply.content).toContain('No source in the corpus answers this question.');
    for (const embed of reply.embeds) expect(embed.title).toMatch(/^Closest: /);
    if (reply.embeds.length) {
      expect(reply.embeds.at(-1)?.footer?.text).toContain('do not answer the question');
      expectVerbatim(shownQuotes(reply), ws.root);
    }
  });

  it('"More" answers ephemerally with the next quotes', async () => {
    const click = run.standin.dispatchInteraction(buttonClick({ customId: buttonId(firstAnswer, 'More'), message: firstAnswer, member: MEMBER }));
    const callback = await click.waitForCallback(MODEL_WAIT_MS);
    expect(callback).toMatchObject({ type: 4, accepted: true });
    expect(Number(callback.data?.flags) & 64).toBe(64);
    const more = await click.waitForReply();
    expect(isEphemeral(more)).toBe(true);
    expect(more.content).toBe('More for: What did Lightfoot tell ICE?');
    const next = shownQuotes(more);
    expectVerbatim(next, ws.root);
    const first = shownQuotes(firstAnswer).map((q) => `${q.source}:${q.lineStart}:${q.text}`);
    for (const q of next) expect(first).not.toContain(`${q.source}:${q.lineStart}:${q.text}`);
    // The original answer is unchanged.
    expect(click.original?.id).toBe(more.id);
    expect(run.standin.world.messages.get(firstAnswer.id)?.content).toBe(firstAnswer.content);
  });

  it('"Show passage" answers ephemerally with the passage around the quote', async () => {
    const quotes = shownQuotes(firstAnswer);
    for (const [k, quote] of quotes.entries()) {
      const click = run.standin.dispatchInteraction(buttonClick({ customId: buttonId(firstAnswer, `Show passage ${k + 1}`), message: firstAnswer }));
      const reply = await click.waitForReply(MODEL_WAIT_MS);
      expect(click.callbacks[0]).toMatchObject({ type: 4, accepted: true });
      expect(isEphemeral(reply)).toBe(true);
      expect(reply.embeds).toHaveLength(1);
      const embed = reply.embeds[0]!;
      expect(embed.title).toBe(firstAnswer.embeds[k]!.title);
      expect(blockQuoted(embed.description!)).toContain(collapse(quote.text));
      expect(unescapeMarkdown(embed.description!)).toMatch(new RegExp(`\\n— ${quote.source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, lines? \\d+`));
      expect(embed.footer?.text).toBe(WORDING.footer);
    }
  });

  it('👍 / 👎: an ephemeral thanks, a line in FEEDBACK_FILE with the question, the quotes and a hashed user id; npm run feedback counts them', async () => {
    const file = run.config.discord.feedbackFile;
    // Declined questions asked earlier are recorded for /gaps (lines of their own kind); no vote yet.
    expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').not.toContain('"vote"');
    for (const [label, member] of [['👍', MEMBER], ['👎', OWNER]] as const) {
      const click = run.standin.dispatchInteraction(buttonClick({ customId: buttonId(firstAnswer, label), message: firstAnswer, member }));
      const reply = await click.waitForReply(MODEL_WAIT_MS);
      expect(click.callbacks[0]).toMatchObject({ type: 4, accepted: true });
      expect(isEphemeral(reply)).toBe(true);
      expect(reply.content).toMatch(/^Thanks/);
    }
    const text = fs.readFileSync(file, 'utf8');
    const records = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>).filter((r) => r.vote);
    expect(records.map((r) => r.vote)).toEqual(['up', 'down']);
    const shown = shownQuotes(firstAnswer);
    for (const r of records) {
      expect(r.question).toBe('What did Lightfoot tell ICE?');
      expect(r.answered).toBe(true);
      expect(r.user).toMatch(/^[0-9a-f]{16}$/);
      expect(r.quotes.length).toBeGreaterThanOrEqual(shown.length);
      shown.forEach((q, k) => expect(r.quotes[k]).toMatchObject({ source: q.source, lineStart: q.lineStart, lineEnd: q.lineEnd }));
      for (const q of r.quotes) expect(q.end).toBeGreaterThan(q.start);
    }
    expect(records[0]!.user).not.toBe(records[1]!.user);
    // The raw ids never reach the file.
    expect(text).not.toContain(MEMBER.id);
    expect(text).not.toContain(OWNER.id);

    const report = await runScript('scripts/feedback-report.ts', { FEEDBACK_FILE: file });
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('Feedback: 2 votes, 1 👍, 1 👎');
    expect(report.stdout).toMatch(/lightfoot-tells-police-not-to-assist-ice\s+1\s+1/);
    expect(report.stdout).toContain('Latest 👎 questions:');
    expect(report.stdout).toContain('What did Lightfoot tell ICE?');
  });

  it('/source autocomplete: at most 25 choices, each matching what was typed', async () => {
    const all = footnote.sources();
    for (const typed of ['', 'ice', 'LIGHTHOUSE', 'police', 'no such document']) {
      const i = run.standin.dispatchInteraction(autocomplete({ name: 'source', options: { document: typed }, focused: 'document' }));
      const callback = await i.waitForCallback(MODEL_WAIT_MS);
      expect(callback).toMatchObject({ type: 8, accepted: true });
      const choices = (callback.data?.choices ?? []) as { name: string; value: string }[];
      expect(choices.length).toBeLessThanOrEqual(DISCORD_LIMITS.autocompleteChoices);
      const matching = all.filter((s) => `${s.title} ${s.id}`.toLowerCase().includes(typed.toLowerCase()));
      expect(choices.map((c) => c.value).sort()).toEqual(matching.map((s) => s.id).sort());
      for (const c of choices) {
        expect(c.name.length).toBeLessThanOrEqual(100);
        expect(c.name.toLowerCase()).toContain(typed.toLowerCase());
      }
    }
  });

  it('/source: the document title and opening; Previous / Next page through it (button → update, type 7)', async () => {
    const id = 'lightfoot-will-not-cooperate-with-ice';
    const doc = await footnote.document(id);
    const i = slash(run, 'source', { document: id });
    const reply = await i.waitForReply(MODEL_WAIT_MS);
    expect(i.callbacks[0]).toMatchObject({ type: 4, accepted: true });
    expect(isEphemeral(reply)).toBe(true);
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe(doc.title);
    expect(blockQuoted(embed.description!).startsWith(collapse(doc.text).slice(0, 120))).toBe(true);
    expect(embed.fields?.map((f) => [f.name, unescapeMarkdown(f.value)])).toEqual(
      expect.arrayContaining([
        ['File', 'corpus/lightfoot-will-not-cooperate-with-ice.txt'],
        ['Id', id],
      ]),
    );
    const pages = Number(/^Page 1 of (\d+)$/.exec(embed.footer?.text ?? '')?.[1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(labels(reply)).toEqual(['◀ Previous', 'Next ▶']);

    const next = run.standin.dispatchInteraction(buttonClick({ customId: buttonId(reply, 'Next ▶'), message: reply }));
    expect(await next.waitForCallback(MODEL_WAIT_MS)).toMatchObject({ type: 7, accepted: true });
    const second = next.original!;
    expect(second.id).toBe(reply.id);
    expect(second.embeds[0]!.footer?.text).toBe(`Page 2 of ${pages}`);
    expect(second.embeds[0]!.title).toBe(doc.title);
    const page2 = blockQuoted(second.embeds[0]!.description!);
    expect(collapse(doc.text)).toContain(page2.replace(/\s?…$/, ''));
    expect(page2).not.toBe(blockQuoted(embed.description!));

    const back = run.standin.dispatchInteraction(buttonClick({ customId: buttonId(second, '◀ Previous'), message: second }));
    expect(await back.waitForCallback(MODEL_WAIT_MS)).toMatchObject({ type: 7, accepted: true });
    expect(back.original!.embeds[0]!.footer?.text).toBe(`Page 1 of ${pages}`);
  });

  it('/source pages through a document whose id is too long to fit a button whole', async () => {
    expect(DEEP_ID.length).toBeGreaterThan(90);
    expect(DEEP_ID.length).toBeLessThanOrEqual(100);
    const choices = run.standin.dispatchInteraction(autocomplete({ name: 'source', options: { document: 'street tree' }, focused: 'document' }));
    expect(((await choices.waitForCallback(MODEL_WAIT_MS)).data?.choices as { value: string }[]).map((c) => c.value)).toEqual([DEEP_ID]);
    const reply = await slash(run, 'source', { document: DEEP_ID }).waitForReply(MODEL_WAIT_MS);
    expect(reply.embeds[0]!.footer?.text).toMatch(/^Page 1 of [2-9]$/);
    const next = run.standin.dispatchInteraction(buttonClick({ customId: buttonId(reply, 'Next ▶'), message: reply }));
    expect(await next.waitForCallback(MODEL_WAIT_MS)).toMatchObject({ type: 7, accepted: true });
    expect(next.original!.embeds[0]!.title).toBe('Minutes of the Special Hearing on Street Tree Planting');
    expect(next.original!.embeds[0]!.footer?.text).toMatch(/^Page 2 of [2-9]$/);
  });

  it('/sources lists every document with its title and id', async () => {
    const i = slash(run, 'sources');
    const reply = await i.waitForReply(MODEL_WAIT_MS);
    expect(i.callbacks[0]).toMatchObject({ type: 4, accepted: true });
    expect(isEphemeral(reply)).toBe(true);
    const embed = reply.embeds[0]!;
    const sources = footnote.sources();
    expect(sources).toHaveLength(8);
    expect(embed.title).toBe('Sources (8 documents)');
    const description = embed.description!;
    for (const s of sources) {
      expect(description).toContain(`\`${s.id}\``);
      expect(unescapeMarkdown(description)).toContain(s.title);
    }
    expect(embed.footer?.text).toMatch(/^Page 1 of 1/);
    expect(reply.components).toEqual([]);
  });

  it('"Find sources" on a message stating a claim replies with quotes from the article that supports it', async () => {
    const target = guildMessage({ content: 'Lightfoot told the police not to cooperate with ICE', author: OWNER });
    const i = run.standin.dispatchInteraction(messageContextMenu({ name: 'Find sources', target, member: MEMBER }));
    const callback = await i.waitForCallback(MODEL_WAIT_MS);
    expect(callback).toMatchObject({ type: 5, accepted: true });
    expect(callback.delayMs).toBeLessThan(3000);
    const reply = await i.waitForReply(MODEL_WAIT_MS);
    expect(reply.content).toBe('Sources for: Lightfoot told the police not to cooperate with ICE');
    const quotes = shownQuotes(reply);
    expectVerbatim(quotes, ws.root);
    expect(quotes[0]!.source).toBe(ICE_ARTICLE);
    expect(quotes[0]!.text).toContain('not to cooperate with Immigration and Customs Enforcement');
  });

  it('a mention with a question gets a reply with the quotes, pinging nobody', async () => {
    const sent = run.standin.dispatchMessage(mentionMessage({ text: 'What did Lightfoot tell ICE?', author: MEMBER }));
    expect(sent.deliveredTo).toBe(1);
    const post = await run.standin.waitFor(
      (r) => r.method === 'POST' && r.route === '/channels/:channelId/messages' && (r.body as any)?.message_reference?.message_id === sent.message.id,
      MODEL_WAIT_MS,
    );
    expect(post.status).toBe(200);
    expect(post.params.channelId).toBe(IDS.channel);
    const body = post.body as Record<string, any>;
    expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    const reply = post.response as APIMessage;
    expect(reply.content).toBe('Question: What did Lightfoot tell ICE?');
    expect(reply.message_reference?.message_id).toBe(sent.message.id);
    expect(reply.mentions).toEqual([]);
    const quotes = shownQuotes(reply);
    expectVerbatim(quotes, ws.root);
    expect(quotes.map((q) => q.source)).toContain(ICE_ARTICLE);
    expect(labels(reply)).toContain('👍');
  });

  it('a mention without a question gets a short help reply; a message that does not mention the bot is ignored', async () => {
    const before = run.standin.requests.length;
    const ignored = run.standin.dispatchMessage(guildMessage({ content: 'What did Lightfoot tell ICE?', author: MEMBER }));
    expect(ignored.deliveredTo).toBe(1);
    const bare = run.standin.dispatchMessage(mentionMessage({ text: '', author: MEMBER }));
    const help = await run.standin.waitFor(
      (r) => r.method === 'POST' && r.route === '/channels/:channelId/messages' && (r.body as any)?.message_reference?.message_id === bare.message.id,
      MODEL_WAIT_MS,
    );
    const content = (help.response as APIMessage).content;
    expect(content).toMatch(/Ask me a question after the mention, or use \/ask/);
    expect(content.length).toBeLessThan(200);
    // Let the bot finish a whole question before concluding that it ignored the message.
    const ask = slash(run, 'ask', { question: 'Who is Lori Lightfoot?' }, OWNER);
    await ask.waitForReply(MODEL_WAIT_MS);
    const since = run.standin.requests.slice(before);
    expect(since.filter((r) => (r.body as any)?.message_reference?.message_id === ignored.message.id)).toEqual([]);
    expect(since.filter((r) => r.route === '/channels/:channelId/typing')).toEqual([]);
    expect(since.filter((r) => r.method === 'POST' && r.route === '/channels/:channelId/messages')).toHaveLength(1);
  });

  it('/help replies ephemerally', async () => {
    const i = slash(run, 'help');
    const reply = await i.waitForReply(MODEL_WAIT_MS);
    expect(i.callbacks[0]).toMatchObject({ type: 4, accepted: true });
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.embeds[0]?.title).toMatch(/^Footnote/);
    expect(reply.embeds[0]?.description).toContain('/ask');
    expect(reply.embeds[0]?.description).toContain('up to 2 quotes');
  });

  it('a document with @everyone, @here, role and user mentions and a masked link: quoted escaped, pinging nobody', async () => {
    const seen: string[] = [];
    for (const question of [
      'When is the Riverside town hall meeting about the bridge toll?',
      'Who will answer questions about the bridge toll budget?',
      'Where can residents read the bridge toll proposal?',
    ]) {
      const i = slash(run, 'ask', { question });
      const reply = await i.waitForReply(MODEL_WAIT_MS);
      const quotes = shownQuotes(reply);
      expectVerbatim(quotes, ws.root);
      expect(quotes[0]!.source).toBe('corpus/riverside-bridge-toll.txt');
      seen.push(...quotes.map((q) => q.text));
      for (const embed of reply.embeds) expect(unescapedDanger(embed.description!)).toEqual([]);
      expect(reply.mentions).toEqual([]);
      expect(reply.mention_roles).toEqual([]);
      expect(reply.mention_everyone).toBe(false);
      // The whole notice, as "Show passage" shows it.
      const click = run.standin.dispatchInteraction(buttonClick({ customId: buttonId(reply, /^Show passage/), message: reply }));
      const passage = await click.waitForReply(MODEL_WAIT_MS);
      const description = passage.embeds[0]!.description!;
      expect(unescapedDanger(description)).toEqual([]);
      seen.push(blockQuoted(description));
    }
    const all = seen.join('\n');
    for (const text of ['@everyone the Riverside town hall', '@here please tell', `<@&${IDS.moderatorRole}>`, `<@${IDS.owner}>`, '[click](https://evil.example)']) {
      expect(all).toContain(text);
    }
    expectNoPings(run.standin);
  });

  it('a question containing @everyone, a user mention and a masked link is echoed escaped and pings nobody', async () => {
    const question = `@everyone <@${IDS.owner}> what is the bridge toll? [click](https://evil.example) @here`;
    const i = slash(run, 'ask', { question });
    const reply = await i.waitForReply(MODEL_WAIT_MS);
    expect(unescapeMarkdown(reply.content)).toBe(`Question: ${question}`);
    expect(unescapedDanger(reply.content)).toEqual([]);
    expect(reply.mentions).toEqual([]);
    expect(reply.mention_everyone).toBe(false);

    const sent = run.standin.dispatchMessage(mentionMessage({ text: question, author: MEMBER }));
    const post = await run.standin.waitFor(
      (r) => r.method === 'POST' && r.route === '/channels/:channelId/messages' && (r.body as any)?.message_reference?.message_id === sent.message.id,
      MODEL_WAIT_MS,
    );
    const answer = post.response as APIMessage;
    expect(unescapedDanger(answer.content)).toEqual([]);
    expect(answer.mentions).toEqual([]);
    expect(answer.mention_everyone).toBe(false);
    expectNoPings(run.standin);
  });

  it('everything the bot sent: no pings, no unescaped masked link, nothing refused by Discord, each interaction acknowledged once', () => {
    expectNoPings(run.standin);
    for (const { body } of messageBodies(run.standin)) {
      for (const embed of (body.embeds ?? []) as { description?: string }[]) expect(unescapedDanger(embed.description ?? '')).toEqual([]);
    }
    expectCleanRun(run.standin);
  });
});

describe('mentions answered in a thread (REPLY_IN_THREAD=true)', () => {
  let run: BotRun;
  beforeAll(async () => {
    run = await startBotRun({ workspace: ws, footnote, env: { REPLY_IN_THREAD: 'true' } });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('starts a thread on the question and posts the answer in it', async () => {
    const sent = run.standin.dispatchMessage(mentionMessage({ text: 'What did Lightfoot tell ICE?', author: MEMBER }));
    const start = await run.standin.waitFor((r) => r.method === 'POST' && r.route === '/channels/:channelId/messages/:messageId/threads', MODEL_WAIT_MS);
    expect(start.status).toBe(201);
    expect(start.params).toMatchObject({ channelId: IDS.channel, messageId: sent.message.id });
    expect((start.body as any).name).toBe('What did Lightfoot tell ICE?');
    const threadId = (start.response as { id: string }).id;
    const post = await run.standin.waitFor((r) => r.method === 'POST' && r.route === '/channels/:channelId/messages' && r.params.channelId === threadId, MODEL_WAIT_MS);
    expect(post.status).toBe(200);
    expect((post.body as any).allowed_mentions).toEqual({ parse: [], replied_user: false });
    const messages = run.standin.channelMessages(threadId);
    expect(messages).toHaveLength(1);
    expectVerbatim(shownQuotes(messages[0]!), ws.root);
    // Nothing was posted in the channel itself.
    expect(run.standin.requestsTo('POST', '/channels/:channelId/messages').filter((r) => r.params.channelId === IDS.channel)).toEqual([]);
    expectNoPings(run.standin);
    expectCleanRun(run.standin);
  });
});

describe('over-long answers (MAX_QUOTES=10, sentences of ~900 characters)', () => {
  let run: BotRun;
  beforeAll(async () => {
    run = await startBotRun({ workspace: ws, footnote, env: { MAX_QUOTES: '10' } });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('stays within every Discord limit, shortening quotes between words with "…"', async () => {
    const i = slash(run, 'ask', { question: 'What did the Port Marrow lighthouse keeper record?' });
    const reply = await i.waitForReply(MODEL_WAIT_MS);
    expect(run.standin.violations).toEqual([]);
    expect(i.edits.every((e) => e.accepted)).toBe(true);
    const quotes = shownQuotes(reply);
    expect(quotes.length).toBeGreaterThanOrEqual(8);
    expect(quotes.length).toBeLessThanOrEqual(10);
    expectVerbatim(quotes, ws.root);
    const ledger = quotes.filter((q) => q.source === 'corpus/lighthouse-ledger.txt');
    expect(ledger.length).toBeGreaterThanOrEqual(5);
    for (const q of ledger) {
      expect(q.shortened, q.text).toBe(true);
      expect(q.text).toMatch(/^In \d{4} the Port Marrow lighthouse keeper recorded /);
    }
    const total = reply.embeds.reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0), 0);
    expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
    expect(reply.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(reply.components?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.rowsPerMessage);
    // Each long quote can still be read whole with "Show passage".
    const click = run.standin.dispatchInteraction(buttonClick({ customId: buttonId(reply, 'Show passage 1'), message: reply }));
    const passage = await click.waitForReply(MODEL_WAIT_MS);
    expect(blockQuoted(passage.embeds[0]!.description!)).toContain(quotes[0]!.text.replace(/\s?…$/, ''));
    expectNoPings(run.standin);
    expectCleanRun(run.standin);
  });
});
