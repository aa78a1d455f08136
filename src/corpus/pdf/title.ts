import { pickMetadata } from '../metadata.js';

/** Titles that producers fill in by themselves: a file name, an application's placeholder. */
const PLACEHOLDER_TITLES: readonly RegExp[] = [
  /^untitled\b/i,
  /^(microsoft|ms)\s+(word|powerpoint|excel)\b/i,
  /^(powerpoint presentation|presentation|document|slide|title|no title|none|null|unknown|pdf|print|layout|scan|image|img|doc|book)[\s_-]*\d*$/i,
  /\.(docx?|dotx?|pptx?|xlsx?|rtf|odt|pages|pdf|indd|qxd|qxp|tex|dvi|ps|eps|txt|html?|ai)$/i,
  /^[a-z]:\\|\\|^\//i,
  /[\ufff0-\uffff\ue000-\uf8ff]/,
];

/**
 * The first of `candidates` (XMP dc:title, then /Info /Title, as pdf.js's viewer orders them)
 * that reads like a real title, cleaned as any metadata value; placeholders and file names are
 * passed over, so the title is then derived from the text like any other document's.
 */
export function pickPdfTitle(candidates: readonly unknown[]): string | undefined {
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const title = pickMetadata({ title: candidate }).metadata.title;
    if (title === undefined) continue;
    if ((title.match(/\p{L}/gu) ?? []).length < 2) continue;
    if (PLACEHOLDER_TITLES.some((pattern) => pattern.test(title))) continue;
    return title;
  }
  return undefined;
}
