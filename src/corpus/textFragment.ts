import type { Span } from './document.js';
import { LINK_MAX_LENGTH } from './metadata.js';

/** Quotes of at most this many words are one `text=` term; longer ones are `textStart,textEnd`. */
const SHORT_QUOTE_WORDS = 8;
/** Words in textStart and in textEnd before any lengthening. */
const EDGE_WORDS = 4;
/** Words a prefix or suffix may take from around the quote. */
const CONTEXT_WORDS = 3;
/** How many words a term may grow by to tell the quote from an earlier occurrence. */
const MAX_EXTRA_WORDS = 8;
/** How far from the quote context words are looked for. */
const CONTEXT_CHARS = 200;

/** Letters and digits of scripts written with spaces: ICU may put a word boundary between any two Han, kana, Thai… characters. */
const WORD_CHAR = /(?![\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}])[\p{L}\p{N}\p{M}]/u;
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/u;
const INVISIBLES = new RegExp(INVISIBLE.source, 'gu');
const BLANK_LINE = /\n[^\S\n]*\n/;
const WORDS = new Intl.Segmenter('en', { granularity: 'word' });
const UTF16 = new TextDecoder(new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 'utf-16le' : 'utf-16be', { ignoreBOM: true });

interface Directive {
  readonly prefix?: string | undefined;
  readonly start: string;
  readonly end?: string | undefined;
  readonly suffix?: string | undefined;
}

/**
 * `url` with a text fragment that highlights documentText.slice(start, end) (and the heading anchor
 * first when given: `url#anchor:~:text=…`); any fragment already on `url` is replaced.
 * Returns `url` (with the anchor, if any) unchanged when no useful fragment can be made.
 */
