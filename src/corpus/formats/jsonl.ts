import type { SkippedSource, SourceDocument } from '../document.js';
import { pickMetadata } from '../metadata.js';
import { makeDocument } from './build.js';
import type { FormatParser } from './types.js';

/**
 * One document per line: `{"id", "title", "text", "url"?}` or BEIR's `{"_id", "title", "text"}`.
 * A bad line is skipped with its line number; the rest of the file is still read.
 */
export const parseJsonl: FormatParser = (file) => {
  const documents: SourceDocument[] = [];
  const skipped: SkippedSource[] = [];
  const skip = (line: number, reason: string) => skipped.push({ source: `${file.source}:${line}`, reason });

  // A byte-order mark (Windows editors write one) is not part of the first record.
  const lines = file.text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    if (raw.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch {
      return skip(lineNumber, 'not valid JSON');
    }
    if (!record || typeof record !== 'object' || Array.isArray(record)) return skip(lineNumber, 'not a JSON object');
    const fields = record as Record<string, unknown>;
    const rawId = fields.id ?? fields._id;
    const id = typeof rawId === 'number' ? String(rawId) : rawId;
    if (typeof id !== 'string' || id.trim() === '') return skip(lineNumber, 'missing "id" (or "_id")');
    if (typeof fields.text !== 'string' || fields.text.trim() === '') return skip(lineNumber, 'missing or empty "text"');
    documents.push(
      makeDocument({
        id: id.trim(),
        source: file.source,
        text: fields.text,
        metadata: pickMetadata(fields),
        firstLine: lineNumber,
        linesFollowText: false,
        fallbackTitle: `${file.idBase} ${id}`,
      }),
    );
  });
  return { documents, skipped };
};
