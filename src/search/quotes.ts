import type { Span } from '../corpus/document.js';
import { leansBack, type SentenceCandidate } from './sentences.js';

export interface WindowSettings {
  /** A neighbour joins when its own score is at most this far below the chosen sentence's. */
  readonly joinMargin: number;
  /** … and the two together stay within this many characters. */
  readonly maxChars: number;
}

/** Chosen on SQuAD v1.1 dev (even articles) by `npm run fit:sentences`: see README, experiments. */
export const WINDOW: WindowSettings = { joinMargin: 4, maxChars: 350 };

/** A sentence this short rarely stands on its own ("Further, I reiterated that…"): give it context. */
const SHORT_SENTENCE = 60;

/**
 * The exact span to quote for a chosen sentence: the sentence itself, with the sentence before
 * it when it leans back on that one ("He…", "This…": the answer often sits in what the pronoun
 * refers to); otherwise with its better-scoring neighbour when that one nearly answers too and
 * both fit a short quote; and with a neighbour when it is too short to stand alone. Neighbours
 * come only from the same paragraph (see `sameParagraph`), so a quote never swallows a heading
 * or skipped furniture. `neighbourScore` gives the ranking score of a neighbouring sentence.
 */
export function quoteWindow(
  text: string,
  sentence: Pick<SentenceCandidate, 'span' | 'previous' | 'next'> & { score?: number },
  neighbourScore: (span: Span) => number = () => -Infinity,
  settings: WindowSettings = WINDOW,
): Span {
  let { start, end } = sentence.span;
  const { previous, next } = sentence;
  if (previous && leansBack(text.slice(start, end))) {
    start = previous.start;
  } else {
    const score = sentence.score ?? 0;
    const options = [previous, next].filter((n): n is Span => n !== undefined).map((n) => ({ span: n, score: neighbourScore(n) }));
    options.sort((a, b) => b.score - a.score);
    const best = options[0];
    if (best && best.score >= score - settings.joinMargin && Math.max(end, best.span.end) - Math.min(start, best.span.start) <= settings.maxChars) {
      start = Math.min(start, best.span.start);
      end = Math.max(end, best.span.end);
    }
  }
  if (end - start < SHORT_SENTENCE) {
    if (next && next.start >= end) end = next.end;
    else if (previous && start === sentence.span.start) start = previous.start;
  }
  return { start, end };
}
