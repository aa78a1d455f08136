import type { SourceDocument } from './document.js';

/**
 * Start offsets of every line in `text` (the first is 0). Lines end at "\n"; a "\r" before it
 * belongs to the line.
 */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line of `source` holding `offset` of the document's text. */
export function lineAt(doc: Pick<SourceDocument, 'firstLine' | 'linesFollowText'>, starts: readonly number[], offset: number): number {
  if (!doc.linesFollowText) return doc.firstLine;
  return doc.firstLine + lastAtOrBefore(starts, offset);
}

/** Index of the last of the sorted `starts` that is at most `offset` (0 when none is): the line or page holding it. */
export function lastAtOrBefore(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** 1-based line of `offset` for a single lookup (no line table); see `lineAt` for many. */
export function lineOf(doc: Pick<SourceDocument, 'text' | 'firstLine' | 'linesFollowText'>, offset: number): number {
  if (!doc.linesFollowText) return doc.firstLine;
  let line = doc.firstLine;
  for (let i = doc.text.indexOf('\n'); i !== -1 && i < offset; i = doc.text.indexOf('\n', i + 1)) line++;
  return line;
}
