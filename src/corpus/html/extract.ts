import type { Section, Span } from '../document.js';
import { markHeadings } from './anchors.js';
import { mainContent } from './content.js';
import { descendants, parsePage } from './dom.js';
import { layOut } from './layout.js';
import { pageMetadata } from './metadata.js';

export interface ExtractedHtml {
  /** The main content as plain text: what is indexed, quoted and shown; every quote is an exact slice of it. */
  readonly text: string;
  /** From og:title, else <title> (site suffix like " | Docs" / " – Site" trimmed when sensible), else the first <h1>. */
  readonly title?: string;
  /** From <link rel=canonical>, else og:url, resolved against baseUrl; only http(s). */
  readonly url?: string;
  /** One per heading of the main content, sorted by start; anchor = the id a link can jump to. */
  readonly sections: Section[];
  /** The spans of `text` that are headings (so they are never quoted as an answer; they still help retrieval). */
  readonly headings: Span[];
}

/**
 * The main content of an HTML page as text: one block (paragraph, heading, list item, table
 * row, code block) per line or lines, blank lines between blocks, navigation and other page
 * chrome left out. Never throws: a page without text gives the reason.
 */
export function extractHtml(html: string, baseUrl?: string): ExtractedHtml | { reason: string } {
  try {
    const doc = parsePage(html);
    const elements = descendants(doc.documentElement);
    const metadata = pageMetadata(elements, baseUrl);
    const anchors = markHeadings(elements);
    const { text, sections, headings } = layOut(mainContent(doc, elements), anchors);
    if (text === '') {
      // Readability has rewritten `doc`: read the page afresh to say why.
      const why = /[\p{L}\p{N}]/u.test(parsePage(html).body?.textContent ?? '') ? 'only navigation, headers, footers or hidden text' : 'it may be built by JavaScript, or hold only images';
      return { reason: `no text in this HTML page (${why})` };
    }
    return { text, ...metadata, sections, headings };
  } catch (error) {
    return { reason: `no text in this HTML page (it could not be read: ${error instanceof Error ? error.message : String(error)})` };
  }
}
