import type { SkippedSource, SourceDocument } from '../corpus/document.js';
import { htmlDocument } from '../corpus/formats/html.js';
import { pdfDocument } from '../corpus/formats/pdf.js';
import { extractHtml } from '../corpus/html/extract.js';
import { checkUrl } from '../corpus/metadata.js';
import { extractPdf } from '../corpus/pdf/extract.js';
import type { CachedPage } from './refresh.js';

/**
 * Fetched web pages as documents, read exactly like an HTML or PDF file of the corpus: the
 * page's address is its source (what citations show), its id and its link.
 */
export async function webDocuments(pages: readonly CachedPage[]): Promise<{ documents: SourceDocument[]; skipped: SkippedSource[] }> {
  const documents: SourceDocument[] = [];
  const skipped: SkippedSource[] = [];
  for (const page of pages) {
    const read = await webDocument(page);
    if ('reason' in read) skipped.push({ source: page.url, reason: read.reason });
    else documents.push(read);
  }
  return { documents, skipped };
}

async function webDocument(page: CachedPage): Promise<SourceDocument | { reason: string }> {
  const checked = checkUrl(page.finalUrl);
  const link = 'url' in checked ? checked.url : undefined;
  // The address it was fetched from, not the page's canonical claim: that is what was read.
  const common = { id: webDocumentId(page.url), source: page.url, metadata: link ? { url: link } : {}, fallbackTitle: page.url };
  if (/^application\/pdf\b/i.test(page.contentType)) {
    const pdf = await extractPdf(page.body);
    return 'reason' in pdf ? pdf : pdfDocument(pdf, common);
  }
  const html = extractHtml(decodeHtml(page.body, page.contentType), page.finalUrl);
  return 'reason' in html ? html : htmlDocument(html, common);
}

/** True for the id of a fetched page: its address. A file's id is a relative path, which never holds "://". */
export function isWebDocumentId(id: string): boolean {
  return /^https?:\/\//i.test(id);
}

/** A page's id is its address without the fragment: what moderators listed, and unique. */
export function webDocumentId(url: string): string {
  return url.replace(/#.*$/s, '');
}

/** The page's text: the charset its Content-Type or `<meta charset>` names, else UTF-8. */
function decodeHtml(body: Uint8Array, contentType: string): string {
  const declared = /charset=["']?([\w-]+)/i.exec(contentType)?.[1] ?? /<meta[^>]+charset=["']?([\w-]+)/i.exec(new TextDecoder('latin1').decode(body.subarray(0, 2048)))?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
