/**
 * Issue 10, items 2-4: hostile documents through the real bot and the Discord stand-in. Bad links
 * in a sidecar, in front matter (a smuggled masked link) and in JSONL; titles and text full of
 * Markdown, mentions, spoilers, code fences, list markers and links; a 3,000-character sentence;
 * and an index built before links were checked. Every message the stand-in receives must be
 * accepted by its Discord validation, hold no working masked link, no formatting from a document
 * and ping nobody; and no member ever sees "something went wrong".
 */
import type { APIEmbed, APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUsableUrl } from '../../src/corpus/metadata.js';
import { readCorpus, type Corpus } from '../../src/corpus/read.js';
import { unescapeMarkdown } from '../../src/format/markdown.js';
import type { Quote } from '../../src/search/answer.js';
import type { Footnote } from '../../src/service.js';
import { IDS, MEMBER, autocomplete, buttonClick, guildMessage, mentionMessage, messageContextMenu, OWNER } from '../e2e/discord-standin/index.js';
import { collapse, expectCleanRun, expectNoPings, expectVerbatim, logRecords, messageBodies, MODEL_WAIT_MS, shownQuotes, slash, startBotRun, type BotRun } from '../e2e/helpers.js';
import { cachedFootnote } from '../helpers/footnote.js';
import { createWorkspace, removeTempDirs, type Workspace } from '../helpers/workspace.js';

const BAD_URL = 'https://exa mple.com/q';
const SMUGGLED_URL = 'https://ok.example/a>[click me](https://evil.example/x)';
const GARDEN_TITLE = `**Community** [Garden](https://evil.example/t) ||plots|| @everyone <@${IDS.owner}> \`code\` ~~old~~`;
const BUS_TITLE = '__Route__ ~~12~~ ||Bus|| # 1. [map](https://evil.example/map)';

const SKATE_PARK = `Skate Park Rules

# Helmets are required at the skate park for every rider under sixteen.
1. The skate park opens at seven in the morning and closes at dusk.
-# Scooters are welcome at the skate park on weekday mornings.
> The skate park bowl is closed on rainy days because the concrete gets slippery.
\`\`\`js
The skate park ramps were rebuilt in 2019 with steel coping.
\`\`\`
||The skate park lockers cost a dollar a day.|| @everyone @here <@&${IDS.moderatorRole}> read [the rules](https://evil.example/rules) and <https://evil.example/auto> <t:0:R> <:skate:1000000000000000999>
**Bold** __under__ ~~strike~~ *it* _it_ the skate park ~~fee~~ is free on Sundays.
`;

/** One sentence of about 3,000 characters, with Markdown in it, then an ordinary one. */
const LONG_SENTENCE = (() => {
  const words = ['The Port Marrow lighthouse keeper recorded'];
  const extra = ['gales', 'fog', '**squalls**', 'passing', 'schooners', '[x](https://evil.example/l)', 'and', 'steamers', 'near', 'the', '||reef||', 'at', 'dawn'];
  for (let k = 0; words.join(' ').length < 3000; k++) words.push(extra[k % extra.length]!);
  return `${words.join(' ')}.`;
})();
const LIGHTHOUSE = `The Port Marrow Lighthouse Log\n\n${LONG_SENTENCE} The lamp was relit every evening at sunset.\n`;

let ws: Workspace;
let footnote: Footnote;
let corpus: Corpus;

beforeAll(async () => {
  ws = createWorkspace({
    files: {
      'ferry/timetable.txt': 'Harbor Ferry Timetable\n\nThe harbor ferry leaves Pier 3 every twenty minutes on weekdays.\nOn weekends the harbor ferry runs every half hour until midnight.\n',
      'ferry/timetable.meta.json': JSON.stringify({ title: 'Harbor Ferry Timetable', url: BAD_URL }),
      'library-hours.md': `---\ntitle: Library Opening Hours\nurl: ${SMUGGLED_URL}\n---\nThe Eastside library opens at nine in the morning and closes at eight in the evening.\nThe Eastside library is closed on public holidays.\n`,
      'garden.md': `---\ntitle: ${GARDEN_TITLE}\n---\nThe community garden has forty plots, and each garden plot rents for twelve dollars a season.\nWater for the community garden comes from two rain barrels.\n`,
      'skate-park.txt': SKATE_PARK,
      'lighthouse.txt': LIGHTHOUSE,
      'buses.jsonl': [
        JSON.stringify({ id: 'bus-12', title: BUS_TITLE, url: 'javascript:alert(1)', text: 'Bus route 12 runs from the train station to the hospital every fifteen minutes.' }),
        JSON.stringify({ id: 'bus-40', title: 'Route 40', url: 'https://buses.example/routes/40_(airport)', text: 'Bus route 40 serves the airport terminals from five in the morning.' }),
      ].join('\n'),
    },
  });
  corpus = await readCorpus(ws.corpusDir, ws.root);
  footnote = await cachedFootnote(ws.config());
});

