import type { Quote } from '../search/answer.js';

/**
 * The program's own fixed wording, shared by the terminal and Discord. Footnote never writes
 * anything else about the subject: everything else it shows is a quote.
 */
export const WORDING = {
  noAnswer: 'No source in the corpus answers this question.',
  closestHeading: 'Closest passages (they do not answer the question):',
  footer: 'Only verbatim quotes from the corpus; Footnote adds nothing of its own.',
} as const;

/** "corpus/article.txt, lines 4–6" (or "line 4"). */
export function citeLocation(q: Pick<Quote, 'source' | 'lineStart' | 'lineEnd'>): string {
  return q.lineStart === q.lineEnd ? `${q.source}, line ${q.lineStart}` : `${q.source}, lines ${q.lineStart}–${q.lineEnd}`;
}

/** Runs of white space in a quote (line breaks inside a passage, non-breaking spaces) shown as one space. */
export function displayText(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}
