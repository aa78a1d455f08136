import type { Span } from './document.js';

/**
 * Page furniture: lines a web page carries around an article that are not part of it
 * ("Related", "Trending Now", "Subscribe to …"). They stay in the text, so offsets never move,
 * but they are never quoted. A line is furniture only when the whole line matches: an article
 * sentence that merely mentions a newsletter is kept.
 */
const FURNITURE_LINES: readonly RegExp[] = [
  /^(related|related (articles?|stories|posts|content|coverage)|trending( now)?|most popular|most read|popular|recommended|more stories|you may also like|advertisement|sponsored( content)?|share( this( article| story)?)?|comments?)$/i,
  /^(related( article| story)?|read more|see also|more|also read|recommended|watch)\s*:\s*.+$/i,
  /^follow us\b.*$/i,
  /^(join|sign up for|subscribe to) (our|the)\b.*\b(newsletter|mailing list|updates)\b.*$/i,
  /^get the (top|latest|best)\b.*\b(delivered|inbox|newsletter)\b.*$/i,
  /^subscribe\b.*$/i,
  /^already (a )?subscriber?\b.*$/i,
  /^(click|tap) here\b.*$/i,
  /^read (the full|the whole|the complete|more)\b.*\b(here|online)\.?$/i,
  /^(twitter|facebook|instagram|email|x)\s*[:@]?\s*@?\w+$/i,
  /^(copyright|©|\(c\))\s.*$/i,
  /^all rights reserved\.?$/i,
];

/** True for a photo caption or credit line: useful context, but never a headline. */
export function isCaption(line: string): boolean {
  return /\b(credit|photo|photograph|image|courtesy|file photo|getty images|ap photo|reuters)\s*(:|\/|by\b)/i.test(line);
}

export function isFurnitureLine(line: string): boolean {
  const trimmed = line.trim().replace(/\s+/g, ' ');
  if (trimmed === '') return false;
  return FURNITURE_LINES.some((pattern) => pattern.test(trimmed));
}

/** The spans of `text` between `from` and `to` that are whole furniture lines. */
export function findFurniture(text: string, from = 0, to = text.length): Span[] {
  const spans: Span[] = [];
  let start = from;
  while (start < to) {
    let end = text.indexOf('\n', start);
    if (end === -1 || end > to) end = to;
    if (isFurnitureLine(text.slice(start, end))) spans.push({ start, end });
    start = end + 1;
  }
  return spans;
}
