/** Typographic ligatures (U+FB00–FB06) as the letters they stand for: quotes must match what a reader types. */
const LIGATURES: Record<string, string> = {
  '\ufb00': 'ff',
  '\ufb01': 'fi',
  '\ufb02': 'fl',
  '\ufb03': 'ffi',
  '\ufb04': 'ffl',
  '\ufb05': 'st',
  '\ufb06': 'st',
};

/**
 * Characters that never belong in a quote: C0 and C1 controls (NUL included), zero-width space,
 * byte-order marks, and the bidirectional controls that can disguise text.
 */
const INVISIBLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const SOFT_HYPHEN = '\u00ad';

/**
 * The text of one PDF text item as it may appear in a quote: ligatures expanded, invisible
 * characters removed, white space (tabs, line breaks, no-break spaces) as single spaces. Soft
 * hyphens are removed except one at the very end, which may mark a word broken at the line end
 * (see `endOfLine`).
 */
export function cleanItemText(raw: string): string {
  const text = raw
    .replace(/[\ufb00-\ufb06]/g, (ch) => LIGATURES[ch]!)
    .replace(INVISIBLE, '')
    .replace(/[\s\u00a0]+/g, ' ');
  const trailingSoftHyphen = text.endsWith(SOFT_HYPHEN);
  const kept = text.split(SOFT_HYPHEN).join('');
  return trailingSoftHyphen ? kept + SOFT_HYPHEN : kept;
}

/**
 * A finished line: a soft hyphen left at its end was printed as a hyphen there (that is what a
 * soft hyphen does at a line break), any other is dropped; no surrounding spaces.
 */
export function endOfLine(line: string): string {
  const trimmed = line.trim();
  const hyphenated = trimmed.endsWith(SOFT_HYPHEN);
  const kept = trimmed.split(SOFT_HYPHEN).join('').trimEnd();
  return hyphenated ? kept + '-' : kept;
}
