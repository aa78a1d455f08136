import type { DocumentMetadata, SourceDocument } from '../document.js';
import { extractPdf, type ExtractedPdf } from '../pdf/extract.js';
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
  return {
    documents: [pdfDocument(extracted, { id: file.idBase, source: file.source, metadata: file.sidecar, fallbackTitle: titleFromPath(file.idBase) })],
    skipped: [],
  };
};

/** The document of an extracted PDF (a file, or a fetched page): `metadata` wins over the file's own title. */
export function pdfDocument(pdf: ExtractedPdf, parts: { id: string; source: string; metadata: DocumentMetadata; fallbackTitle: string }): SourceDocument {
  return makeDocument({
    ...parts,
    text: pdf.text,
    metadata: { ...(pdf.title && { title: pdf.title }), ...parts.metadata },
    hasLines: false,
    pageStarts: pdf.pageStarts,
    extraUnquotable: pdf.unquotable,
  });
}
