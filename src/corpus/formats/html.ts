import type { SkippedSource } from '../document.js';
import { extractHtml } from '../html/extract.js';
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
  const { text, title, sections, headings } = extracted;
  const link = pageLink(file, extracted.url);
  return {
    documents: [
      makeDocument({
        id: file.idBase,
        source: file.source,
        text,
        metadata: { ...(title && { title }), ...(link.url && { url: link.url }), ...file.sidecar },
        hasLines: false,
        sections,
        extraUnquotable: headings,
        fallbackTitle: titleFromPath(file.idBase),
      }),
    ],
    skipped: link.skipped,
  };
};

/** The page's own link if Discord would take it; a bad one is reported unless the sidecar replaces it. */
function pageLink(file: CorpusFile, url: string | undefined): { url?: string; skipped: SkippedSource[] } {
  if (url === undefined) return { skipped: [] };
  const checked = checkUrl(url);
  if ('url' in checked) return { url: checked.url, skipped: [] };
  if (file.sidecar.url !== undefined) return { skipped: [] };
  const shown = url.length > 80 ? `${url.slice(0, 80)}…` : url;
  return { skipped: [{ source: file.source, reason: `canonical url ignored: ${checked.problem} ("${shown}"); the document is indexed without a link` }] };
}
