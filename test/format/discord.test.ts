/**
 * Pure unit tests of the Discord rendering (src/format/discord.ts, markdown.ts): whatever the
 * documents and questions contain, every message stays within Discord's limits, Markdown escaping
 * is lossless, and shortening never cuts a word. No Discord, no model: seeded random inputs.
 */
import { describe, expect, it } from 'vitest';
import {
  answerView,
  DOCUMENT_PAGE_CHARS,
  documentPages,
  documentView,
  helpView,
  passageView,
  SOURCES_PER_PAGE,
  sourcesView,
  type MessageView,
} from '../../src/format/discord.js';
import { DISCORD_LIMITS as L } from '../../src/format/limits.js';
import { escapeMarkdown, escapeWithin, shortenText, unescapeMarkdown } from '../../src/format/markdown.js';
import { WORDING } from '../../src/format/wording.js';
import type { StoredDocument, StoredPassage } from '../../src/index/snapshot.js';
import type { Answer, Quote } from '../../src/search/answer.js';
import type { SourceSummary } from '../../src/service.js';
// Discord's own rules as the e2e stand-in enforces them: an independent second opinion on the limits.
import { validateMessageBody } from '../e2e/discord-standin/limits.js';
import { seededRandom } from '../helpers/random.js';

// ---------------------------------------------------------------------------------------------------------------
// Seeded random inputs

const rng = seededRandom;

type Rand = () => number;
const int = (r: Rand, min: number, max: number) => min + Math.floor(r() * (max - min + 1));
const pick = <T>(r: Rand, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;

/** Words that stress escaping and shortening: Markdown, mentions, masked links, emoji, long words. */
const WORDS = [
  'the', 'mayor', 'said', 'police', 'Chicago', 'ICE', 'letter', 'department', 'immigration', 'enforcement',
  '**bold**', '__under__', '*x*', '_y_', '~~strike~~', '`code`', '```block```', '||spoiler||', '> quote', '# heading',
  '- item', '1.', '[click](https://evil.example)', '@everyone', '@here', '<@1000000000000000300>', '<@&1000000000000000102>',
  '<#1000000000000000200>', 'back\\slash', '(paren)', 'C:\\path\\file', '🙂', '👍🏽', 'naïve', 'Zürich', '“quoted”', '—',
  'supercalifragilisticexpialidocious', 'https://example.com/a_b-c', 'e-mail', 'U.S.', 'J.B.', '$1.8', '100%',
];
const ENDINGS = ['.', '.', '.', '?', '!', '.”', ',', ';', ''];

function sentence(r: Rand, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(pick(r, WORDS));
  const s = out.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1) + pick(r, ENDINGS);
}

/** Text of about `chars` characters: sentences, sometimes separated by line breaks or odd spaces. */
function text(r: Rand, chars: number): string {
  let out = '';
  while (out.length < chars) {
    out += sentence(r, int(r, 3, 40));
    out += pick(r, [' ', ' ', ' ', '\n', '\n\n', '\u00a0', '  ']);
  }
  return out.slice(0, chars).trim() || 'x';
}

/** A string where every character may be special: the worst case for escaping. */
function specials(r: Rand, chars: number): string {
  const alphabet = '\\*_~`|><#-[]()@ abc\n';
  let out = '';
  for (let i = 0; i < chars; i++) out += alphabet[int(r, 0, alphabet.length - 1)];
  return out;
}

function path(r: Rand, long: boolean): string {
  if (!long) return `corpus/${pick(r, ['a', 'lightfoot-tells-police', 'policing/blueprint_2020'])}.txt`;
  const parts: string[] = ['corpus'];
  while (parts.join('/').length < int(r, 200, 900)) parts.push(pick(r, ['very-long_folder-name', 'x-y-z', '__init__', 'a-b-c-d-e-f', '(draft)', '[old]']));
  return parts.join('/') + '.txt';
}

