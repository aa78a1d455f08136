import type { SkippedSource, SourceDocument } from '../document.js';
import { pickMetadata } from '../metadata.js';
import { makeDocument } from './build.js';
import type { FormatParser } from './types.js';

/**
 * One document per line: `{"id", "title", "text", "url"?}` or BEIR's `{"_id", "title", "text"}`.
 * A bad line is skipped with its line number; the rest of the file is still read. An id used by
 * an earlier line keeps that line's record: the later one is reported with both line numbers.
 */
export const parseJsonl: FormatParser = async (file) => {
  const documents: SourceDocument[] = [];
  const skipped: SkippedSource[] = [];
  const skip = (line: number, reason: string) => skipped.push({ source: `${file.source}:${line}`, reason });
  const firstLineOf = new Map<string, number>();

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
    const id = typeof rawId === 'number' ? String(rawId) : typeof rawId === 'string' ? rawId.trim() : undefined;
    if (id === undefined || id === '') return skip(lineNumber, 'missing "id" (or "_id")');
    // Ids appear in citations, buttons and /source: one line of printable text.
    if (/[\u0000-\u001f\u007f-\u009f]/.test(id)) return skip(lineNumber, `the id ${JSON.stringify(id.slice(0, 80))} contains a line break or control character`);
    if (typeof fields.text !== 'string' || fields.text.trim() === '') return skip(lineNumber, 'missing or empty "text"');
    const first = firstLineOf.get(id);
    if (first !== undefined) return skip(lineNumber, `line ${lineNumber} duplicates id '${id}' (first on line ${first}); only the first is indexed`);
    firstLineOf.set(id, lineNumber);
    const { metadata, problems } = pickMetadata(fields);
    for (const problem of problems) skip(lineNumber, problem);
    documents.push(
      makeDocument({
        id,
        source: file.source,
        text: fields.text,
        metadata,
        firstLine: lineNumber,
        linesFollowText: false,
        fallbackTitle: `${file.idBase} ${id}`,
      }),
    );
  });
  return { documents, skipped };
};