export function linkToQuote(url: string, quote: { documentText: string; start: number; end: number; anchor?: string }): string {
  const base = url.replace(/#.*$/s, '');
  const anchor = quote.anchor ? percentEncode(quote.anchor, /[_!~*'()]/g) : undefined;
  const head = `${base}#${anchor ?? ''}:~:text=`;
  const directive = chooseDirective(quote.documentText, quote.start, quote.end, LINK_MAX_LENGTH - head.length);
  if (directive !== undefined) return head + directive;
  return anchor === undefined ? url : `${base}#${anchor}`;
}

/**
 * The shortest directive, within `budget` characters, whose first match in the text is the quote,
 * as the spec finds it; when none is, the plain one, which at least starts with the quote's words.
 */
function chooseDirective(text: string, start: number, end: number, budget: number): string | undefined {
  const span = quoteSpan(text, start, end);
  if (span === undefined) return undefined;
  const words = wordsIn(text, span.start, span.end);
  const n = words.length;
  if (n === 0) return undefined;

  const prefixStarts = contextWordsBefore(text, span.start);
  const suffixEnds = contextWordsAfter(text, span.end);
  const prefixes = prefixStarts.map((s) => clean(text.slice(s, span.start)));
  const suffixes = suffixEnds.map((e) => clean(text.slice(span.end, e)));
  const doc = fold(text.slice(0, Math.min(text.length, Math.max(span.end, ...suffixEnds) + 1)));
  const quote = [doc.at[span.start], doc.at[span.end]];
  const fits = (d: Directive) => serialize(d).length <= budget;
  const lands = (d: Directive) => {
    const match = findMatch(doc.text, d);
    return match?.[0] === quote[0] && match?.[1] === quote[1];
  };

  // A term cannot span a block (paragraph) boundary: the browser matches within one block.
  const breaks = words.slice(1).map((w, i) => BLANK_LINE.test(text.slice(words[i]!.end, w.start)));
  const firstBlock = breaks.indexOf(true) + 1 || n;
  const lastBlock = n - (breaks.lastIndexOf(true) + 1);

  if (n <= SHORT_QUOTE_WORDS && firstBlock === n) {
    const whole = clean(text.slice(span.start, span.end));
    const options = byCost(prefixes.length, suffixes.length)
      .map(([p, s]) => ({ prefix: prefixes[p - 1], start: whole, suffix: suffixes[s - 1] }))
      .filter(fits);
    if (options.length > 0) return serialize(options.find(lands) ?? options[0]!);
  }
  if (n < 2) return undefined;

  const startTerm = (k: number) => clean(text.slice(span.start, words[k - 1]!.end));
  const endTerm = (k: number) => clean(text.slice(words[n - k]!.start, span.end));
  let ks = Math.min(EDGE_WORDS, firstBlock, Math.floor(n / 2));
  let ke = Math.min(EDGE_WORDS, lastBlock, n - ks);
  while (!fits({ start: startTerm(ks), end: endTerm(ke) })) {
    if (ks === 1 && ke === 1) return undefined;
    if (ks >= ke) ks -= 1;
    else ke -= 1;
  }
  const plain = { start: startTerm(ks), end: endTerm(ke) };

  // textEnd is searched from the first match of prefix + textStart, so that must be the quote's start.
  const longest = Math.min(ks + MAX_EXTRA_WORDS, firstBlock, n - 1);
  const head = byCost(prefixes.length, longest - ks)
    .map(([p, extra]) => ({ prefix: prefixes[p - 1], k: ks + extra, ke: Math.min(ke, n - ks - extra) }))
    .find(({ prefix, k, ke }) => {
      const d = { prefix, start: startTerm(k), end: endTerm(ke) };
      return fits(d) && findMatch(doc.text, d)?.[0] === quote[0];
    });
  if (head === undefined) return serialize(plain);
  // The first textEnd after textStart must be the quote's own: lengthen it back into the quote.
  const chosen = { prefix: head.prefix, start: startTerm(head.k) };
  for (let k = head.ke; k <= Math.min(ke + MAX_EXTRA_WORDS, lastBlock, n - head.k); k++) {
    const d = { ...chosen, end: endTerm(k) };
    if (fits(d) && lands(d)) return serialize(d);
  }
  return serialize({ ...chosen, end: endTerm(head.ke) });
}

/** Pairs [i, j] for 0 ≤ i ≤ a, 0 ≤ j ≤ b, fewest words first, then the most from `i`. */
function byCost(a: number, b: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i <= a; i++) for (let j = 0; j <= b; j++) pairs.push([i, j]);
  return pairs.sort((x, y) => x[0] + x[1] - (y[0] + y[1]) || y[0] - x[0]);
}

/**
 * The quote from its first to its last letter or digit, widened to whole words: the browser only
 * matches a term that starts and ends on a word boundary.
 */
function quoteSpan(text: string, from: number, to: number): Span | undefined {
  let start = Math.max(0, from);
  let end = Math.min(text.length, to);
  const first = text.slice(start, end).search(/[\p{L}\p{N}]/u);
  if (first < 0) return undefined;
  start += first;
  while (end > start && !/[\p{L}\p{N}\p{M}]/u.test(charBefore(text, end))) end -= charBefore(text, end).length;
  while (start > 0 && WORD_CHAR.test(charBefore(text, start))) start -= charBefore(text, start).length;
  while (end < text.length && WORD_CHAR.test(String.fromCodePoint(text.codePointAt(end)!))) end += text.codePointAt(end)! > 0xffff ? 2 : 1;
  return { start, end };
}

function charBefore(text: string, i: number): string {
  return i >= 2 && /[\udc00-\udfff]/.test(text[i - 1]!) && /[\ud800-\udbff]/.test(text[i - 2]!) ? text.slice(i - 2, i) : text.slice(i - 1, i);
}

function wordsIn(text: string, from: number, to: number): Span[] {
  return [...WORDS.segment(text.slice(from, to))]
    .filter((s) => s.isWordLike)
    .map((s) => ({ start: from + s.index, end: from + s.index + s.segment.length }));
}

/** Where the 1, 2, 3 words before `at` start, on its line (a line break may end a block). */
function contextWordsBefore(text: string, at: number): number[] {
  if (at === 0) return [];
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const from = Math.max(lineStart, at - CONTEXT_CHARS);
  const words = wordsIn(text, from, at).slice(from > lineStart ? 1 : 0);
  return words.slice(-CONTEXT_WORDS).reverse().map((w) => w.start);
}

/** Where the 1, 2, 3 words after `at` end, on its line. */
function contextWordsAfter(text: string, at: number): number[] {
  const newline = text.indexOf('\n', at);
  const lineEnd = newline < 0 ? text.length : newline;
  const to = Math.min(lineEnd, at + CONTEXT_CHARS);
  const words = wordsIn(text, at, to).slice(0, to < lineEnd ? -1 : undefined);
  return words.slice(0, CONTEXT_WORDS).map((w) => w.end);
}

/** A term as written: invisible characters dropped, white space collapsed. */
function clean(term: string): string {
  return term.replace(INVISIBLES, '').replace(/\s+/g, ' ').trim();
}

function serialize(d: Directive): string {
  const parts = [d.prefix === undefined ? '' : `${encodeTerm(d.prefix)}-,`, encodeTerm(d.start)];
  if (d.end !== undefined) parts.push(`,${encodeTerm(d.end)}`);
  if (d.suffix !== undefined) parts.push(`,-${encodeTerm(d.suffix)}`);
  return parts.join('');
}

/**
 * Percent-encoded for a text directive (`-`, `,`, `&` are its syntax) and safe in Markdown and
 * Discord: everything encodeURIComponent leaves but letters, digits and `.`.
 */
function encodeTerm(term: string): string {
  return percentEncode(term, /[-_!~*'()]/g);
}

/** encodeURIComponent, which throws on a lone surrogate, plus the characters `also` matches. */
function percentEncode(value: string, also: RegExp): string {
  return encodeURIComponent(value.replace(/\p{Cs}/gu, '\ufffd')).replace(also, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The text as the browser compares it: case and accents ignored (the spec searches at collation
 * primary strength), white space collapsed. `at[i]` is where `source[i]` lands in `text`.
 */
function fold(source: string): { text: string; at: Int32Array } {
  const at = new Int32Array(source.length + 1);
  let out: Uint16Array = new Uint16Array(source.length + 16);
  let length = 0;
  let afterSpace = false;
  const cache = new Map<number, string>();
  // Code units, not strings, for ASCII: documents can be long and most of their text is ASCII.
  for (let i = 0; i < source.length; ) {
    at[i] = length;
    const c = source.charCodeAt(i);
    let folded: string | undefined;
    if (c < 0x80) {
      i += 1;
      if (c !== 32 && (c < 9 || c > 13)) {
        out[length++] = c >= 65 && c <= 90 ? c + 32 : c;
        afterSpace = false;
        continue;
      }
      folded = ' ';
    } else {
      const cp = source.codePointAt(i)!;
      if (cp > 0xffff) at[i + 1] = length;
      i += cp > 0xffff ? 2 : 1;
      folded = cache.get(cp);
      if (folded === undefined) cache.set(cp, (folded = foldChar(String.fromCodePoint(cp))));
    }
    if (folded === ' ' && afterSpace) continue;
    if (length + folded.length > out.length) out = grow(out, length + folded.length);
    for (let k = 0; k < folded.length; k++) out[length++] = folded.charCodeAt(k);
    if (folded !== '') afterSpace = folded === ' ';
  }
  at[source.length] = length;
  return { text: UTF16.decode(out.subarray(0, length)), at };
}

function grow(buffer: Uint16Array, needed: number): Uint16Array {
  const bigger = new Uint16Array(Math.max(needed, buffer.length * 2));
  bigger.set(buffer);
  return bigger;
}

function foldChar(ch: string): string {
  if (INVISIBLE.test(ch)) return '';
  if (/\s/.test(ch)) return ' ';
  if (/\p{Cs}/u.test(ch)) return '\ufffd';
  return ch.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The spec's "find a range from a text directive" over folded text: the first match of
 * prefix + textStart, then the first textEnd after it, retried while the suffix does not follow.
 */
function findMatch(doc: string, directive: Directive): [number, number] | null {
  const [prefix, start, end, suffix] = [directive.prefix, directive.start, directive.end, directive.suffix].map((t) => (t === undefined ? undefined : fold(t).text));
  const startEndsWord = end !== undefined || suffix === undefined;
  let from = 0;
  while (from < doc.length) {
    let at: number;
    if (prefix !== undefined) {
      const p = find(doc, prefix, from, true, false);
      if (p < 0) return null;
      from = p + 1;
      at = skipSpace(doc, p + prefix.length);
      const m = find(doc, start!, at, false, startEndsWord);
      if (m < 0) return null;
      if (m !== at) continue;
    } else {
      at = find(doc, start!, from, true, startEndsWord);
      if (at < 0) return null;
      from = at + 1;
    }
    let to = at + start!.length;
    if (end !== undefined) {
      const m = find(doc, end, to, true, suffix === undefined);
      if (m < 0) return null;
      to = m + end.length;
    }
    if (suffix === undefined) return [at, to];
    const after = skipSpace(doc, to);
    const m = find(doc, suffix, after, false, true);
    if (m < 0) return null;
    if (m === after) return [at, to];
  }
  return null;
}

function find(doc: string, term: string, from: number, startsWord: boolean, endsWord: boolean): number {
  for (let i = doc.indexOf(term, from); i >= 0; i = doc.indexOf(term, i + 1)) {
    if ((!startsWord || isBoundary(doc, i)) && (!endsWord || isBoundary(doc, i + term.length))) return i;
  }
  return -1;
}

/** Counted generously (any non-letter separates words), so that no earlier match is missed. */
function isBoundary(doc: string, i: number): boolean {
  return i <= 0 || i >= doc.length || !(WORD_CHAR.test(doc[i - 1]!) && WORD_CHAR.test(doc[i]!));
}

function skipSpace(doc: string, i: number): number {
  return doc[i] === ' ' ? i + 1 : i;
}
