/** Printing benchmark results: the table, the JSON summary, the per-question dump. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { formatShare, type QuoteRef, type ShareAtK } from './metrics.js';

/** A quote as the dump file records it. */
export function quoteRecord(quote: QuoteRef): { docId: string; start: number; end: number; text: string } {
  return { docId: quote.docId, start: quote.start, end: quote.end, text: quote.text };
}

/** Writes one JSON object per line (creating the folder), replacing the file. */
export function writeJsonl(file: string, records: readonly unknown[]): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : ''));
}

/** Aligned lines "label   @1   @3" for several metrics. */
export function atKTable(rows: readonly [label: string, value: ShareAtK][]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  const cells = rows.map(([label, v]) => [label.padEnd(width), formatShare(v.at1), formatShare(v.at3)] as const);
  const col = Math.max(...cells.map(([, a]) => a.length));
  return [`${''.padEnd(width)}  ${'@1'.padEnd(col)}  @3`, ...cells.map(([l, a, b]) => `${l}  ${a.padEnd(col)}  ${b}`)];
}

/** "212.4" or "n/a". */
export function formatNumber(x: number, digits = 1): string {
  return Number.isNaN(x) ? 'n/a' : x.toFixed(digits);
}

/**
 * The commit the figures are from, and whether src/ differs from it: the search code changes
 * often, so a figure is only meaningful with the code that produced it. "unknown" outside git.
 */
export function sourceVersion(cwd: string = process.cwd()): { commit: string; srcChanged: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, srcChanged: status.trim() !== '' };
  } catch {
    return { commit: 'unknown', srcChanged: false };
  }
}

/** "as of commit abc (src/ has uncommitted changes)". */
export function versionLine(v: { commit: string; srcChanged: boolean }): string {
  return `as of commit ${v.commit}${v.srcChanged ? ' (with uncommitted changes in src/)' : ''}`;
}

/** Rounds every number in a JSON-able value to 4 decimals and turns NaN into null. */
export function jsonSummary(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' ? (Number.isNaN(v) ? null : Math.round(v * 10_000) / 10_000) : v));
}
