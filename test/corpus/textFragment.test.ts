import { describe, expect, it } from 'vitest';
import { checkUrl, LINK_MAX_LENGTH } from '../../src/corpus/metadata.js';
import { linkToQuote } from '../../src/corpus/textFragment.js';

const URL_BASE = 'https://docs.example.org/guide';

function link(documentText: string, quote: string, options: { nth?: number; anchor?: string; url?: string } = {}): string {
  let start = -1;
  for (let i = 0; i <= (options.nth ?? 0); i++) start = documentText.indexOf(quote, start + 1);
  if (start < 0) throw new Error(`not in the document: ${quote}`);
  return linkToQuote(options.url ?? URL_BASE, { documentText, start, end: start + quote.length, ...(options.anchor !== undefined && { anchor: options.anchor }) });
}

interface Terms {
  prefix?: string;
  start: string;
  end?: string;
  suffix?: string;
}

/** The text directive of a link, split on its unencoded commas and decoded. */
function terms(url: string): Terms {
  const directive = url.split(':~:text=')[1];
  if (directive === undefined) throw new Error(`no text fragment: ${url}`);
  const parts = directive.split(',');
  const prefix = parts[0]!.endsWith('-') ? parts.shift()!.slice(0, -1) : undefined;
  const suffix = parts.length > 1 && parts.at(-1)!.startsWith('-') ? parts.pop()!.slice(1) : undefined;
  expect(parts.length).toBeLessThanOrEqual(2);
  return {
    start: decodeURIComponent(parts[0]!),
    ...(prefix !== undefined && { prefix: decodeURIComponent(prefix) }),
    ...(parts[1] !== undefined && { end: decodeURIComponent(parts[1]) }),
    ...(suffix !== undefined && { suffix: decodeURIComponent(suffix) }),
  };
}

/** Case, accents and runs of white space ignored, as browsers compare. */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ');
}

function boundary(text: string, i: number): boolean {
  return i <= 0 || i >= text.length || !/[\p{L}\p{N}]/u.test(text[i - 1]!) || !/[\p{L}\p{N}]/u.test(text[i]!);
}

/**
 * Where the browser would highlight, found the slow way: the first position at which the whole
 * directive matches (prefix right before, textStart there, the first textEnd after it, suffix right after).
 */
function highlight(documentText: string, t: Terms): [number, number] | undefined {
  const text = fold(documentText);
  const [prefix, start, end, suffix] = [t.prefix, t.start, t.end, t.suffix].map((x) => (x === undefined ? undefined : fold(x)));
  for (let i = 0; i < text.length; i++) {
    if (!text.startsWith(start!, i)) continue;
    if (prefix === undefined && !boundary(text, i)) continue;
    if (prefix !== undefined) {
      const before = text.slice(0, i).replace(/ $/, '');
      if (!before.endsWith(prefix) || !boundary(text, before.length - prefix.length)) continue;
    }
    let to = i + start!.length;
    if ((end !== undefined || suffix === undefined) && !boundary(text, to)) continue;
    if (end !== undefined) {
      let j = text.indexOf(end, to);
      while (j >= 0 && !(boundary(text, j) && (suffix !== undefined || boundary(text, j + end.length)))) j = text.indexOf(end, j + 1);
      if (j < 0) return undefined;
      to = j + end.length;
    }
    if (suffix !== undefined) {
      const after = text.slice(to).replace(/^ /, '');
      if (!after.startsWith(suffix) || !boundary(after, suffix.length)) continue;
    }
    return [i, to];
  }
  return undefined;
}

/** The quote's place in the folded text. */
function folded(documentText: string, start: number, end: number): [number, number] {
  return [fold(documentText.slice(0, start)).length, fold(documentText.slice(0, end)).length];
}

const INSTALL = `# Installing the tool

Run the installer from the download page. The installer asks for a folder; choose a folder you own, not a system folder.

If the installer fails, run the installer again with the verbose flag. The installer writes a log, and the log says why it failed.

## Configuration

Configuration lives in a file called config.json. Each setting in the file has a default; a setting you leave out keeps its default. The file is read once, at start-up, so a change needs a restart.

Run the installer once more from the download page when you upgrade. Then the installer asks for a folder again, and it keeps your settings.
`;

