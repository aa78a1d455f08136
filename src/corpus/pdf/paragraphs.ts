import type { Span } from '../document.js';
import type { Block, Line, PageLayout } from './layout.js';

/** How two consecutive lines are joined in the text. */
type Join = 'space' | 'direct' | 'dehyphenate' | 'line' | 'paragraph';

/** A baseline distance this many times the usual one nearby (and at least PARAGRAPH_EXTRA_EM more) is a paragraph break. */
const PARAGRAPH_GAP = 1.3;
const PARAGRAPH_EXTRA_EM = 0.25;
/** Usual line spacing: the median over this many neighbouring line pairs each side. */
const SPACING_WINDOW = 3;
/** Lines whose font sizes differ by more than this ratio are a heading and its text. */
const HEADING_SIZE_RATIO = 1.15;
/** Indent (em) of a paragraph's first line; more than INDENT_MAX_EM is not an indent but a layout. */
const INDENT_MIN_EM = 0.8;
const INDENT_MAX_EM = 8;
/** The next line's first word would have fitted with this much room (em) to spare: the break was intended. */
const FIT_SLACK_EM = 1.3;

const LIST_ITEM = /^(?:[•◦▪▫‣⁃∙●○■□►▸✓✔*-]\s|\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)]\s|\([A-Z]\)\s)/u;
const SENTENCE_END = /[.!?:;…]["'”’)\]]*$/u;

export interface PageText {
  readonly text: string;
  /** The furniture lines, as spans of `text`. */
  readonly furniture: Span[];
}

/**
 * The text of one page from its lines in reading order. The lines of a paragraph are joined
 * with a space (the sentence splitter ends a sentence at every line break), a word hyphenated
 * at a line end is joined up again ("hyphen-" + "ated"), and a hyphen before a capital or a
 * digit, or after a digit, is kept ("well-" + "Known" → "well-Known"). A line break is kept before a list
 * item, around a tabbed line (a form or table row), at a heading (a change of font size, or a
 * line that ends where the next word would still have fitted) and at an indented first line;
 * a blank line marks a paragraph break (a gap clearly larger than the line spacing) and sets
 * off each `furniture` line (by index into `layout.lines`).
 */
export function composePage(layout: PageLayout, furniture: ReadonlySet<number> = new Set()): PageText {
  const { lines, blocks } = layout;
  const spacing = usualSpacing(lines);
  const spans: Span[] = [];
  let text = '';
  lines.forEach((line, i) => {
    if (i > 0) {
      const previous = lines[i - 1]!;
      const join = furniture.has(i) || furniture.has(i - 1) ? 'paragraph' : joinLines(previous, line, blocks, spacing[i - 1]!);
      if (join === 'dehyphenate') text = text.slice(0, -1);
      text += join === 'space' ? ' ' : join === 'line' ? '\n' : join === 'paragraph' ? '\n\n' : '';
    }
    if (furniture.has(i)) spans.push({ start: text.length, end: text.length + line.text.length });
    text += line.text;
  });
  return { text, furniture: spans };
}

function joinLines(a: Line, b: Line, blocks: readonly Block[], spacing: number): Join {
  if (a.block !== b.block) return continuesInNextBlock(a, b, blocks[a.block]!) ? (hyphenJoin(a, b) ?? 'space') : 'paragraph';
  const distance = (a.y - b.y) / a.size;
  if (distance <= 0 || distance > Math.max(spacing * PARAGRAPH_GAP, spacing + PARAGRAPH_EXTRA_EM)) return 'paragraph';
  if (sizeRatio(a, b) > HEADING_SIZE_RATIO || a.tabbed || b.tabbed) return 'line';
  if (LIST_ITEM.test(b.text)) return 'line';
  const hyphen = hyphenJoin(a, b);
  if (hyphen) return hyphen;
  const block = blocks[a.block]!;
  if (nextWordWouldFit(a, b, block) || startsIndented(a, b, block)) return 'line';
  return 'space';
}

/**
 * A sentence running on from the foot of one column to the head of the next: the line before
 * runs to the margin without ending a sentence, and the next one starts with a word, same size.
 */
function continuesInNextBlock(a: Line, b: Line, blockOfA: Block): boolean {
  if (sizeRatio(a, b) > HEADING_SIZE_RATIO || SENTENCE_END.test(a.text)) return false;
  if (!/^[\p{L}\p{N}]/u.test(b.text) || LIST_ITEM.test(b.text)) return false;
  return !nextWordWouldFit(a, b, blockOfA);
}

/**
 * "hyphen-" + "ated" → "hyphenated"; "well-" + "Known" → "well-Known"; "38-" + "metre" →
 * "38-metre"; "word—" + "next" → "word—next". A real hyphen broken at a line end before a small
 * letter ("well-" + "known") cannot be told from a word broken in two without a dictionary: it is joined up.
 */
function hyphenJoin(a: Line, b: Line): Join | undefined {
  if (/\p{L}[-\u2010]$/u.test(a.text)) return /^\p{Ll}/u.test(b.text) ? 'dehyphenate' : 'direct';
  if (/\p{N}[-\u2010]$/u.test(a.text)) return 'direct';
  if (/\S[\u2013\u2014]$/u.test(a.text)) return 'direct';
  return undefined;
}

/** Text wraps only when the next word does not fit; a line that stops short ends on purpose (a heading, a paragraph's last line). */
function nextWordWouldFit(a: Line, b: Line, block: Block): boolean {
  const word = /^\S+/u.exec(b.text)?.[0] ?? '';
  const wordWidth = ((b.x1 - b.x0) * word.length) / Math.max(1, b.text.length);
  return block.right - a.x1 > wordWidth + FIT_SLACK_EM * a.size;
}

/** A first line indented from a line that starts at the margin begins a paragraph (hanging list items aside). */
function startsIndented(a: Line, b: Line, block: Block): boolean {
  const indent = b.x0 - a.x0;
  return indent >= INDENT_MIN_EM * b.size && b.x0 - block.left <= INDENT_MAX_EM * b.size && a.x0 - block.left < 0.5 * a.size && !LIST_ITEM.test(a.text);
}

function sizeRatio(a: Line, b: Line): number {
  return Math.max(a.size, b.size) / Math.min(a.size, b.size);
}

/**
 * For each pair of consecutive lines, the usual baseline distance (in em) around it: the median
 * over nearby pairs in the same block with the same font size, so double-spaced text and
 * single-spaced notes on one page are each judged by their own spacing.
 */
function usualSpacing(lines: readonly Line[]): number[] {
  const distances = lines.slice(1).map((line, k) => {
    const previous = lines[k]!;
    if (previous.block !== line.block || sizeRatio(previous, line) > HEADING_SIZE_RATIO) return NaN;
    const d = (previous.y - line.y) / previous.size;
    return d > 0 ? d : NaN;
  });
  const fallback = 1.2;
  return distances.map((_, k) => {
    const nearby: number[] = [];
    for (let j = Math.max(0, k - SPACING_WINDOW); j <= Math.min(distances.length - 1, k + SPACING_WINDOW); j++) {
      if (!Number.isNaN(distances[j]!) && lines[j]!.block === lines[k]!.block) nearby.push(distances[j]!);
    }
    if (nearby.length === 0) return fallback;
    nearby.sort((x, y) => x - y);
    return nearby[(nearby.length - 1) >> 1]!;
  });
}
