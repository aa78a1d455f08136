import type { SourceDocument, Span } from './document.js';
import { splitSentences } from './sentences.js';

/** Sentences that look like a credit or byline fragment rather than reporting. */
const FURNITURE_SENTENCE = /^(photo\s+)?(credit|credits|photo|image|source)\s*:/i;

/** The sentences of a document that may be quoted, in order. */
export function quotableSentences(doc: SourceDocument): Span[] {
  return splitSentences(doc.text, 0, doc.text.length, doc.unquotable).filter(
    (s) => !FURNITURE_SENTENCE.test(doc.text.slice(s.start, s.end)),
  );
}

/**
 * Cuts a sentence too long for one passage into pieces at spaces, each within `maxTokens`
 * (counted with the model's tokenizer), so no text is ever truncated away by the model.
 */
export function splitLongSentence(text: string, span: Span, countTokens: (s: string) => number, maxTokens: number): Span[] {
  if (countTokens(text.slice(span.start, span.end)) <= maxTokens) return [span];
  const pieces: Span[] = [];
  let start = span.start;
  while (start < span.end) {
    let lo = start + 1;
    let hi = span.end;
    // Longest prefix that fits, found by bisection over the character position.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (countTokens(text.slice(start, mid)) <= maxTokens) lo = mid;
      else hi = mid - 1;
    }
    let end = lo;
    if (end < span.end) {
      const space = text.lastIndexOf(' ', end);
      if (space > start) end = space;
    }
    pieces.push({ start, end });
    start = end;
    while (start < span.end && /\s/.test(text[start]!)) start++;
  }
  return pieces;
}

export interface PassageRange {
  /** Index of the first sentence in the passage. */
  readonly first: number;
  /** Index of the last sentence in the passage (inclusive). */
  readonly last: number;
}

/**
 * Packs consecutive sentences into passages of at most `maxTokens` tokens; each passage after
 * the first starts with the last `overlap` sentences of the one before, so an answer that spans
 * a boundary is still found whole. Every sentence is in at least one passage.
 */
export function packPassages(tokenCounts: readonly number[], maxTokens: number, overlap: number): PassageRange[] {
  const passages: PassageRange[] = [];
  let first = 0;
  while (first < tokenCounts.length) {
    let last = first;
    let tokens = tokenCounts[first]!;
    while (last + 1 < tokenCounts.length && tokens + tokenCounts[last + 1]! <= maxTokens) {
      last++;
      tokens += tokenCounts[last]!;
    }
    passages.push({ first, last });
    if (last + 1 >= tokenCounts.length) break;
    first = Math.max(first + 1, last + 1 - overlap);
  }
  return passages;
}
