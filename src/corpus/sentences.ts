import type { Span } from './document.js';

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Words after which a full stop does not end a sentence ("Dr. King", "Gov. Pritzker"). */
const ABBREVIATIONS = new Set(
  ('mr mrs ms dr prof sr jr st mt ft gov sen rep gen col lt sgt capt cmdr supt det atty ald rev hon ' +
    'inc corp co ltd bros dept univ assn vs etc al fig figs eq no nos vol pp approx est ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun e.g i.e').split(' '),
);

/** Bullets and list numbers at the start of a line are layout, not part of the sentence. */
const LEADING_LAYOUT = /^[\s\u00a0]*(?:[-*•·–—]\s+|\d{1,3}[.)]\s+)?[\s\u00a0]*/u;
const TRAILING_SPACE = /[\s\u00a0]+$/u;
const HAS_WORD = /[\p{L}\p{N}]/u;

/**
 * Sentence spans of `text` within `[from, to)`, skipping `exclude`d spans. A line break always
 * ends a sentence (paragraphs, list items, headlines); inside a line, Intl.Segmenter finds the
 * boundaries and boundaries after abbreviations and initials ("U.S.", "J.B.", "Dr.") are undone.
 * Spans are trimmed of surrounding whitespace and leading bullets, so each one can be quoted as is.
 */
export function splitSentences(text: string, from = 0, to = text.length, exclude: readonly Span[] = []): Span[] {
  const sentences: Span[] = [];
  let lineStart = from;
  while (lineStart < to) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1 || lineEnd > to) lineEnd = to;
    if (!exclude.some((span) => span.start < lineEnd && span.end > lineStart)) {
      for (const span of splitLine(text, lineStart, lineEnd)) sentences.push(span);
    }
    lineStart = lineEnd + 1;
  }
  return sentences;
}

function splitLine(text: string, start: number, end: number): Span[] {
  const line = text.slice(start, end);
  if (!HAS_WORD.test(line)) return [];
  const pieces: Span[] = [];
  for (const { index, segment } of segmenter.segment(line)) {
    const previous = pieces[pieces.length - 1];
    if (previous && endsWithAbbreviation(line.slice(previous.start, previous.end)) && /^[\s\u00a0]*[\p{L}\p{N}]/u.test(segment)) {
      pieces[pieces.length - 1] = { start: previous.start, end: index + segment.length };
    } else {
      pieces.push({ start: index, end: index + segment.length });
    }
  }
  const spans: Span[] = [];
  for (const piece of pieces) {
    const raw = line.slice(piece.start, piece.end);
    const lead = raw.match(LEADING_LAYOUT)?.[0].length ?? 0;
    const trail = raw.match(TRAILING_SPACE)?.[0].length ?? 0;
    const s = start + piece.start + lead;
    const e = start + piece.end - trail;
    if (e > s && HAS_WORD.test(text.slice(s, e))) spans.push({ start: s, end: e });
  }
  return spans;
}

function endsWithAbbreviation(piece: string): boolean {
  const match = piece.match(/(?:^|[\s\u00a0(“"‘'\[])([\p{L}.]+)\.[\s\u00a0]*$/u);
  if (!match) return false;
  const word = match[1]!;
  // Initials and dotted acronyms: "J.", "J.B.", "U.S.", "D.C."
  if (/^(\p{Lu}\.)*\p{Lu}$/u.test(word) || /^(\p{L}\.)+\p{L}$/u.test(word)) return true;
  return ABBREVIATIONS.has(word.toLowerCase());
}
