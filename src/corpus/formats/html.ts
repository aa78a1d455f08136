import type { DocumentMetadata, SkippedSource, SourceDocument } from '../document.js';
import { extractHtml, type ExtractedHtml } from '../html/extract.js';
import { checkUrl } from '../metadata.js';
import { makeDocument, titleFromPath } from './build.js';
import type { CorpusFile, FormatParser } from './types.js';

/**
 * An HTML file is one document: the text of its main content, cited by section (it has no lines
 * of its own). Title and link come from the page (og:title or <title>; canonical link or og:url),
 * the sidecar wins. A link Discord would refuse is dropped and reported; the page is still indexed.
 */
export const parseHtml: FormatParser = async (file) => {
  const extracted = extractHtml(file.text);
  if ('reason' in extracted) return { documents: [], skipped: [{ source: file.source, reason: extracted.reason }] };
  const link = pageLink(file, extracted.url);
  const metadata = { ...(link.url && { url: link.url }), ...file.sidecar };
  return {
    documents: [htmlDocument(extracted, { id: file.idBase, source: file.source, metadata, fallbackTitle: titleFromPath(file.idBase) })],
    skipped: link.skipped,
  };
};

/** The document of an extracted page (a file, or a fetched page): `metadata` wins over the page's own title. */
export function htmlDocument(html: ExtractedHtml, parts: { id: string; source: string; metadata: DocumentMetadata; fallbackTitle: string }): SourceDocument {
  return makeDocument({
    ...parts,
    text: html.text,
    metadata: { ...(html.title && { title: html.title }), ...parts.metadata },
    hasLines: false,
    sections: html.sections,
    extraUnquotable: html.headings,
  });
}

/** The page's own link if Discord would take it; a bad one is reported unless the sidecar replaces it. */
function pageLink(file: CorpusFile, url: string | undefined): { url?: string; skipped: SkippedSource[] } {
  if (url === undefined) return { skipped: [] };
  const checked = checkUrl(url);
  if ('url' in checked) return { url: checked.url, skipped: [] };
  if (file.sidecar.url !== undefined) return { skipped: [] };
  const shown = url.length > 80 ? `${url.slice(0, 80)}…` : url;
  return { skipped: [{ source: file.source, reason: `canonical url ignored: ${checked.problem} ("${shown}"); the document is indexed without a link` }] };
}
