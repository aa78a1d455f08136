import type { SourceDocument } from './document.js';
import { linkToQuote } from './textFragment.js';

/**
 * The link that opens a document at a quote, when the document has a URL: a PDF at the quote's
 * page (`#page=4`, which PDF viewers follow and text fragments do not reach), any other page at
 * the section's anchor with a text fragment that highlights the quote (`#install:~:text=…`).
 */
export function quoteLink(
  doc: Pick<SourceDocument, 'url' | 'text' | 'pageStarts'>,
  start: number,
  end: number,
  where: { anchor?: string | undefined; pageStart?: number | undefined },
): string | undefined {
  if (!doc.url) return undefined;
  if (doc.pageStarts && where.pageStart !== undefined) return `${doc.url.replace(/#.*$/s, '')}#page=${where.pageStart}`;
  return linkToQuote(doc.url, { documentText: doc.text, start, end, ...(where.anchor !== undefined && { anchor: where.anchor }) });
}
