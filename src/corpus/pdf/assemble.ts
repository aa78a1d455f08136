import type { Span } from '../document.js';
import { findPageFurniture } from './furniture.js';
import type { PageLayout } from './layout.js';
import { composePage } from './paragraphs.js';

export interface PdfText {
  readonly text: string;
  /** Offset in `text` at which page i + 1 starts; an empty page starts where the next text does. */
  readonly pageStarts: number[];
  /** Page furniture: page numbers, running headers and footers. */
  readonly unquotable: Span[];
}

const PAGE_BREAK = '\n\n';

/** One text for the whole file: the pages' texts in order, separated by a blank line. */
export function assemblePages(pages: readonly PageLayout[]): PdfText {
  const furniture = findPageFurniture(pages);
  const pageStarts: number[] = [];
  const unquotable: Span[] = [];
  let text = '';
  let waiting = 0; // empty pages since the last text: they start where the next text does
  pages.forEach((layout, p) => {
    const page = composePage(layout, furniture[p]);
    if (page.text === '') {
      waiting++;
      return;
    }
    if (text !== '') text += PAGE_BREAK;
    for (; waiting > 0; waiting--) pageStarts.push(text.length);
    pageStarts.push(text.length);
    for (const span of page.furniture) unquotable.push({ start: text.length + span.start, end: text.length + span.end });
    text += page.text;
  });
  for (; waiting > 0; waiting--) pageStarts.push(text.length);
  return { text, pageStarts, unquotable };
}
