import type { Line, PageLayout } from './layout.js';

/** How many lines at the top and at the bottom of a page can be a running header or footer. */
const EDGE_LINES = 3;
/** A header or footer is set off from the body by a gap wider than this many of the page's line spacings. */
const SET_OFF = 1.3;
/** Baseline distances up to this many em count as line spacing; larger ones are gaps. */
const LINE_SPACING_MAX_EM = 3;
/** A header or footer repeats on at least this share of the pages (0.4: odd and even pages may differ). */
const REPEAT_SHARE = 0.4;
const FURNITURE_MAX_LENGTH = 150;

/** "12", "- 12 -", "Page 12", "page 3 of 10", "3/10", "xiv": a page number on a line of its own. */
const PAGE_NUMBER = /^(?:(?:page|p\.|pg\.?)\s*)?[-–—(\[]?\s*(?:\d{1,4}|(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3}))\s*[-–—)\]]?(?:\s*(?:of|\/)\s*\d{1,4})?$/i;

/**
 * Page furniture, per page as indexes into its `lines`: bare page numbers, and running headers
 * and footers (lines whose text with its numbers blanked out recurs on many pages). Both must sit
 * in a page's margins: the few lines at its top or bottom that a wide gap sets off from the body,
 * so the body's own first or last line is never taken for furniture, however alike the pages are.
 * They stay in the text but are never quoted.
 */
export function findPageFurniture(pages: readonly PageLayout[]): Set<number>[] {
  const margins = pages.map((page) => marginLines(page.lines));
  const pagesWith = new Map<string, number>();
  margins.forEach((indexes, p) => {
    for (const key of new Set(indexes.map((i) => repeatKey(pages[p]!.lines[i]!.text)))) pagesWith.set(key, (pagesWith.get(key) ?? 0) + 1);
  });
  const pagesWithText = pages.filter((p) => p.lines.length > 0).length;
  const needed = Math.max(2, Math.ceil(REPEAT_SHARE * pagesWithText));
  return pages.map((page, p) => {
    const found = new Set<number>();
    for (const index of margins[p]!) {
      const text = page.lines[index]!.text.trim();
      const repeats = text.length <= FURNITURE_MAX_LENGTH && /\p{L}/u.test(text) && (pagesWith.get(repeatKey(text)) ?? 0) >= needed;
      if (repeats || PAGE_NUMBER.test(text)) found.add(index);
    }
    return found;
  });
}

function repeatKey(text: string): string {
  return text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
}

/** The lines in the page's top and bottom margins: above the first, and below the last, wide gap within EDGE_LINES of the edge. */
function marginLines(lines: readonly Line[]): number[] {
  if (lines.length <= 1) return lines.map((_, i) => i);
  const order = lines.map((_, i) => i).sort((a, b) => lines[b]!.y - lines[a]!.y);
  const gap = lineSpacing(lines) * SET_OFF;
  const picked = new Set<number>();
  const y = (k: number) => lines[order[k]!]!.y;
  for (let k = 0; k < Math.min(EDGE_LINES, order.length - 1); k++) {
    if (y(k) - y(k + 1) > gap) {
      order.slice(0, k + 1).forEach((i) => picked.add(i));
      break;
    }
  }
  for (let k = order.length - 1; k > Math.max(0, order.length - 1 - EDGE_LINES); k--) {
    if (y(k - 1) - y(k) > gap) {
      order.slice(k).forEach((i) => picked.add(i));
      break;
    }
  }
  return [...picked];
}

/** The page's usual baseline distance (points): the median over consecutive lines of a block, or 1.2 em without any. */
function lineSpacing(lines: readonly Line[]): number {
  const distances: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const [a, b] = [lines[i - 1]!, lines[i]!];
    const d = a.y - b.y;
    if (a.block === b.block && d > 0 && d <= LINE_SPACING_MAX_EM * Math.max(a.size, b.size)) distances.push(d);
  }
  if (distances.length === 0) return 1.2 * median(lines.map((l) => l.size));
  return median(distances);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
