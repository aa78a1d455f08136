/**
 * Scoring for the quote benchmarks (SQuAD, SciFact rationales), as the READMEs in
 * ../shared/bench/squad and ../shared/bench/scifact-rationales define it. Pure functions: a
 * quote is judged by its document, its offsets and its text only.
 */
import { createHash } from 'node:crypto';

/** What a benchmark needs of a quote. Offsets are into the document's text; end exclusive. */
export interface QuoteRef {
  readonly docId: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A `[start, end)` range of a document's text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Lowercased, each run of whitespace one space: the form in which SQuAD containment is tested. */
export function normalizeForMatch(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ');
}

/**
 * True when the quote's text contains one of the answer texts, both normalised. An answer is
 * trimmed first: whitespace at its edges is an annotation artefact, not part of the answer.
 */
export function containsAnswer(quoteText: string, answers: readonly string[]): boolean {
  const haystack = normalizeForMatch(quoteText);
  return answers.some((answer) => {
    const needle = normalizeForMatch(answer).trim();
    return needle !== '' && haystack.includes(needle);
  });
}

/** True when `[a.start, a.end)` and `[b.start, b.end)` share at least one character. */
export function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

/** True when the quote overlaps one of `spans` (all in the same document as the quote). */
export function overlapsAny(quote: Span, spans: readonly Span[]): boolean {
  return spans.some((span) => overlaps(quote, span));
}

/** True when one of the first `k` quotes satisfies `hit`. */
export function hitAt<Q>(quotes: readonly Q[], k: number, hit: (quote: Q) => boolean): boolean {
  return quotes.slice(0, k).some(hit);
}

/** Characters per quote, over all `quotes`; NaN when there are none. */
export function meanLength(quotes: readonly { readonly text: string }[]): number {
  if (quotes.length === 0) return Number.NaN;
  return quotes.reduce((sum, q) => sum + q.text.length, 0) / quotes.length;
}

/** A share with its counts, for printing and for the JSON summary. */
export interface Share {
  readonly count: number;
  readonly of: number;
  /** count / of, or NaN when `of` is 0. */
  readonly rate: number;
}

export function share(count: number, of: number): Share {
  return { count, of, rate: of === 0 ? Number.NaN : count / of };
}

/** Counts the items for which `test` holds, as a share of all of them. */
export function shareOf<T>(items: readonly T[], test: (item: T) => boolean): Share {
  return share(items.filter(test).length, items.length);
}

/** "87.3% (873/1000)", or "n/a (0/0)". */
export function formatShare(s: Share): string {
  return `${Number.isNaN(s.rate) ? 'n/a' : `${(100 * s.rate).toFixed(1)}%`} (${s.count}/${s.of})`;
}

/**
 * A fixed sample of `n` items: those whose ids have the smallest SHA-256, kept in their original
 * order. It is the same on every run and machine, does not depend on the order of the file, and
 * a smaller sample is part of every larger one. `n` at or above the count returns all items.
 */
export function fixedSample<T>(items: readonly T[], n: number, id: (item: T) => string): T[] {
  if (n >= items.length) return [...items];
  const keyed = items.map((item, index) => ({ index, key: createHash('sha256').update(id(item)).digest('hex') }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  const chosen = new Set(keyed.slice(0, n).map((k) => k.index));
  return items.filter((_, index) => chosen.has(index));
}

/** Whether the first quote / one of the first three quotes hit. */
export interface AtK {
  readonly at1: boolean;
  readonly at3: boolean;
}

/** `hitAt` for k = 1 and 3. */
export function atK<Q>(quotes: readonly Q[], hit: (quote: Q) => boolean): AtK {
  return { at1: hitAt(quotes, 1, hit), at3: hitAt(quotes, 3, hit) };
}

export interface ShareAtK {
  readonly at1: Share;
  readonly at3: Share;
}

/** The share of `items` whose hits (picked by `pick`) hold at 1 and at 3. */
export function shareAtK<T>(items: readonly T[], pick: (item: T) => AtK): ShareAtK {
  return { at1: shareOf(items, (item) => pick(item).at1), at3: shareOf(items, (item) => pick(item).at3) };
}