afterAll(removeTempDirs);

// ---------------------------------------------------------------------------------------------------------------
// What a message may contain

/**
 * Formatting left in a text the bot sent once its own formatting (the block quote's "> ", the
 * bold "No source…" line and "**n.**" of /sources, the id's code span) and every backslash
 * escape are removed: anything left came from a document or a member unescaped.
 */
function formattingLeft(text: string): string[] {
  const bare = text
    .replace(/^\*\*No source in the corpus answers this question\.\*\*$/m, '')
    .replace(/^\*\*\d+\.\*\* /gm, '')
    .replace(/^`[^`\n]*` · \d+ passages$/gm, '')
    .replace(/^> /gm, '')
    .replace(/\\[^\n]/g, '');
  return [...bare.matchAll(/[*_~`|[\]<@]|^[ \t]*(?:#|>|-#|\d+\.[ \t]|[-+][ \t])/gm)].map((m) => `${m[0]} in «${text.slice(0, 120)}»`);
}

/** A masked link `[text](url)` whose brackets are not escaped. */
function maskedLinks(text: string): string[] {
  return [...text.replace(/\\[^\n]/g, '').matchAll(/\[[^\]\n]*\]\([^)\n]*\)/g)].map((m) => m[0]);
}

/** Checks every message body the bot sent: Discord accepted it, no masked link, no document formatting, nothing went wrong. */
function expectHarmless(run: BotRun): void {
  expectCleanRun(run.standin);
  expectNoPings(run.standin);
  let checked = 0;
  for (const { request, body } of messageBodies(run.standin)) {
    const where = `${request.method} ${request.path}`;
    const embeds = (body.embeds ?? []) as APIEmbed[];
    // /help is the bot's own text, with its own bold and code.
    if (embeds.some((e) => e.title?.startsWith('Footnote: answers with sources'))) continue;
    const texts: string[] = [];
    if (typeof body.content === 'string') texts.push(body.content);
    for (const e of embeds) {
      texts.push(e.title ?? '', e.description ?? '', e.footer?.text ?? '');
      if (e.url !== undefined) expect(isUsableUrl(e.url), `${where} embed url ${e.url}`).toBe(true);
      for (const f of e.fields ?? []) {
        if (f.name === 'Link') expect(f.value).toMatch(/^<https?:\/\/[^\s<>]+>$/);
        else texts.push(f.value);
      }
    }
    for (const text of texts) {
      expect(text, where).not.toMatch(/something went wrong/i);
      expect(maskedLinks(text), where).toEqual([]);
      expect(formattingLeft(text), where).toEqual([]);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(0);
  expect(logRecords(run).filter((r) => r.msg === 'interaction failed' || r.msg === 'mention failed')).toEqual([]);
}

function buttonId(message: Pick<APIMessage, 'components'>, label: string | RegExp): string {
  for (const row of message.components ?? []) {
    for (const c of (row as { components: { label?: string; custom_id?: string }[] }).components) {
      if (c.custom_id && (typeof label === 'string' ? c.label === label : label.test(c.label ?? ''))) return c.custom_id;
    }
  }
  throw new Error(`no button "${String(label)}" in ${JSON.stringify(message.components)}`);
}

async function ask(run: BotRun, question: string): Promise<APIMessage> {
  return slash(run, 'ask', { question }).waitForReply(MODEL_WAIT_MS);
}

async function showPassage(run: BotRun, answer: APIMessage, n = 1): Promise<APIMessage> {
  const click = run.standin.dispatchInteraction(buttonClick({ customId: buttonId(answer, answer.embeds.length === 1 ? 'Show passage' : `Show passage ${n}`), message: answer }));
  return click.waitForReply(MODEL_WAIT_MS);
}

async function source(run: BotRun, id: string): Promise<APIMessage> {
  return slash(run, 'source', { document: id }).waitForReply(MODEL_WAIT_MS);
}

const fromFiles = (message: APIMessage) => shownQuotes(message).filter((q) => !q.source.endsWith('.jsonl'));

// ---------------------------------------------------------------------------------------------------------------

describe('hostile documents, indexed', () => {
  it('bad links are reported by name and dropped; the documents are indexed without them', () => {
    const reasons = Object.fromEntries(corpus.skipped.map((s) => [s.source, s.reason]));
    expect(reasons['corpus/ferry/timetable.meta.json']).toMatch(/^url ignored: not a well-formed URL \(it contains a space or line break\) \("https:\/\/exa mple\.com\/q"\)/);
    expect(reasons['corpus/library-hours.md']).toMatch(/^front matter url ignored: not a well-formed URL/);
    expect(reasons['corpus/buses.jsonl:1']).toMatch(/^url ignored: only http and https links are allowed, not javascript:/);
    const byId = new Map(corpus.documents.map((d) => [d.id, d]));
    expect([...byId.keys()].sort()).toEqual(['bus-12', 'bus-40', 'ferry/timetable', 'garden', 'library-hours', 'lighthouse', 'skate-park']);
    for (const id of ['ferry/timetable', 'library-hours', 'bus-12']) expect(byId.get(id)!.url, id).toBeUndefined();
    expect(byId.get('bus-40')!.url).toBe('https://buses.example/routes/40_(airport)');
    expect(byId.get('garden')!.title).toBe(GARDEN_TITLE);
  });
});

describe('hostile documents on Discord (MAX_QUOTES=2)', () => {
  let run: BotRun;
  beforeAll(async () => {
    run = await startBotRun({ workspace: ws, footnote, env: { MAX_QUOTES: '2', QUESTIONS_PER_MINUTE: '1000' } });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('REGRESSION: one malformed URL broke every answer from its document: /ask, Show passage and /source answer, without the link', async () => {
    const answer = await ask(run, 'How often does the harbor ferry leave Pier 3 on weekdays?');
    const quotes = shownQuotes(answer);
    expect(quotes[0]!.source).toBe('corpus/ferry/timetable.txt');
    expectVerbatim(fromFiles(answer), ws.root);
    expect(answer.embeds[0]!.url).toBeUndefined();
    const passage = await showPassage(run, answer);
    expect(passage.embeds[0]!.title).toBe('Harbor Ferry Timetable');
    const page = await source(run, 'ferry/timetable');
    expect(page.embeds[0]!.url).toBeUndefined();
    expect(page.embeds[0]!.fields!.map((f) => f.name)).not.toContain('Link');
    expect(run.standin.violations).toEqual([]);
  });

  it('REGRESSION: a masked link could be smuggled in through metadata: /source shows no Link field, the answer no link', async () => {
    const answer = await ask(run, 'When does the Eastside library open?');
    expect(shownQuotes(answer)[0]!.source).toBe('corpus/library-hours.md');
    expect(answer.embeds[0]!.url).toBeUndefined();
    const page = await source(run, 'library-hours');
    expect(page.embeds[0]!.fields!.map((f) => f.name)).not.toContain('Link');
    // /source shows the file as it is, front matter included: the url is there as escaped text, not as a link.
    expect(unescapeMarkdown(page.embeds[0]!.description!)).toContain(`url: ${SMUGGLED_URL}`);
    expect(maskedLinks(page.embeds[0]!.description!)).toEqual([]);
  });

  it('REGRESSION: titles were not escaped: a title with **bold**, a masked link, a spoiler and a mention is escaped in /ask, Show passage, /sources and /source', async () => {
    const answer = await ask(run, 'How much does a community garden plot rent for?');
    expect(shownQuotes(answer)[0]!.source).toBe('corpus/garden.md');
    const titles = [answer.embeds[0]!.title!, (await showPassage(run, answer)).embeds[0]!.title!, (await source(run, 'garden')).embeds[0]!.title!];
    for (const title of titles) {
      expect(title).not.toBe(GARDEN_TITLE);
      expect(unescapeMarkdown(title)).toBe(GARDEN_TITLE);
      expect(formattingLeft(title)).toEqual([]);
    }
    const list = await slash(run, 'sources').waitForReply(MODEL_WAIT_MS);
    expect(unescapeMarkdown(list.embeds[0]!.description!)).toContain(GARDEN_TITLE);
    expect(unescapeMarkdown(list.embeds[0]!.description!)).toContain(BUS_TITLE);
    // Autocomplete choices are plain text to Discord: shown as written, within 100 characters.
    const choices = run.standin.dispatchInteraction(autocomplete({ name: 'source', options: { document: 'garden' }, focused: 'document' }));
    const names = ((await choices.waitForCallback(MODEL_WAIT_MS)).data?.choices as { name: string; value: string }[]);
    expect(names.map((c) => c.value)).toEqual(['garden']);
    expect(names[0]!.name.length).toBeLessThanOrEqual(100);
  });

  it('Markdown, mentions, spoilers, code fences, list markers and links in the text are quoted escaped, in answers, More, Show passage and /source', async () => {
    const seen: string[] = [];
    for (const question of [
      'Are helmets required at the skate park?',
      'When does the skate park open?',
      'Are scooters welcome at the skate park?',
      'When is the skate park bowl closed?',
      'When were the skate park ramps rebuilt?',
      'How much do the skate park lockers cost?',
      'Is the skate park free on Sundays?',
    ]) {
      const answer = await ask(run, question);
      const quotes = shownQuotes(answer);
      expect(quotes[0]!.source, question).toBe('corpus/skate-park.txt');
      expectVerbatim(fromFiles(answer), ws.root);
      seen.push(...quotes.map((q) => q.text));
      const passage = await showPassage(run, answer);
      seen.push(unescapeMarkdown(passage.embeds[0]!.description!.replace(/^> /gm, '')));
      if (labelsOf(answer).includes('More')) {
        const more = await run.standin.dispatchInteraction(buttonClick({ customId: buttonId(answer, 'More'), message: answer })).waitForReply(MODEL_WAIT_MS);
        expectVerbatim(fromFiles(more), ws.root);
      }
    }
    // Every page of the document itself, as /source shows it.
    let page = await source(run, 'skate-park');
    seen.push(unescapeMarkdown(page.embeds[0]!.description!.replace(/^> /gm, '')));
    for (let n = 1; labelsOf(page).includes('Next ▶') && !isDisabled(page, 'Next ▶') && n < 10; n++) {
      const next = run.standin.dispatchInteraction(buttonClick({ customId: buttonId(page, 'Next ▶'), message: page }));
      await next.waitForCallback(MODEL_WAIT_MS);
      page = next.original!;
      seen.push(unescapeMarkdown(page.embeds[0]!.description!.replace(/^> /gm, '')));
    }
    const all = collapse(seen.join('\n'));
    for (const text of ['# Helmets are required', '1. The skate park opens', '-# Scooters are welcome', '> The skate park bowl', '```js', '||The skate park lockers cost a dollar a day.||', '[the rules](https://evil.example/rules)', '**Bold** __under__ ~~strike~~']) {
      expect(all, text).toContain(collapse(text));
    }
  });

  it('a 3,000-character sentence full of Markdown is quoted verbatim and escaped, within every limit, in the answer, Show passage and /source', async () => {
    const answer = await ask(run, 'What did the Port Marrow lighthouse keeper record?');
    const quotes = shownQuotes(answer);
    expect(quotes[0]!.source).toBe('corpus/lighthouse.txt');
    expectVerbatim(fromFiles(answer), ws.root);
    // An over-long sentence is quoted in pieces (the sentence splitter cuts it), each verbatim.
    expect(LONG_SENTENCE).toContain(quotes[0]!.text.replace(/\s?…$/, ''));
    const passage = await showPassage(run, answer);
    const shown = collapse(unescapeMarkdown(passage.embeds[0]!.description!.replace(/^> /gm, '')));
    expect(shown).toContain(quotes[0]!.text.replace(/\s?…$/, ''));
    const page = await source(run, 'lighthouse');
    expect(collapse(unescapeMarkdown(page.embeds[0]!.description!.replace(/^> /gm, '')))).toContain(LONG_SENTENCE.slice(0, 1000));
  });

  it('JSONL: a javascript: link is dropped, a good link (with parentheses and an underscore) is kept as the embed url (with a text fragment) and an <…> Link', async () => {
    const bus12 = await ask(run, 'Where does bus route 12 run?');
    expect(shownQuotes(bus12)[0]!.source).toBe('corpus/buses.jsonl');
    expect(bus12.embeds[0]!.url).toBeUndefined();
    expect(unescapeMarkdown(bus12.embeds[0]!.title!)).toBe(BUS_TITLE);
    const bus40 = await ask(run, 'Which bus route serves the airport?');
    // The link opens the page at the quote: the document's URL with a text fragment.
    expect(bus40.embeds[0]!.url).toMatch(/^https:\/\/buses\.example\/routes\/40_\(airport\)#:~:text=[^()\s]+$/);
    const page = await source(run, 'bus-40');
    expect(page.embeds[0]!.fields!.find((f) => f.name === 'Link')?.value).toBe('<https://buses.example/routes/40_(airport)>');
  });

  it('closest passages, Find sources, mentions and /source with a hostile name are escaped too', async () => {
    const closest = await ask(run, 'What is the boiling point of water?');
    expect(closest.content).toContain('No source in the corpus answers this question.');
    const claim = `The skate park lockers cost a dollar a day ||really|| [proof](https://evil.example/p) @everyone <@${IDS.owner}> **now**`;
    const target = guildMessage({ content: claim, author: OWNER });
    const found = await run.standin.dispatchInteraction(messageContextMenu({ name: 'Find sources', target, member: MEMBER })).waitForReply(MODEL_WAIT_MS);
    expect(unescapeMarkdown(found.content)).toBe(`Sources for: ${claim}`);
    const sent = run.standin.dispatchMessage(mentionMessage({ text: `__When__ does the **skate park** open? [x](https://evil.example/m) @here`, author: MEMBER }));
    await run.standin.waitFor((r) => r.method === 'POST' && r.route === '/channels/:channelId/messages' && (r.body as any)?.message_reference?.message_id === sent.message.id, MODEL_WAIT_MS);
    const typed = `[x](https://evil.example/s) @everyone **${'long '.repeat(700)}**`;
    const missing = await source(run, typed);
    expect(missing.content).toMatch(/^There is no document with the id '/);
    expect(missing.content.length).toBeLessThan(400);
    await slash(run, 'help').waitForReply(MODEL_WAIT_MS);
  });

  it('everything the bot sent: accepted by Discord, no masked link, no formatting from a document, no ping, nothing went wrong', () => {
    expectHarmless(run);
  });
});

describe('an index built before links were checked', () => {
  let run: BotRun;
  beforeAll(async () => {
    run = await startBotRun({ workspace: ws, footnote: withOldIndexLinks(footnote), env: { MAX_QUOTES: '3', QUESTIONS_PER_MINUTE: '1000' } });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('REGRESSION: one malformed URL broke every answer from its document: a bad link still in the index never reaches Discord', async () => {
    const answer = await ask(run, 'How often does the harbor ferry leave Pier 3 on weekdays?');
    for (const embed of answer.embeds) expect(embed.url).toBeUndefined();
    await showPassage(run, answer);
    const page = await source(run, 'bus-40');
    expect(page.embeds[0]!.url).toBeUndefined();
    expect(page.embeds[0]!.fields!.map((f) => f.name)).not.toContain('Link');
    await ask(run, 'What is the boiling point of water?');
    expectHarmless(run);
  });
});

/** The same Footnote, but every document's url is one an index built before links were checked could hold. */
function withOldIndexLinks(inner: Footnote): Footnote {
  const mark = (q: Quote): Quote => ({ ...q, url: BAD_URL });
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'ask') {
        return async (...args: Parameters<Footnote['ask']>) => {
          const answer = await target.ask(...args);
          return { ...answer, quotes: answer.quotes.map(mark), closest: answer.closest.map(mark) };
        };
      }
      if (property === 'document') return async (id: string) => ({ ...(await target.document(id)), url: SMUGGLED_URL });
      if (property === 'passage') {
        return async (...args: Parameters<Footnote['passage']>) => {
          const found = await target.passage(...args);
          return found && { ...found, document: { ...found.document, url: BAD_URL } };
        };
      }
      if (property === 'sources') return () => target.sources().map((s) => ({ ...s, url: BAD_URL }));
      return Reflect.get(target, property, receiver);
    },
  });
}

function labelsOf(message: Pick<APIMessage, 'components'>): string[] {
  return (message.components ?? []).flatMap((row) => (row as { components: { label?: string }[] }).components.map((c) => c.label ?? ''));
}

function isDisabled(message: Pick<APIMessage, 'components'>, label: string): boolean {
  return (message.components ?? []).some((row) => (row as { components: { label?: string; disabled?: boolean }[] }).components.some((c) => c.label === label && c.disabled));
}
