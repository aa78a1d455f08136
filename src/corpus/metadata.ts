import type { DocumentMetadata, Span } from './document.js';
import { isCaption, isFurnitureLine } from './furniture.js';
import { splitSentences } from './sentences.js';

const TITLE_MAX = 100;

/**
 * Front matter at the very start of a Markdown file: `---`, simple `key: value` lines, `---`.
 * Returns the metadata it names and where the body begins.
 */
export function parseFrontMatter(text: string): { metadata: DocumentMetadata; bodyStart: number } {
  const match = text.match(/^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/);
  if (!match) return { metadata: {}, bodyStart: 0 };
  const fields: Record<string, string> = {};
  for (const line of match[1]!.split(/\r?\n/)) {
    const kv = line.match(/^([A-Za-z_][\w-]*)\s*:\s*(.*)$/);
    if (kv) fields[kv[1]!.toLowerCase()] = unquote(kv[2]!.trim());
  }
  return { metadata: pickMetadata(fields), bodyStart: match[0].length };
}

/** Keeps the known metadata keys that hold a non-empty string. */
export function pickMetadata(fields: Record<string, unknown>): DocumentMetadata {
  const text = (key: string) => {
    const value = fields[key];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const url = text('url') ?? text('link');
  return {
    ...(text('title') && { title: text('title') }),
    ...(url && /^https?:\/\//i.test(url) && { url }),
    ...(text('publisher') && { publisher: text('publisher') }),
    ...(text('date') && { date: text('date') }),
  };
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/**
 * A title for a document that does not name one. The first line is used when it reads like a
 * headline: short, a single phrase, not ending in a full stop, not a photo caption or furniture.
 * Otherwise the first sentence of the first real paragraph is shortened at a word boundary, with
 * any dateline ("CHICAGO — ") removed. Markdown headings (`# Title`) always win.
 */
export function deriveTitle(text: string, from = 0, fallback = 'Untitled'): string {
  const lines = text.slice(from).split('\n').map((l) => l.replace(/\r$/, '').trim());
  const heading = lines.find((l) => /^#{1,3}\s+\S/.test(l));
  if (heading) return shorten(heading.replace(/^#+\s+/, '').replace(/\s+#+$/, ''));

  const candidates = lines.filter((l) => /[\p{L}]/u.test(l) && !isFurnitureLine(l) && !isCaption(l));
  const first = candidates[0];
  if (first === undefined) return fallback;
  if (looksLikeHeadline(first)) return shorten(first);

  const [sentence] = splitSentences(first);
  const opening = sentence ? first.slice(sentence.start, sentence.end) : first;
  return shorten(opening.replace(/^[\p{Lu}][\p{Lu} .,'-]{2,40}\s*[—–-]\s+/u, '').replace(/[.!]$/, ''));
}

function looksLikeHeadline(line: string): boolean {
  if (line.length < 8 || line.length > 160) return false;
  if (/[.;,:]$/.test(line)) return false;
  return splitSentences(line).length === 1;
}

function shorten(title: string): string {
  const clean = title.replace(/\s+/g, ' ').trim();
  if (clean.length <= TITLE_MAX) return clean;
  const cut = clean.slice(0, TITLE_MAX - 1);
  const wordEnd = cut.lastIndexOf(' ');
  return (wordEnd > 40 ? cut.slice(0, wordEnd) : cut).replace(/[\s,;:—–-]+$/, '') + '…';
}

/** Spans of Markdown heading lines: they title a section, they do not answer questions. */
export function markdownHeadings(text: string, from: number): Span[] {
  const spans: Span[] = [];
  const pattern = /^#{1,6}[ \t].*$/gm;
  pattern.lastIndex = from;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) spans.push({ start: m.index, end: m.index + m[0].length });
  return spans;
}
