import type { DocumentMetadata, Span } from './document.js';
import { isCaption, isFurnitureLine } from './furniture.js';
import { splitSentences } from './sentences.js';

const TITLE_MAX = 100;

/** The longest link Footnote keeps: it must fit an embed's url and a 1,024-character field whole. */
export const URL_MAX_LENGTH = 512;
/** A citation link may add an anchor and a text fragment to a document's URL (corpus/quoteLink.ts). */
export const LINK_MAX_LENGTH = 1000;
const METADATA_TEXT_MAX = 256;

/** Metadata read from front matter, a sidecar or a JSONL record, and what was wrong with it. */
export interface PickedMetadata {
  readonly metadata: DocumentMetadata;
  /** One sentence per field that was dropped, e.g. "url ignored: it contains a space …". */
  readonly problems: string[];
}

/**
 * Front matter at the very start of a Markdown file: `---`, simple `key: value` lines, `---`.
 * Returns the metadata it names, what was wrong with it, and where the body begins.
 */
export function parseFrontMatter(text: string): PickedMetadata & { bodyStart: number } {
  const match = text.match(/^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/);
  if (!match) return { metadata: {}, problems: [], bodyStart: 0 };
  const fields: Record<string, string> = {};
  for (const line of match[1]!.split(/\r?\n/)) {
    const kv = line.match(/^([A-Za-z_][\w-]*)\s*:\s*(.*)$/);
    if (kv) fields[kv[1]!.toLowerCase()] = unquote(kv[2]!.trim());
  }
  return { ...pickMetadata(fields), bodyStart: match[0].length };
}

/**
 * Keeps the known metadata keys that hold a non-empty string, each on one line without control
 * characters. A url that Discord would refuse is dropped and named in `problems`: one bad link
 * must never make every answer quoting its document fail.
 */
export function pickMetadata(fields: Record<string, unknown>): PickedMetadata {
  const problems: string[] = [];
  const text = (key: string) => {
    const value = fields[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') {
      problems.push(`${key} ignored: not a string`);
      return undefined;
    }
    const clean = oneLine(String(value));
    return clean === '' ? undefined : shorten(clean, METADATA_TEXT_MAX);
  };
  const title = text('title');
  const publisher = text('publisher');
  const date = text('date');
  const rawUrl = typeof fields.url === 'string' && fields.url.trim() !== '' ? fields.url : typeof fields.link === 'string' && fields.link.trim() !== '' ? fields.link : undefined;
  let url: string | undefined;
  if (rawUrl !== undefined) {
    const checked = checkUrl(rawUrl);
    if ('url' in checked) url = checked.url;
    else problems.push(`url ignored: ${checked.problem} ("${oneLine(rawUrl).slice(0, 80)}${rawUrl.length > 80 ? '…' : ''}"); the document is indexed without a link`);
  } else if (fields.url !== undefined && fields.url !== null && typeof fields.url !== 'string') {
    problems.push('url ignored: not a string');
  }
  return {
    metadata: {
      ...(title && { title }),
      ...(url && { url }),
      ...(publisher && { publisher }),
      ...(date && { date }),
    },
    problems,
  };
}

/** C0 and C1 control characters and the bidirectional overrides that can disguise text. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** A metadata value on one line: controls and line breaks become spaces, runs of white space one space. */
function oneLine(value: string): string {
  return value.replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * A link Discord accepts and that cannot hide Markdown: http or https, well formed (WHATWG URL),
 * with a host, no credentials, at most URL_MAX_LENGTH characters, and none of the characters a
 * URL may not contain (white space, controls, `<>"{}|\^` and backquote), which are also what
 * would let it close an `<…>` link early or smuggle a masked link in. A URL with non-ASCII
 * characters is kept in its encoded form (`https://xn--…`, `%C3%A9`).
 */
export function checkUrl(raw: string, maxLength = URL_MAX_LENGTH): { url: string } | { problem: string } {
  const value = raw.trim();
  if (value.length > maxLength) return { problem: `longer than ${maxLength} characters` };
  if (/\s/.test(value)) return { problem: 'not a well-formed URL (it contains a space or line break)' };
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) return { problem: 'not a well-formed URL (it contains a control character)' };
  const bad = /[<>"{}|\\^`]/.exec(value);
  if (bad) return { problem: `not a well-formed URL (it contains ${bad[0]}, which a URL cannot; percent-encode it)` };
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return { problem: 'not a well-formed URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { problem: `only http and https links are allowed, not ${parsed.protocol.slice(0, 20)}` };
  if (!/^https?:\/\/[^/?#]/i.test(value) || parsed.hostname === '') return { problem: 'not a well-formed URL (no host name)' };
  if (parsed.username !== '' || parsed.password !== '') return { problem: 'a link with a user name or password in it is not allowed' };
  const url = /[^\x21-\x7e]/.test(value) ? parsed.href : value;
  if (url.length > maxLength) return { problem: `longer than ${maxLength} characters` };
  return { url };
}

/** True for a link the views may put in an embed's url or a message: `checkUrl` keeps it exactly as it is. */
export function isUsableUrl(url: string | undefined, maxLength = URL_MAX_LENGTH): url is string {
  if (typeof url !== 'string') return false;
  const checked = checkUrl(url, maxLength);
  return 'url' in checked && checked.url === url;
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

function shorten(title: string, max = TITLE_MAX): string {
  const clean = title.replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
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
