import { endOfLine } from './clean.js';
import type { TextItem } from './items.js';

/** One line of a page in reading order, with where it sits (the page frame of `toTextItems`). */
export interface Line {
  readonly text: string;
  /** Left end and right end of the line. */
  readonly x0: number;
  readonly x1: number;
  /** Baseline of the line's main text (the item holding most of its characters). */
  readonly y: number;
  /** Font size of the line's main text. */
  readonly size: number;
  /** Its items are set apart by a tab-like gap (a form's label and value, a table row): it stands on its own line. */
  readonly tabbed: boolean;
  /** Index into `PageLayout.blocks`: the column or full-width band the line belongs to. */
  readonly block: number;
}

/** A column, or a band of full-width text above, between or below columns. */
export interface Block {
  readonly left: number;
  /** Where the block's lines end when they run to the margin (a high percentile, not the maximum). */
  readonly right: number;
}

export interface PageLayout {
  readonly lines: readonly Line[];
  readonly blocks: readonly Block[];
}

/** Items on one baseline: superscripts and subscripts join the line they hang on. */
interface Row {
  readonly items: readonly TextItem[];
  readonly x0: number;
  readonly x1: number;
  readonly y: number;
  readonly size: number;
}

/** Two items share a line when their bodies overlap by at least this part of the smaller one. */
const SAME_LINE_OVERLAP = 0.5;
/** A gap wider than this (in em of the smaller font) between items on a line is a space. */
const SPACE_GAP_EM = 0.15;
/** A gutter is a vertical strip at least this wide (em of the page's usual font) that no line crosses. */
const GUTTER_MIN_EM = 1;
/** Lines each side of a gutter needed before it counts as a column layout (not a table's gap). */
const COLUMN_MIN_LINES = 3;
/** Each column must be at least this wide (em), room for a few words: a strip of labels, numbers or short cells beside text is not a column. */
const COLUMN_MIN_EM = 8;
/** A gap wider than this (em) inside a line is a tab stop, not a word space. */
const TAB_GAP_EM = 2;
/** A row at the top or bottom of a column area set off by more than this many line spacings is not part of it. */
const EDGE_ROW_GAP = 2;
const MAX_NESTING = 8;

/**
 * The lines of a page in reading order: items grouped into lines by baseline and ordered by x,
 * with spaces where the gaps are; a page set in columns is read column by column, left to
 * right, each top to bottom, after any full-width text above them (and before any below).
 */
export function layoutPage(items: readonly TextItem[]): PageLayout {
  const lines: Line[] = [];
  const blocks: Block[] = [];
  for (const region of readingRegions(groupRows(items), 0)) {
    const block = blocks.length;
    const regionLines = region.map((row) => toLine(row, block)).filter((line) => line.text !== '');
    if (regionLines.length === 0) continue;
    blocks.push({ left: Math.min(...regionLines.map((l) => l.x0)), right: marginRight(regionLines.map((l) => l.x1)) });
    lines.push(...regionLines);
  }
  return { lines, blocks };
}

function groupRows(items: readonly TextItem[]): Row[] {
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x);
  const groups: { main: TextItem; items: TextItem[] }[] = [];
  for (const item of sorted) {
    const current = groups[groups.length - 1];
    if (current && sameLine(current.main, item)) {
      current.items.push(item);
      if (item.size > current.main.size) current.main = item;
    } else {
      groups.push({ main: item, items: [item] });
    }
  }
  return groups.map((group) => makeRow(withoutOverprint(group.items)));
}

/** Bodies as [baseline - descent, baseline + ascent], roughly, for any font. */
function sameLine(a: TextItem, b: TextItem): boolean {
  const overlap = Math.min(a.y + 0.75 * a.size, b.y + 0.75 * b.size) - Math.max(a.y - 0.25 * a.size, b.y - 0.25 * b.size);
  return overlap >= SAME_LINE_OVERLAP * Math.min(a.size, b.size);
}

/** Fake bold prints the same text two or three times a hair apart: keep one copy. */
function withoutOverprint(items: readonly TextItem[]): TextItem[] {
  const kept: TextItem[] = [];
  for (const item of [...items].sort((a, b) => a.x - b.x)) {
    const copy = kept.some((k) => k.text === item.text && Math.abs(k.x - item.x) < 0.3 * item.size && Math.abs(k.y - item.y) < 0.3 * item.size);
    if (!copy) kept.push(item);
  }
  return kept;
}

function makeRow(items: readonly TextItem[]): Row {
  const main = items.reduce((best, item) => (item.text.length > best.text.length ? item : best));
  return {
    items,
    x0: Math.min(...items.map((i) => i.x)),
    x1: Math.max(...items.map((i) => i.x + i.width)),
    y: main.y,
    size: main.size,
  };
}

/** Rows split into regions to read one after the other: columns and the full-width bands around them. */
function readingRegions(rows: readonly Row[], depth: number): Row[][] {
  if (rows.length === 0) return [];
  const split = depth < MAX_NESTING ? findColumns(rows) : undefined;
  if (!split) return [[...rows]];
  const left: TextItem[][] = [];
  const right: TextItem[][] = [];
  for (const row of rows.slice(split.first, split.last + 1)) {
    const l = row.items.filter((item) => item.x < split.at);
    const r = row.items.filter((item) => item.x >= split.at);
    if (l.length > 0) left.push(l);
    if (r.length > 0) right.push(r);
  }
  return [
    ...readingRegions(rows.slice(0, split.first), depth + 1),
    ...readingRegions(left.map(makeRow), depth + 1),
    ...readingRegions(right.map(makeRow), depth + 1),
    ...readingRegions(rows.slice(split.last + 1), depth + 1),
  ];
}