function quote(r: Rand, long: boolean, i: number): Quote {
  const quoteText = long ? (r() < 0.3 ? specials(r, int(r, 500, 5000)) : text(r, int(r, 200, 6000))) : text(r, int(r, 20, 400));
  const lineStart = int(r, 1, 5000);
  return {
    text: quoteText,
    docId: `doc-${i}`,
    title: long ? text(r, int(r, 100, 600)) : text(r, int(r, 5, 80)),
    source: path(r, long && r() < 0.5),
    start: 0,
    end: quoteText.length,
    lineStart,
    lineEnd: lineStart + int(r, 0, 3),
    score: r(),
    ...(r() < 0.5 && { url: `https://example.com/${'a'.repeat(int(r, 1, long ? 1500 : 40))}` }),
    passage: i,
  };
}

function answer(r: Rand, long: boolean, count: number): { answer: Answer; quotes: Quote[] } {
  const quotes = Array.from({ length: count }, (_, i) => quote(r, long, i));
  const answered = r() < 0.6;
  const question = long ? (r() < 0.5 ? specials(r, int(r, 100, 4000)) : text(r, int(r, 100, 4000))) : text(r, int(r, 5, 200));
  return {
    answer: { question, answered, quotes: answered ? quotes : [], closest: answered ? [] : quotes, version: 'v-1', bestSimilarity: 0.5 },
    quotes,
  };
}

function storedDocument(r: Rand, long: boolean): StoredDocument {
  const body = long && r() < 0.3 ? specials(r, int(r, 1000, 20_000)) : text(r, int(r, 50, long ? 30_000 : 3000));
  return {
    id: long ? `${'deep/'.repeat(int(r, 1, 60))}doc-${int(r, 0, 99)}` : `doc-${int(r, 0, 99)}`,
    source: path(r, long && r() < 0.5),
    title: long ? text(r, int(r, 200, 800)) : text(r, int(r, 5, 80)),
    ...(r() < 0.5 && { url: `https://example.com/${'p'.repeat(int(r, 1, long ? 3000 : 30))}` }),
    ...(r() < 0.5 && { publisher: long ? specials(r, int(r, 100, 2000)) : 'The Daily' }),
    ...(r() < 0.5 && { date: '2020-01-0' + int(r, 1, 9) }),
    hash: 'h',
    text: body,
    firstLine: 1,
    linesFollowText: true,
    passageCount: int(r, 1, 5000),
  };
}

/** A passage over `doc`: consecutive sentence spans of its text (split at ". " and line breaks). */
function storedPassage(r: Rand, doc: StoredDocument): StoredPassage {
  const spans: { start: number; end: number }[] = [];
  const re = /[^.\n]+[.\n]?/g;
  for (let m = re.exec(doc.text); m; m = re.exec(doc.text)) {
    const start = m.index + (m[0].length - m[0].trimStart().length);
    const end = m.index + m[0].trimEnd().length;
    if (end > start) spans.push({ start, end });
  }
  const first = int(r, 0, Math.max(0, spans.length - 1));
  const sentences = spans.slice(first, first + int(r, 1, 200));
  return {
    doc: 0,
    start: sentences[0]?.start ?? 0,
    end: sentences.at(-1)?.end ?? 0,
    lineStart: int(r, 1, 100),
    lineEnd: int(r, 100, 9999),
    sentences,
    sentenceRow: 0,
  };
}

