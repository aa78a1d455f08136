/**
 * Backslash-escapes everything Discord would read as Markdown, a mention, or a masked link, so a
 * document can neither format a reply nor hide a link in it: emphasis, spoilers, code, quotes,
 * headings and subtext, links, mentions, and list markers at the start of a line ("1. ", "+ ").
 * Removing the backslashes gives the text back exactly.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\*_~`|><#\-[\]()@]/g, '\\$&')
    .replace(/(^|\n)([ \t]*\d+)\.(?=[ \t])/g, '$1$2\\.')
    .replace(/(^|\n)([ \t]*)\+(?=[ \t])/g, '$1$2\\+');
}

export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\*_~`|><#\-[\]()@.+])/g, '$1');
}

/**
 * Shortens text to at most `max` characters: at the last sentence end that keeps at least half,
 * else at the last space, never inside a word, and marks the cut with "…".
 */
export function shortenText(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = text.slice(0, Math.max(0, max - 1));
  const sentenceEnd = Math.max(...['. ', '? ', '! ', '.” ', '." '].map((m) => room.lastIndexOf(m)));
  if (sentenceEnd >= room.length / 2) {
    const cut = room.slice(0, sentenceEnd + room.slice(sentenceEnd).indexOf(' '));
    return cut.trimEnd() + ' …';
  }
  const space = room.lastIndexOf(' ');
  return (space > 0 ? room.slice(0, space) : room).trimEnd() + '…';
}

/** Escaped text no longer than `max` once escaped, shortened at a boundary first when needed. */
export function escapeWithin(text: string, max: number): string {
  let raw = text;
  let escaped = escapeMarkdown(raw);
  while (escaped.length > max && raw.length > 1) {
    // Shorten in proportion to how much escaping adds: subtracting the excess from the raw length
    // would leave nothing ("…") of a text whose escapes alone exceed `max`.
    raw = shortenText(raw, Math.max(1, Math.min(raw.length - 1, Math.floor((raw.length * max) / escaped.length))));
    escaped = escapeMarkdown(raw);
  }
  return escaped;
}
