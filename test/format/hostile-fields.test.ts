/**
 * Issue 10, items 2-4, without Discord: which links are kept at indexing (`checkUrl`), and what
 * the views make of hostile titles, ids, publishers and links, including links an index built
 * before the check may still hold. Discord's rules come from the stand-in's validator.
 */
import { describe, expect, it } from 'vitest';
import { checkUrl, isUsableUrl, pickMetadata, URL_MAX_LENGTH } from '../../src/corpus/metadata.js';
import { answerView, documentView, passageView, sourcesView, type MessageView } from '../../src/format/discord.js';
import { escapeMarkdown, unescapeMarkdown } from '../../src/format/markdown.js';
import { answerToText, sourcesToText } from '../../src/format/text.js';
import type { StoredDocument, StoredPassage } from '../../src/index/snapshot.js';
import type { Answer, Quote } from '../../src/search/answer.js';
import { validateMessageBody } from '../e2e/discord-standin/limits.js';

const BAD_URLS = [
  'https://exa mple.com/q',
  'https://ok.example/a>[click me](https://evil.example/x)',
  'https://ok.example/a>[x](https://evil.example/x)',
  'javascript:alert(1)',
  'ftp://files.example/a',
  'https://',
  'https:///path',
  'https:example.com',
  'https://user:pass@ok.example/',
  'https://ok.example/"quoted"',
  'https://ok.example/a|b',
  'https://ok.example/\u0007bell',
  `https://ok.example/${'a'.repeat(URL_MAX_LENGTH)}`,
  'not a url at all',
];
const GOOD_URLS = ['https://example.org/budget', 'http://example.org', 'https://en.wikipedia.org/wiki/Foo_(bar)', 'https://example.org/a?b=c&d=e#f', `https://example.org/${'a'.repeat(URL_MAX_LENGTH - 20)}`];

const HOSTILE_TITLE = '**Bold** [x](https://evil.example/t) ||spoiler|| @everyone <@123456789012345678> `code` __u__ ~~s~~ # h';