function sourcesList(r: Rand, long: boolean, count: number): SourceSummary[] {
  return Array.from({ length: count }, (_, i) => ({
    id: long ? `${specials(r, int(r, 50, 300)).replace(/\n/g, ' ')}-${i}` : `doc-${i}`,
    title: long ? (r() < 0.5 ? specials(r, int(r, 100, 1000)) : text(r, int(r, 100, 1000))) : text(r, int(r, 5, 80)),
    source: path(r, long),
    passages: int(r, 1, 99_999),
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// The limits

/** Every limit of DISCORD_LIMITS that a message body can break; returns what is broken (empty: fine). */
function limitProblems(view: MessageView): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  if (view.content !== undefined) check(view.content.length <= L.content, `content ${view.content.length} > ${L.content}`);
  check(view.embeds.length <= L.embedsPerMessage, `${view.embeds.length} embeds`);
  let total = 0;
  view.embeds.forEach((e, i) => {
    const title = e.title ?? '';
    const description = e.description ?? '';
    const footer = e.footer?.text ?? '';
    check(title.length <= L.embedTitle, `embed ${i} title ${title.length}`);
    check(description.length <= L.embedDescription, `embed ${i} description ${description.length}`);
    check(footer.length <= L.embedFooter, `embed ${i} footer ${footer.length}`);
    check((e.fields ?? []).length <= L.embedFields, `embed ${i} has ${(e.fields ?? []).length} fields`);
    total += title.length + description.length + footer.length;
    (e.fields ?? []).forEach((f, j) => {
      check(f.name.length >= 1 && f.name.length <= L.embedFieldName, `embed ${i} field ${j} name ${f.name.length}`);
      check(f.value.length >= 1 && f.value.length <= L.embedFieldValue, `embed ${i} field ${j} value ${f.value.length}`);
      total += f.name.length + f.value.length;
    });
  });
  check(total <= L.embedsTotal, `embeds total ${total} > ${L.embedsTotal}`);
  check(view.components.length <= L.rowsPerMessage, `${view.components.length} rows`);
  const customIds: string[] = [];
  view.components.forEach((row, i) => {
    check(row.components.length >= 1 && row.components.length <= L.buttonsPerRow, `row ${i} has ${row.components.length} buttons`);
    for (const b of row.components) {
      check(b.label.length >= 1 && b.label.length <= L.buttonLabel, `button label ${b.label.length}`);
      check(b.custom_id.length >= 1 && b.custom_id.length <= L.customId, `custom_id ${b.custom_id.length}`);
      customIds.push(b.custom_id);
    }
  });
  check(new Set(customIds).size === customIds.length, `duplicate custom ids ${customIds.join(',')}`);
  // The stand-in's validator knows Discord's rules independently of src/format/limits.ts.
  const { errors, empty } = validateMessageBody(view, { mode: 'create' });
  for (const e of errors) problems.push(`discord: ${e.path.join('.')} ${e.code} ${e.message}`);
  if (empty) problems.push('discord: empty message');
  return problems;
}

function expectWithinLimits(view: MessageView, what: string): void {
  expect(limitProblems(view), what).toEqual([]);
}

const RUNS = 150;

// ---------------------------------------------------------------------------------------------------------------

describe('Discord views stay within every limit', () => {
  it('answerView: any question, 0-10 quotes of any length, titles, paths and links', () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const r = rng(seed);
      const long = seed % 3 !== 0;
      const { answer: a, quotes } = answer(r, long, int(r, 0, L.embedsPerMessage));
      const view = answerView(a, quotes, {
        passages: quotes.map((_, i) => `passage:abcdefgh:${i}`),
        ...(r() < 0.5 && { more: 'more:abcdefgh:1' }),
        up: 'vote:abcdefgh:up',
        down: 'vote:abcdefgh:down',
      }, r() < 0.3 ? 'Sources for' : undefined);
      expectWithinLimits(view, `seed ${seed}`);
      expect(view.embeds).toHaveLength(quotes.length);
      // Every quote keeps its citation whole, even when the quote itself has to be shortened.
      if (quotes.length) expect(view.embeds.at(-1)?.footer?.text, `seed ${seed}`).toContain(WORDING.footer);
    }
  });

  it('answerView: ten quotes of 900-character sentences are shortened, with "…", never mid-word', () => {
    const r = rng(42);
    const long = (n: number) => Array.from({ length: 30 }, () => pick(r, ['lighthouse', 'keeper', 'recorded', 'the', 'passing', 'ships', 'and', 'weather'])).join(' ') + ` ${n}. `;
    const quotes: Quote[] = Array.from({ length: 10 }, (_, i) => {
      const t = (long(i).repeat(4) + long(i + 100).repeat(2)).trim();
      return { text: t, docId: 'ledger', title: 'The Port Marrow Lighthouse Ledger', source: 'corpus/ledger.txt', start: 0, end: t.length, lineStart: 3, lineEnd: 3, score: 1, passage: i };
    });
    const a: Answer = { question: 'What did the keeper record?', answered: true, quotes, closest: [], version: 'v', bestSimilarity: 1 };
    const view = answerView(a, quotes, { passages: quotes.map((_, i) => `p:${i}`), up: 'u', down: 'd' });
    expectWithinLimits(view, 'ten long quotes');
    view.embeds.forEach((e, i) => {
      const shown = unescapeMarkdown(e.description!.split('\n')[0]!.replace(/^> /, ''));
      expect(shown.endsWith('…'), shown).toBe(true);
      const kept = shown.replace(/ ?…$/, '');
      expect(quotes[i]!.text.startsWith(kept), kept).toBe(true);
      expect(/\s/.test(quotes[i]!.text[kept.length] ?? ' '), `cut inside a word: ${kept.slice(-30)}|${quotes[i]!.text.slice(kept.length, kept.length + 10)}`).toBe(true);
      expect(e.description).toContain('— corpus/ledger.txt, line 3');
    });
  });

  it('passageView: any passage of any document', () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const r = rng(1000 + seed);
      const doc = storedDocument(r, seed % 3 !== 0);
      const view = passageView(doc, storedPassage(r, doc));
      expectWithinLimits(view, `seed ${seed}`);
      expect(view.embeds).toHaveLength(1);
    }
  });

  it('sourcesView: any number of sources, every page (and pages out of range)', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(2000 + seed);
      const sources = sourcesList(r, seed % 2 === 0, int(r, 0, 45));
      const pages = Math.max(1, Math.ceil(sources.length / SOURCES_PER_PAGE));
      for (let page = -1; page <= pages; page++) {
        const view = sourcesView(sources, page, { previous: `sources:${page}:prev`, next: `sources:${page}:next` });
        expectWithinLimits(view, `seed ${seed} page ${page}`);
        const footer = view.embeds[0]!.footer!.text;
        expect(footer).toMatch(new RegExp(`^Page ${Math.min(Math.max(page, 0), pages - 1) + 1} of ${pages}`));
      }
    }
  });

  it('documentView: any document, every page', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(3000 + seed);
      const doc = storedDocument(r, seed % 3 !== 0);
      const pages = documentPages(doc.text).length;
      for (const page of [-1, 0, 1, Math.floor(pages / 2), pages - 1, pages + 3]) {
        const view = documentView(doc, page, { previous: `doc:${page}:prev:${doc.id}`.slice(0, 100), next: `doc:${page}:next:${doc.id}`.slice(0, 100) });
        expectWithinLimits(view, `seed ${seed} page ${page}`);
      }
    }
  });

  it('worst cases: ten quotes with 300-character titles and long hyphenated paths; titles and ids full of Markdown', () => {
    const source = `corpus/${'a-b_c-(d)'.repeat(90)}.txt`;
    const quotes: Quote[] = Array.from({ length: 10 }, (_, i) => ({
      text: `${'word-with_marks '.repeat(300)}end.`,
      docId: `d${i}`,
      title: `${'*T_'.repeat(100)}${i}`,
      source,
      start: 0,
      end: 1,
      lineStart: 1000 + i,
      lineEnd: 1002 + i,
      score: 1,
      passage: i,
    }));
    for (const count of [1, 2, 5, 10]) {
      const shown = quotes.slice(0, count);
      const a: Answer = { question: '@everyone '.repeat(400), answered: count % 2 === 0, quotes: shown, closest: shown, version: 'v', bestSimilarity: 1 };
      const view = answerView(a, shown, { passages: shown.map((_, i) => `passage:abc:${i}`), more: 'more:abc:1', up: 'vote:abc:up', down: 'vote:abc:down' });
      expectWithinLimits(view, `${count} quotes`);
      // The line numbers survive however long the path is.
      view.embeds.forEach((e, i) => expect(e.description).toMatch(new RegExp(`lines ${1000 + i}–${1002 + i}$`)));
    }
    const sources: SourceSummary[] = Array.from({ length: 25 }, (_, i) => ({ id: `${'`_'.repeat(80)}${i}`, title: `${'*_'.repeat(200)}${i}`, source, passages: 99_999 }));
    for (const page of [0, 1, 2]) expectWithinLimits(sourcesView(sources, page, { previous: 'sources:0:prev', next: 'sources:0:next' }), `sources page ${page}`);
    const doc: StoredDocument = {
      id: '_-'.repeat(300),
      source,
      title: '*'.repeat(1000),
      url: `https://example.com/${'u'.repeat(2000)}`,
      publisher: '_'.repeat(2000),
      date: '-'.repeat(2000),
      hash: '',
      text: '-\n'.repeat(5000) + '[x](y) '.repeat(3000),
      firstLine: 1,
      linesFollowText: true,
      passageCount: 3,
    };
    for (let page = 0; page < documentPages(doc.text).length; page += 3) expectWithinLimits(documentView(doc, page, { previous: 'doc:p', next: 'doc:n' }), `document page ${page}`);
    const sentences = [...doc.text.matchAll(/[^\n]+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
    expectWithinLimits(passageView(doc, { doc: 0, start: 0, end: doc.text.length, lineStart: 1, lineEnd: 9999, sentences, sentenceRow: 0 }), 'passage of many short lines');
  });

  it('helpView is within the limits for any quote count', () => {
    for (let n = 1; n <= 10; n++) expectWithinLimits(helpView(n), `maxQuotes ${n}`);
  });
});

describe('what the views show', () => {
  const q = (over: Partial<Quote> = {}): Quote => ({
    text: 'Lightfoot told ICE agents they had no access to our police databases.',
    docId: 'lightfoot',
    title: 'Lightfoot and ICE',
    source: 'corpus/lightfoot-ice.txt',
    start: 10,
    end: 80,
    lineStart: 5,
    lineEnd: 6,
    score: 1,
    passage: 3,
    ...over,
  });

  it('an answer: the quote block-quoted and escaped, its citation with file and lines, the footer, buttons', () => {
    const a: Answer = { question: 'What did *Lightfoot* tell @everyone?', answered: true, quotes: [q({ text: 'She said [click](https://evil.example) @here <@123456789012345678>.' })], closest: [], version: 'v', bestSimilarity: 1 };
    const view = answerView(a, a.quotes, { passages: ['passage:x:0'], more: 'more:x:1', up: 'vote:x:up', down: 'vote:x:down' });
    expect(view.content).toBe('Question: What did \\*Lightfoot\\* tell \\@everyone?');
    const d = view.embeds[0]!.description!;
    expect(d).toBe('> She said \\[click\\]\\(https://evil.example\\) \\@here \\<\\@123456789012345678\\>.\n— corpus/lightfoot\\-ice.txt, lines 5–6');
    expect(d).not.toMatch(/(^|[^\\])\]\(/);
    expect(unescapeMarkdown(d.split('\n')[0]!)).toBe('> She said [click](https://evil.example) @here <@123456789012345678>.');
    expect(view.embeds[0]!.footer?.text).toBe(WORDING.footer);
    expect(view.components.flatMap((row) => row.components.map((b) => b.label))).toEqual(['Show passage', 'More', '👍', '👎']);
  });

  it('no answer: says so first, and every embed is labelled "Closest"', () => {
    const a: Answer = { question: 'What is the boiling point of water?', answered: false, quotes: [], closest: [q(), q({ passage: 4 })], version: 'v', bestSimilarity: 0.2 };
    const view = answerView(a, a.closest, { passages: ['p:0', 'p:1'], up: 'u', down: 'd' });
    expect(view.content).toContain(WORDING.noAnswer);
    for (const e of view.embeds) expect(e.title).toMatch(/^Closest: /);
    expect(view.embeds.at(-1)!.footer!.text).toContain(WORDING.closestHeading);
  });

  it('a document page: title, opening, fields, Previous/Next only when there are more pages', () => {
    const long: StoredDocument = { id: 'a', source: 'corpus/a.txt', title: 'A', hash: '', text: 'Word number one. '.repeat(400), firstLine: 1, linesFollowText: true, passageCount: 3 };
    const first = documentView(long, 0, { previous: 'doc:0:prev:a', next: 'doc:0:next:a' });
    expect(first.embeds[0]!.description!.startsWith('> Word number one.')).toBe(true);
    expect(first.embeds[0]!.footer!.text).toBe(`Page 1 of ${documentPages(long.text).length}`);
    expect(first.components[0]!.components.map((b) => [b.label, Boolean(b.disabled)])).toEqual([['◀ Previous', true], ['Next ▶', false]]);
    const short = documentView({ ...long, text: 'Short.' }, 0, { previous: 'p', next: 'n' });
    expect(short.components).toEqual([]);
  });

  it('documentPages cover the text in order, each within the page size, cut between words', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(4000 + seed);
      const t = text(r, int(r, 1, 12_000));
      const pages = documentPages(t);
      for (const p of pages) expect(p.length).toBeLessThanOrEqual(DOCUMENT_PAGE_CHARS);
      expect(pages.join(' ').replace(/\s+/g, ' ')).toBe(t.trim().replace(/\s+/g, ' '));
    }
  });
});

describe('Markdown escaping and shortening', () => {
  it('unescapeMarkdown(escapeMarkdown(s)) === s for random strings, and nothing special is left unescaped', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const r = rng(5000 + seed);
      const s = seed % 2 ? specials(r, int(r, 0, 300)) : text(r, int(r, 1, 300));
      const escaped = escapeMarkdown(s);
      expect(unescapeMarkdown(escaped)).toBe(s);
      // Every special character is preceded by a backslash that is itself not escaped.
      expect(escaped.replace(/\\[\\*_~`|><#\-[\]()@.+]/g, '')).not.toMatch(/[\\*_~`|><#\-[\]()@]/);
    }
  });

  it('mentions and masked links cannot survive escaping', () => {
    const e = escapeMarkdown('@everyone @here <@123456789012345678> <@&123456789012345678> [click](https://evil.example)');
    expect(e).not.toMatch(/(^|[^\\])@(everyone|here)/);
    expect(e).not.toMatch(/(^|[^\\])<@/);
    expect(e).not.toMatch(/(^|[^\\])\]\(/);
  });

  it('shortenText leaves short text alone', () => {
    expect(shortenText('short text', 100)).toBe('short text');
    expect(shortenText('exactly ten', 11)).toBe('exactly ten');
  });

  it('shortenText cuts at a sentence end or a space, never mid-word, within max, ending with "…"', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const r = rng(6000 + seed);
      const t = text(r, int(r, 50, 3000));
      const max = int(r, 40, 2000);
      const short = shortenText(t, max);
      expect(short.length, `seed ${seed}`).toBeLessThanOrEqual(max);
      if (t.length <= max) {
        expect(short).toBe(t);
        continue;
      }
      expect(short.endsWith('…'), `seed ${seed}`).toBe(true);
      const kept = short.replace(/ ?…$/, '');
      expect(t.startsWith(kept), `seed ${seed}: ${kept.slice(-40)}`).toBe(true);
      expect(kept.length).toBeGreaterThan(0);
      // The next character of the original is white space: the cut is between words.
      expect(/\s/.test(t[kept.length]!), `seed ${seed}: cut inside "${t.slice(kept.length - 10, kept.length + 10)}"`).toBe(true);
    }
  });

  it('shortenText prefers a sentence end that keeps at least half', () => {
    const t = 'The first sentence is here. The second sentence is somewhat longer than that one.';
    expect(shortenText(t, 50)).toBe('The first sentence is here. …');
    expect(shortenText('one two three four five six', 15)).toBe('one two three…');
  });

  it('escapeWithin: escaped, within max, and a prefix of the text cut between words', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(7000 + seed);
      const t = text(r, int(r, 50, 3000)).replace(/\s+/g, ' ');
      const max = int(r, 40, 3000);
      const out = escapeWithin(t, max);
      expect(out.length, `seed ${seed}`).toBeLessThanOrEqual(max);
      const raw = unescapeMarkdown(out);
      if (raw === t) continue;
      expect(raw.endsWith('…'), `seed ${seed}`).toBe(true);
      const kept = raw.replace(/ ?…$/, '');
      expect(t.startsWith(kept), `seed ${seed}`).toBe(true);
      expect(/\s/.test(t[kept.length]!), `seed ${seed}: cut inside "${t.slice(kept.length - 20, kept.length)}|${t.slice(kept.length, kept.length + 20)}" (max ${max})`).toBe(true);
    }
  });
});
