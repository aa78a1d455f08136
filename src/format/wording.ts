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

export type Citable = Pick<Quote, 'source' | 'lineStart' | 'lineEnd' | 'hasLines' | 'section' | 'pageStart' | 'pageEnd'>;

/**
 * "corpus/article.txt, lines 4–6" (or "line 4"); "corpus/docs/install.html, § Installation";
 * "corpus/rules.pdf, pp. 4–5". Lines only for documents whose lines a reader can find.
 */
export function citeLocation(q: Citable): string {
  return [q.source, ...placeParts(q)].filter((part) => part !== '').join(', ');
}

/** The citation without the file: "lines 4–6", "§ Installation", "p. 4". */
export function placeParts(q: Omit<Citable, 'source'>): string[] {
  const parts: string[] = [];
  if (q.hasLines !== false) parts.push(q.lineStart === q.lineEnd ? `line ${q.lineStart}` : `lines ${q.lineStart}–${q.lineEnd}`);
  if (q.section) parts.push(`§ ${q.section}`);
  if (q.pageStart !== undefined) parts.push(q.pageStart === q.pageEnd || q.pageEnd === undefined ? `p. ${q.pageStart}` : `pp. ${q.pageStart}–${q.pageEnd}`);
  return parts;
}

/** Runs of white space in a quote (line breaks inside a passage, non-breaking spaces) shown as one space. */
export function displayText(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}
