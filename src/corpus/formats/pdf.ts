import { extractPdf } from '../pdf/extract.js';
import { makeDocument, titleFromPath } from './build.js';
import type { FormatParser } from './types.js';

/**
 * A PDF file is one document: its text in reading order, cited by page (it has no lines of its
 * own). Title from the sidecar, else the file's metadata, else the text. A password-protected,
 * image-only, damaged or oversized file is skipped with the reason.
 */
export const parsePdf: FormatParser = async (file) => {
  const extracted = await extractPdf(file.bytes);
  if ('reason' in extracted) return { documents: [], skipped: [{ source: file.source, reason: extracted.reason }] };
  const { text, title, pageStarts, unquotable } = extracted;
  return {
    documents: [
      makeDocument({
        id: file.idBase,
        source: file.source,
        text,
        metadata: { ...(title && { title }), ...file.sidecar },
        hasLines: false,
        pageStarts,
        extraUnquotable: unquotable,
        fallbackTitle: titleFromPath(file.idBase),
      }),
    ],
    skipped: [],
  };
};