interface ColumnSplit {
  /** The rows `first..last` (inclusive) are set in columns divided at x = `at`. */
  readonly first: number;
  readonly last: number;
  readonly at: number;
}

/**
 * The widest-reaching gutter: a vertical strip of white that a run of consecutive rows leaves
 * free, with enough lines on both sides. Rows that cross it (a heading or paragraph across the
 * whole width) end the run; they are read before or after the columns.
 */
function findColumns(rows: readonly Row[]): ColumnSplit | undefined {
  if (rows.length < COLUMN_MIN_LINES) return undefined;
  const x0 = Math.min(...rows.map((r) => r.x0));
  const x1 = Math.max(...rows.map((r) => r.x1));
  const width = x1 - x0;
  if (!(width > 0)) return undefined;
  const em = median(rows.map((r) => r.size));
  const step = Math.max(0.5, width / 500);
  const bins = Math.ceil(width / step);
  const covered = rows.map((row) => {
    const mask = new Uint8Array(bins);
    for (const item of row.items) {
      const from = Math.max(0, Math.floor((item.x - x0) / step));
      const to = Math.min(bins, Math.ceil((item.x + item.width - x0) / step));
      mask.fill(1, from, Math.max(to, from + 1));
    }
    return mask;
  });
  const free = (row: number, bin: number) => covered[row]![bin] === 0;
  const position = (bin: number) => x0 + (bin + 0.5) * step;

  let best: (ColumnSplit & { rows: number; gutter: number }) | undefined;
  const tried = new Set<string>();
  for (let bin = 1; bin < bins - 1; bin++) {
    for (let first = 0; first < rows.length; ) {
      if (!free(first, bin)) {
        first++;
        continue;
      }
      let last = first;
      while (last + 1 < rows.length && free(last + 1, bin)) last++;
      const key = `${first}:${last}`;
      if (!tried.has(key)) {
        tried.add(key);
        const candidate = checkColumns(rows, trimEdges(rows, first, last), position(bin), em);
        if (candidate) {
          let lo = bin;
          let hi = bin;
          const allFree = (b: number) => rows.slice(candidate.first, candidate.last + 1).every((_, k) => free(candidate.first + k, b));
          while (lo > 0 && allFree(lo - 1)) lo--;
          while (hi < bins - 1 && allFree(hi + 1)) hi++;
          const gutter = (hi - lo + 1) * step;
          const size = candidate.last - candidate.first + 1;
          if (gutter >= GUTTER_MIN_EM * em && (!best || size > best.rows || (size === best.rows && gutter > best.gutter))) {
            best = { ...candidate, at: position(Math.floor((lo + hi) / 2)), rows: size, gutter };
          }
        }
      }
      first = last + 1;
    }
  }
  return best && { first: best.first, last: best.last, at: best.at };
}

/** The run without a row or two at its top or bottom set well apart (a running header, an author line). */
function trimEdges(rows: readonly Row[], first: number, last: number): { first: number; last: number } {
  const spacing = median(rows.slice(first + 1, last + 1).map((row, k) => rows[first + k]!.y - row.y));
  if (!(spacing > 0)) return { first, last };
  let top = first;
  for (let k = first; k < Math.min(first + 2, last); k++) {
    if (rows[k]!.y - rows[k + 1]!.y > EDGE_ROW_GAP * spacing) top = k + 1;
  }
  let bottom = last;
  for (let k = last; k > Math.max(last - 2, top); k--) {
    if (rows[k - 1]!.y - rows[k]!.y > EDGE_ROW_GAP * spacing) bottom = k - 1;
  }
  return { first: top, last: bottom };
}

function checkColumns(
  rows: readonly Row[],
  run: { first: number; last: number },
  at: number,
  em: number,
): ColumnSplit | undefined {
  let leftLines = 0;
  let rightLines = 0;
  let leftEnd = -Infinity;
  let rightStart = Infinity;
  let leftStart = Infinity;
  let rightEnd = -Infinity;
  for (let k = run.first; k <= run.last; k++) {
    for (const item of rows[k]!.items) {
      if (item.x < at) {
        leftStart = Math.min(leftStart, item.x);
        leftEnd = Math.max(leftEnd, item.x + item.width);
      } else {
        rightStart = Math.min(rightStart, item.x);
        rightEnd = Math.max(rightEnd, item.x + item.width);
      }
    }
    if (rows[k]!.x0 < at) leftLines++;
    if (rows[k]!.x1 > at) rightLines++;
  }
  if (leftLines < COLUMN_MIN_LINES || rightLines < COLUMN_MIN_LINES) return undefined;
  const minWidth = COLUMN_MIN_EM * em;
  if (leftEnd - leftStart < minWidth || rightEnd - rightStart < minWidth) return undefined;
  return { first: run.first, last: run.last, at };
}

function toLine(row: Row, block: number): Line {
  let text = '';
  let end = -Infinity;
  let previous: TextItem | undefined;
  let tabbed = false;
  for (const item of row.items) {
    if (previous) {
      const gap = item.x - end;
      if (gap > TAB_GAP_EM * Math.max(item.size, previous.size)) tabbed = true;
      const space = /\s$/.test(text) || /^\s/.test(item.text) || gap > SPACE_GAP_EM * Math.min(item.size, previous.size);
      text = text.trimEnd() + (space ? ' ' : '') + item.text.trimStart();
    } else {
      text = item.text.trimStart();
    }
    end = Math.max(end, item.x + item.width);
    previous = item;
  }
  return { text: endOfLine(text), x0: row.x0, x1: row.x1, y: row.y, size: row.size, tabbed, block };
}

/** The right margin of a block: the 90th percentile of its line ends, so one overlong line does not move it. */
function marginRight(ends: readonly number[]): number {
  const sorted = [...ends].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))]!;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