describe('links at indexing', () => {
  it('REGRESSION: one malformed URL broke every answer from its document: checkUrl refuses what Discord refuses, saying why', () => {
    for (const url of BAD_URLS) {
      const checked = checkUrl(url);
      expect('problem' in checked, url).toBe(true);
      expect(isUsableUrl(url), url).toBe(false);
    }
    expect(checkUrl('https://exa mple.com/q')).toEqual({ problem: 'not a well-formed URL (it contains a space or line break)' });
    expect(checkUrl('javascript:alert(1)')).toEqual({ problem: 'only http and https links are allowed, not javascript:' });
    expect(checkUrl(`https://ok.example/${'a'.repeat(600)}`)).toEqual({ problem: `longer than ${URL_MAX_LENGTH} characters` });
  });

  it('the stand-in refuses such an embed url as Discord does (50035), so the end-to-end tests would catch one', () => {
    const codes = (url: string) => validateMessageBody({ embeds: [{ title: 't', url }] }, { mode: 'create' }).errors.map((e) => e.code);
    expect(codes('https://exa mple.com/q')).toEqual(['URL_TYPE_INVALID_URL']);
    expect(codes('javascript:alert(1)')).toEqual(['URL_TYPE_INVALID_SCHEME']);
    for (const url of GOOD_URLS) expect(codes(url), url).toEqual([]);
  });

  it('keeps ordinary links exactly as written, and a non-ASCII one in its encoded form', () => {
    for (const url of GOOD_URLS) expect(checkUrl(url), url).toEqual({ url });
    expect(checkUrl('  https://example.org/x  ')).toEqual({ url: 'https://example.org/x' });
    expect(checkUrl('https://bücher.example/café')).toEqual({ url: 'https://xn--bcher-kva.example/caf%C3%A9' });
  });

  it('REGRESSION: a masked link could be smuggled in through metadata: pickMetadata drops the url and says so', () => {
    const { metadata, problems } = pickMetadata({ title: 'Fine', url: 'https://ok.example/a>[click me](https://evil.example/x)' });
    expect(metadata).toEqual({ title: 'Fine' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^url ignored: not a well-formed URL \(it contains a space or line break\) \("https:\/\/ok\.example\/a>\[click me\]/);
    expect(problems[0]).toMatch(/the document is indexed without a link$/);
  });

  it('metadata values are kept on one line without control characters', () => {
    const { metadata } = pickMetadata({ title: 'Line one\nline two\u001b[2J\u202e', publisher: ' The\tDaily ', date: 2024 });
    expect(metadata).toEqual({ title: 'Line one line two [2J', publisher: 'The Daily', date: '2024' });
    expect(pickMetadata({ title: { nested: true } }).problems).toEqual(['title ignored: not a string']);
  });
});

const doc = (over: Partial<StoredDocument> = {}): StoredDocument => ({
  id: 'notes/[x](https://evil.example/id)',
  source: 'corpus/notes/[x](https://evil.example/id).md',
  title: HOSTILE_TITLE,
  url: 'https://exa mple.com/q',
  publisher: '||The Daily|| **Post**',
  date: '@here',
  hash: '',
  text: '1. First point of the plan.\n# Not a heading\n-# Not subtext\n> Not a quote\n```\ncode fence\n```\n[click](https://evil.example) ||spoiler|| @everyone <t:0:R> <:emoji:1>\n',
  firstLine: 1,
  linesFollowText: true,
  passageCount: 1,
  ...over,
});

const quote = (over: Partial<Quote> = {}): Quote => ({
  text: '1. First point of the plan.',
  docId: 'notes',
  title: HOSTILE_TITLE,
  source: 'corpus/notes.md',
  start: 0,
  end: 27,
  lineStart: 1,
  lineEnd: 1,
  score: 1,
  url: 'https://exa mple.com/q',
  passage: 0,
  ...over,
});

/** Discord's own validation of a view (the stand-in's rules). */
function discordProblems(view: MessageView): string[] {
  const { errors, empty } = validateMessageBody(view, { mode: 'create' });
  return [...errors.map((e) => `${e.path.join('.')} ${e.code}`), ...(empty ? ['empty'] : [])];
}

/** Every character that formats, left without its backslash (the views' own "> " and "**n.**" removed first). */
function unescaped(text: string): string[] {
  const bare = text.replace(/^> /gm, '').replace(/^\*\*\d+\.\*\* /gm, '').replace(/\\./g, '').replace(/`[^`\n]*`/g, '');
  return [...bare.matchAll(/[*_~`|<>#[\]()@]|^\s*\d+\.\s/gm)].map((m) => m[0]);
}

describe('the views', () => {
  it('REGRESSION: titles were not escaped: a title with **bold**, a masked link and a spoiler is escaped in every embed title', () => {
    const a: Answer = { question: 'q', answered: true, quotes: [quote()], closest: [], version: 'v', bestSimilarity: 1 };
    const closest: Answer = { ...a, answered: false, quotes: [], closest: [quote()] };
    const passage: StoredPassage = { doc: 0, start: 0, end: 27, lineStart: 1, lineEnd: 1, sentences: [{ start: 0, end: 27 }], sentenceRow: 0 } as StoredPassage;
    const views = {
      answer: answerView(a, a.quotes, { passages: ['p:0'], up: 'u', down: 'd' }),
      closest: answerView(closest, closest.closest, { passages: ['p:0'], up: 'u', down: 'd' }),
      passage: passageView(doc(), passage),
      document: documentView(doc(), 0, { previous: 'doc:p', next: 'doc:n' }),
    };
    for (const [name, view] of Object.entries(views)) {
      expect(discordProblems(view), name).toEqual([]);
      const embed = view.embeds[0]!;
      expect(unescaped(embed.title!), name).toEqual([]);
      expect(unescapeMarkdown(embed.title!).replace(/^Closest: /, ''), name).toBe(HOSTILE_TITLE);
      // REGRESSION: a malformed url from an old index would have failed the whole reply.
      expect(embed.url, name).toBeUndefined();
      expect(unescaped(embed.description ?? ''), `${name}: ${embed.description}`).toEqual([]);
      for (const field of embed.fields ?? []) expect(unescaped(field.value), `${name} field ${field.name}`).toEqual([]);
    }
    expect(views.document.embeds[0]!.fields!.map((f) => f.name)).not.toContain('Link');
    expect(views.answer.embeds[0]!.description!.startsWith('> 1\\. First point')).toBe(true);
  });

  it('a usable link is an embed url and, in /source, an <…> link nothing can close early', () => {
    const url = 'https://en.wikipedia.org/wiki/Foo_(bar)';
    const view = documentView(doc({ url }), 0, { previous: 'doc:p', next: 'doc:n' });
    expect(view.embeds[0]!.url).toBe(url);
    expect(view.embeds[0]!.fields!.find((f) => f.name === 'Link')?.value).toBe(`<${url}>`);
    const a: Answer = { question: 'q', answered: true, quotes: [quote({ url })], closest: [], version: 'v', bestSimilarity: 1 };
    expect(answerView(a, a.quotes, { passages: ['p:0'], up: 'u', down: 'd' }).embeds[0]!.url).toBe(url);
  });

  it('/sources: titles escaped, ids in code spans on one line', () => {
    const view = sourcesView([{ id: 'a`b\nc', title: HOSTILE_TITLE, source: 'corpus/a.txt', passages: 1 }], 0, { previous: 'p', next: 'n' });
    expect(discordProblems(view)).toEqual([]);
    const description = view.embeds[0]!.description!;
    expect(unescaped(description)).toEqual([]);
    expect(description).toContain("`a'b c`");
  });

  it('escapeMarkdown escapes list markers at the start of a line only, losslessly', () => {
    const text = '1. one\n  22. two\n+ three\nx 3. four 1.5 +1';
    const escaped = escapeMarkdown(text);
    expect(escaped).toBe('1\\. one\n  22\\. two\n\\+ three\nx 3. four 1.5 +1');
    expect(unescapeMarkdown(escaped)).toBe(text);
  });
});

describe('the terminal', () => {
  it('prints hostile titles and quotes on their own lines, without control characters, and no malformed link', () => {
    const hostile = quote({ title: 'Title\u001b[2J\nsecond line', text: 'Quote with \u001b]0;pwned\u0007 escape.', url: 'https://exa mple.com/q' });
    const out = answerToText({ question: 'q', answered: true, quotes: [hostile], closest: [], version: 'v', bestSimilarity: 1 });
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(out).not.toContain('exa mple');
    expect(out.split('\n').slice(0, 3)).toEqual(['1. “Quote with \uFFFD]0;pwned\uFFFD escape.”', '   — Title\uFFFD[2J second line', '     corpus/notes.md, line 1']);
    expect(answerToText({ question: 'q', answered: true, quotes: [quote({ url: 'https://example.org/a' })], closest: [], version: 'v', bestSimilarity: 1 })).toContain(' · https://example.org/a');
    expect(sourcesToText([{ id: 'a', title: 'T\u001b[31m', source: 's', passages: 1 }])).not.toContain('\u001b');
  });
});
