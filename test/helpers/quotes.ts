/**
 * Checks shared by the tests that look at quotes and passages: offsets, line numbers, furniture.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Quote } from '../../src/search/answer.js';

/** Page furniture of the seed corpus: lines around the articles that must never be quoted. */
export const FURNITURE = [
  'Related Article:',
  'RELATED:',
  'Trending Now',
  'Follow us',
  'Most Popular',
  'Join Our Newsletter',
  'Get the top workplace fairness news',
  'Subscribe to',
  'Already subscribe?',
  'Read the full report online here.',
  'Twitter @BauerJournalism',
  'Credit: Heidi Zieger',
] as const;

/** The furniture (if any) that a piece of text contains. "Related" alone counts only as a whole line. */
export function furnitureIn(text: string): string[] {
  const found: string[] = FURNITURE.filter((f) => text.includes(f));
  if (/(^|\n)\s*Related\s*(\n|$)/.test(text)) found.push('Related');
  return found;
}

/** 1-based line of `offset` in `text`, counted by hand (lines end at "\n"). */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text[i] === '\n') line++;
  return line;
}

const fileCache = new Map<string, string>();
export function readText(file: string): string {
  let text = fileCache.get(file);
  if (text === undefined) {
    text = fs.readFileSync(file, 'utf8');
    fileCache.set(file, text);
  }
  return text;
}

/** Forgets cached file contents (after a test changes a corpus file). */
export function forgetFiles(): void {
  fileCache.clear();
}

type CitedQuote = Pick<Quote, 'text' | 'source' | 'start' | 'end' | 'lineStart' | 'lineEnd'>;

/**
 * A quote of a .txt/.md document is the file's own text: `readFileSync(source).slice(start, end)`,
 * starting on line `lineStart` and ending on line `lineEnd` of the file, trimmed, with no furniture.
 */
export function expectExactFileQuote(quote: CitedQuote, projectRoot: string, context = ''): void {
  const file = path.resolve(projectRoot, quote.source);
  const text = readText(file);
  const where = `${context} ${quote.source}[${quote.start},${quote.end})`;
  expect(quote.end, where).toBeGreaterThan(quote.start);
  expect(text.slice(quote.start, quote.end), where).toBe(quote.text);
  expect(quote.text.trim(), where).toBe(quote.text);
  expect(quote.lineStart, where).toBe(lineOf(text, quote.start));
  expect(quote.lineEnd, where).toBe(lineOf(text, quote.end - 1));
  const lines = text.split('\n');
  expect(lines[quote.lineStart - 1], where).toContain(quote.text.split('\n')[0]!);
  expect(furnitureIn(quote.text), where).toEqual([]);
}
