import type { Span } from '../corpus/document.js';
import { SENTENCE_SCALE } from '../index/snapshot.js';

export const MAX_QUOTE_SENTENCES = 3;
/** A neighbour joins the quote when it scores within this margin of the best sentence. */
const NEIGHBOUR_MARGIN = 0.04;
/** A sentence this short rarely stands on its own ("Further, I reiterated that…"): give it context. */
const SHORT_SENTENCE = 60;
/** Weight of the share of question terms a sentence contains, beside its cosine similarity. */
const TERM_WEIGHT = 0.15;

export interface SentenceChoice {
  readonly start: number;
  readonly end: number;
  /** Score of the best sentence in the choice. */
  readonly score: number;
}

/**
 * Picks the one to three consecutive sentences of a passage that best answer the question.
 * Each sentence is scored by cosine with the question (its vector comes from the passage's own
 * forward pass at index time) plus the share of question terms it contains. The best sentence
 * grows to a neighbour that scores nearly as well, or when it is too short to stand alone, but
 * only within its paragraph: a quote never swallows text between sentences that is not quotable.
 */
export function chooseSentences(input: {
  text: string;
  sentences: readonly Span[];
  sentenceVectors: Int8Array;
  firstRow: number;
  question: Float32Array;
  questionTerms: ReadonlySet<string>;
  /** The analysed terms of each sentence (computed once by the caller, which needs them too). */
  sentenceTerms: readonly ReadonlySet<string>[];
}): SentenceChoice {
  const { text, sentences, sentenceVectors, firstRow, question, questionTerms, sentenceTerms } = input;
  const dimension = question.length;
  const scores = sentences.map((s, i) => {
    const base = (firstRow + i) * dimension;
    let cosine = 0;
    for (let d = 0; d < dimension; d++) cosine += question[d]! * sentenceVectors[base + d]!;
    cosine /= SENTENCE_SCALE;
    const terms = sentenceTerms[i]!;
    let shared = 0;
    for (const term of questionTerms) if (terms.has(term)) shared++;
    return cosine + (questionTerms.size ? (TERM_WEIGHT * shared) / questionTerms.size : 0);
  });
  let best = 0;
  scores.forEach((score, i) => (score > scores[best]! ? (best = i) : undefined));

  let first = best;
  let last = best;
  // Only within one paragraph (line): never across a blank line, a headline, or skipped furniture.
  const joinable = (a: number, b: number) => /^[ \t\u00a0]*$/.test(text.slice(sentences[a]!.end, sentences[b]!.start));
  while (last - first + 1 < MAX_QUOTE_SENTENCES) {
    const length = sentences[last]!.end - sentences[first]!.start;
    const next = last + 1 < sentences.length && joinable(last, last + 1) ? last + 1 : -1;
    const prev = first > 0 && joinable(first - 1, first) ? first - 1 : -1;
    const close = (i: number) => i >= 0 && scores[i]! >= scores[best]! - NEIGHBOUR_MARGIN;
    if (close(next) && (!close(prev) || scores[next]! >= scores[prev]!)) last = next;
    else if (close(prev)) first = prev;
    else if (length < SHORT_SENTENCE && next >= 0) last = next;
    else if (length < SHORT_SENTENCE && prev >= 0) first = prev;
    else break;
  }
  return { start: sentences[first]!.start, end: sentences[last]!.end, score: scores[best]! };
}