const ESSAY = `The river rose in the spring of that year, as it had risen in the spring of every year anyone remembered.
Nobody in the village thought much of it at first. The water came up to the mill, then to the church steps,
then to the door of the school, and still nobody worried about it.

By May the water had reached the square. The mayor said the water would go down soon;
the miller said the water would go down by July. The water went down in September, and by then the mayor had resigned.

“We were told the water would go down,” the schoolteacher wrote later, “and the water did go down, in the end.”
Café owners along the quay — there were three of them — reopened in October.
`;

const NOTES = `Rate limits (per token): 50 requests/minute & 1,000 requests/day.
Over the limit, the API answers 429 with a Retry-After header; retry after that many seconds.
Over the limit twice in a row, the API answers 429 and blocks the token for an hour.
Tokens are listed at https://example.org/tokens?user=me&page=2 [admin only].
100% of requests are logged; logs are kept for 30 days, then deleted.
`;

const DOCUMENTS = [INSTALL, ESSAY, NOTES];

describe('linkToQuote', () => {
  it('GIVEN a short unique quote THEN one text= term, spaces as %20, nothing else added', () => {
    const url = link(INSTALL, 'Configuration lives in a file called config.json');
    expect(url).toBe(`${URL_BASE}#:~:text=Configuration%20lives%20in%20a%20file%20called%20config.json`);
  });

  it('GIVEN -, &, %, commas and parentheses THEN they are percent-encoded', () => {
    const url = link(NOTES, 'Rate limits (per token): 50 requests/minute & 1,000 requests/day');
    const directive = url.split(':~:text=')[1]!;
    expect(directive).toBe('Rate%20limits%20%28per%20token,minute%20%26%201%2C000%20requests%2Fday');
    expect(link(NOTES, 'Rate limits (per token)')).toContain('text=Rate%20limits%20%28per%20token');
    expect(link(NOTES, '100% of requests are logged')).toContain('text=100%25%20of%20requests%20are%20logged');
    expect(link(NOTES, 'Retry-After header')).toContain('Retry%2DAfter%20header');
    expect(link(NOTES, 'requests/minute & 1,000 requests/day')).toContain('requests%2Fminute%20%26%201%2C000%20requests%2Fday');
  });

  it('GIVEN characters that break Markdown or Discord THEN they are encoded too', () => {
    const text = "It's *not* ~a_b~ (maybe) [admin] <b> wow! ok";
    const url = linkToQuote(URL_BASE, { documentText: text, start: 0, end: text.length });
    expect(url.split(':~:text=')[1]).not.toMatch(/[*_~'!()[\]<> ]/);
    expect(terms(url)).toEqual({ start: text });
  });

  it('GIVEN non-ASCII text THEN it is UTF-8 percent-encoded', () => {
    const url = link(ESSAY, 'Café owners along the quay');
    expect(url).toContain('text=Caf%C3%A9%20owners%20along%20the%20quay');
    const curly = link(ESSAY, 'We were told the water would go down');
    expect(curly).toContain('text=We%20were%20told%20the%20water%20would%20go%20down');
    const withQuoteMark = linkToQuote(URL_BASE, { documentText: 'He said: it’s late.', start: 9, end: 18 });
    expect(withQuoteMark).toContain('it%E2%80%99s%20late');
  });

  it('GIVEN a heading anchor THEN the link is url#anchor:~:text=…, the anchor encoded', () => {
    expect(link(INSTALL, 'Configuration lives in a file', { anchor: 'install' })).toBe(`${URL_BASE}#install:~:text=Configuration%20lives%20in%20a%20file`);
    expect(link(INSTALL, 'Configuration lives in a file', { anchor: 'Réglages (avancés)' })).toMatch(/#R%C3%A9glages%20%28avanc%C3%A9s%29:~:text=/);
  });

  it('GIVEN a URL with a fragment THEN the fragment is replaced', () => {
    expect(link(INSTALL, 'Configuration lives in a file', { url: `${URL_BASE}#old:~:text=stale` })).toBe(`${URL_BASE}#:~:text=Configuration%20lives%20in%20a%20file`);
    expect(link(INSTALL, 'Configuration lives in a file', { url: `${URL_BASE}#old`, anchor: 'configuration' })).toBe(`${URL_BASE}#configuration:~:text=Configuration%20lives%20in%20a%20file`);
  });

  it('GIVEN a long quote THEN textStart,textEnd from its first and last four words', () => {
    const quote = 'Each setting in the file has a default; a setting you leave out keeps its default.';
    const t = terms(link(INSTALL, quote));
    expect(t).toEqual({ start: 'Each setting in the', end: 'out keeps its default' });
  });

  it('GIVEN a quote over a line break THEN the terms have single spaces', () => {
    const t = terms(link(ESSAY, 'the water would go down soon;\nthe miller said the water would go down by July'));
    expect(t.end).toBe('go down by July');
    expect(t.start).not.toMatch(/\n|\s\s/);
    const short = terms(link(ESSAY, 'down soon;\nthe miller'));
    expect(short.start).toBe('down soon; the miller');
  });

  it('GIVEN a quote whose first words occur earlier THEN a prefix or a longer start makes it unique', () => {
    const again = link(INSTALL, 'the installer asks for a folder again, and it keeps your settings');
    expect(terms(again)).toEqual({ prefix: 'Then', start: 'the installer asks for', end: 'it keeps your settings' });
    expect(terms(link(INSTALL, 'The installer writes a log, and the log says why it failed'))).toEqual({ start: 'The installer writes a', end: 'says why it failed' });
  });

  it('GIVEN a repeated quote at the start of a line THEN the start grows until it is unique', () => {
    const text = 'Open the settings page and choose a theme.\nOpen the settings page and choose a language for the menus.';
    const t = terms(link(text, 'Open the settings page and choose a language for the menus'));
    expect(t).toEqual({ start: 'Open the settings page and choose a language', end: 'for the menus' });
  });

  it('GIVEN a short quote that occurs earlier THEN a prefix or suffix is added', () => {
    expect(terms(link(ESSAY, 'the water would go down', { nth: 1 }))).toEqual({ start: 'the water would go down', suffix: 'by' });
    expect(terms(link(ESSAY, 'the water would go down', { nth: 2 }))).toEqual({ prefix: 'told', start: 'the water would go down' });
    expect(terms(link(ESSAY, 'the water did go down'))).toEqual({ start: 'the water did go down' });
    expect(terms(link(INSTALL, 'the installer again with the verbose flag'))).toEqual({ start: 'the installer again with the verbose flag' });
    const lineStart = terms(link(NOTES, 'Over the limit', { nth: 1 }));
    expect(lineStart).toEqual({ start: 'Over the limit', suffix: 'twice' });
  });

  it('GIVEN no-break spaces, tabs and soft hyphens THEN terms have plain single spaces', () => {
    const text = 'Price:\u00a0ten\teuros per\u00a0\u00a0month, billed yearly.';
    const t = terms(linkToQuote(URL_BASE, { documentText: text, start: 7, end: text.length - 1 }));
    expect(t).toEqual({ start: 'ten euros per month, billed yearly' });
    expect(terms(linkToQuote(URL_BASE, { documentText: 'An ex\u00adample here', start: 0, end: 17 }))).toEqual({ start: 'An example here' });
  });

  it('GIVEN Chinese text without spaces THEN terms are cut at word boundaries and the link stays under the limit', () => {
    const text = '我们的产品可以帮助你管理团队的日常工作，并且支持多种语言和平台，用户可以随时随地访问自己的数据。';
    const url = linkToQuote(URL_BASE, { documentText: text, start: 0, end: text.length - 1 });
    const t = terms(url);
    expect(t.end).toBeDefined();
    expect(text.startsWith(t.start)).toBe(true);
    expect(text.slice(0, -1).endsWith(t.end!)).toBe(true);
    expect(checkUrl(url, LINK_MAX_LENGTH)).toEqual({ url });
  });

  it('GIVEN a quote whose last words occur inside it THEN the end grows until the first match is its own', () => {
    const text = 'Alpha one two three four five the end word here six seven eight nine the end word here.';
    const start = 0;
    const end = text.length - 1;
    const t = terms(linkToQuote(URL_BASE, { documentText: text, start, end }));
    expect(highlight(text, t)).toEqual(folded(text, start, end));
    expect(t.end!.split(' ').length).toBeGreaterThan(4);
  });

  it('GIVEN a quote the document repeats word for word THEN the link still starts at the quote text', () => {
    const text = 'Same words here every time.\nSame words here every time.\n';
    const url = linkToQuote(URL_BASE, { documentText: text, start: 28, end: 54 });
    expect(terms(url).start).toBe('Same words here every time');
  });

  it('GIVEN a quote over two paragraphs THEN no term crosses the blank line', () => {
    const text = 'First paragraph ends here.\n\nSecond one begins and goes on for a while, with more words.';
    const t = terms(linkToQuote(URL_BASE, { documentText: text, start: 6, end: text.length }));
    expect(t).toEqual({ start: 'paragraph ends here', end: 'while, with more words' });
  });

  it('GIVEN a quote with no letters or digits THEN no fragment', () => {
    expect(linkToQuote(URL_BASE, { documentText: 'a — … b', start: 2, end: 5 })).toBe(URL_BASE);
    expect(linkToQuote(URL_BASE, { documentText: 'a — … b', start: 2, end: 5, anchor: 'x' })).toBe(`${URL_BASE}#x`);
  });

  it('GIVEN a quote that starts or ends inside a word THEN whole words are highlighted', () => {
    const text = 'The configuration file is read once.';
    const t = terms(linkToQuote(URL_BASE, { documentText: text, start: 7, end: 22 }));
    expect(t.start).toBe('configuration file');
  });

  it('GIVEN a long URL THEN fewer words keep the link under the limit, and none when the URL alone is too long', () => {
    const quote = 'Each setting in the file has a default; a setting you leave out keeps its default.';
    const long = `https://docs.example.org/${'a'.repeat(930)}`;
    const url = link(INSTALL, quote, { url: long });
    expect(url.length).toBeLessThanOrEqual(LINK_MAX_LENGTH);
    expect(url).toContain(':~:text=');
    expect(terms(url).start.split(' ').length).toBeLessThan(4);
    const tooLong = `https://docs.example.org/${'a'.repeat(990)}`;
    expect(link(INSTALL, quote, { url: tooLong })).toBe(tooLong);
    expect(link(INSTALL, quote, { url: tooLong, anchor: 'configuration' })).toBe(`${tooLong}#configuration`);
  });

  it('GIVEN many random quotes THEN the first match of each link starts at the quote (and is the quote within one paragraph), and the link is valid', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let checked = 0;
    for (const documentText of DOCUMENTS) {
      const tokens = [...documentText.matchAll(/\S+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
      for (let round = 0; round < 150; round++) {
        const i = random(tokens.length);
        const j = Math.min(tokens.length - 1, i + random(random(4) === 0 ? 40 : 10));
        const raw = documentText.slice(tokens[i]!.start, tokens[j]!.end);
        const lead = raw.search(/[\p{L}\p{N}]/u);
        if (lead < 0) continue;
        const start = tokens[i]!.start + lead;
        const end = tokens[i]!.start + raw.replace(/[^\p{L}\p{N}]+$/u, '').length;
        const url = linkToQuote(URL_BASE, { documentText, start, end, anchor: 'section-1' });
        expect(url.length).toBeLessThanOrEqual(LINK_MAX_LENGTH);
        expect(checkUrl(url, LINK_MAX_LENGTH)).toEqual({ url });
        expect(url.startsWith(`${URL_BASE}#section-1:~:text=`)).toBe(true);
        const t = terms(url);
        const where = `${JSON.stringify(documentText.slice(start, end))} → ${JSON.stringify(t)}`;
        const [from, to] = folded(documentText, start, end);
        const found = highlight(documentText, t);
        expect(found?.[0], where).toBe(from);
        // textEnd cannot reach into another paragraph for more words, so it may stop short there.
        if (/\n\s*\n/.test(documentText.slice(start, end))) expect(found![1], where).toBeLessThanOrEqual(to);
        else expect(found![1], where).toBe(to);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
});
