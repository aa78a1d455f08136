import type * as Arrow from 'apache-arrow';
import type { Span } from '../../corpus/document.js';
import type { StoredDocument, StoredPassage } from '../snapshot.js';
import { binaryColumn, boolColumn, inBatches, int32Column, int64Column, optionalFlagColumn, recordBatch, utf8Column, vectorColumn, vectorType } from './columns.js';

/**
 * The tables of the dataset and how their rows map to Footnote's types.
 *   passages    one row per passage of the version (vector, int8 sentence rows, analysed terms)
 *   documents   one row per document (with its text)
 *   vocabulary  every analysed term and the number of passages containing it (BM25's idf)
 *   published   one row naming the version and the table versions it is made of
 *   lease       the one writer's lease, present only while a reindex runs
 * The tag `live` on `published` names the live version; every kept version is also tagged (by its
 * name) on all four tables, so that cleanup never removes what a reader may still serve.
 */
export const TABLE = {
  passages: 'passages',
  documents: 'documents',
  vocabulary: 'vocabulary',
  published: 'published',
  lease: 'lease',
} as const;

export const LIVE_TAG = 'live';

type ArrowLib = typeof Arrow;
type Row = Record<string, unknown>;

/** Passages per record batch: keeps each batch's binary columns well under 2 GiB. */
const PASSAGE_BATCH = 20_000;
const DOCUMENT_BATCH = 500;

/** What a version is made of: the row of `published`. */
export interface PublishedRecord {
  readonly version: string;
  readonly passagesVersion: number;
  readonly documentsVersion: number;
  readonly vocabularyVersion: number;
  /** The IndexManifest without its `documents` map (rebuilt from the documents table). */
  readonly manifest: string;
  readonly createdAt: string;
  readonly documentCount: number;
  readonly termCount: number;
  /** IVF partitions of the passages' vector index; 0 when there is none (searches are exact). */
  readonly vectorPartitions: number;
}

const PASSAGE_COLUMNS = ['passage', 'doc', 'start', 'end', 'line_start', 'line_end', 'sentence_row', 'sentences', 'sentence_vectors', 'vector', 'terms'] as const;
/** Every column of a passage but its terms (which only the full-text index reads). */
export const PASSAGE_FIELDS: string[] = PASSAGE_COLUMNS.filter((c) => c !== 'terms');
export const DOCUMENT_SUMMARY_FIELDS = ['doc', 'id', 'title', 'source', 'url', 'hash', 'passage_count'];

export function passagesSchema(arrow: ArrowLib, dimension: number): Arrow.Schema {
  const int = (name: string) => new arrow.Field(name, new arrow.Int32(), false);
  return new arrow.Schema([
    int('passage'),
    int('doc'),
    int('start'),
    int('end'),
    int('line_start'),
    int('line_end'),
    int('sentence_row'),
    new arrow.Field('sentences', new arrow.Binary(), false),
    new arrow.Field('sentence_vectors', new arrow.Binary(), false),
    new arrow.Field('vector', vectorType(arrow, dimension), false),
    new arrow.Field('terms', new arrow.Utf8(), false),
  ]);
}

/**
 * The passages table: passage n is row n. `terms[n]` is what BM25 sees of passage n, analysed
 * (space-separated); `vectors` holds one unit vector per passage, `sentenceVectors` the int8 rows.
 */
export function passagesTable(
  arrow: ArrowLib,
  dimension: number,
  passages: readonly StoredPassage[],
  terms: readonly string[],
  vectors: Float32Array,
  sentenceVectors: Int8Array,
): Arrow.Table {
  const schema = passagesSchema(arrow, dimension);
  const numbers = passages.map((_, i) => i);
  const batches = inBatches(numbers, PASSAGE_BATCH).map((chunk) => {
    const first = chunk[0] ?? 0;
    const rows = chunk.map((n) => passages[n]!);
    const sentenceBytes = rows.map((p) => {
      const start = p.sentenceRow * dimension;
      return new Uint8Array(sentenceVectors.buffer, sentenceVectors.byteOffset + start, p.sentences.length * dimension);
    });
    return recordBatch(arrow, schema, [
      int32Column(arrow, chunk),
      int32Column(arrow, rows.map((p) => p.doc)),
      int32Column(arrow, rows.map((p) => p.start)),
      int32Column(arrow, rows.map((p) => p.end)),
      int32Column(arrow, rows.map((p) => p.lineStart)),
      int32Column(arrow, rows.map((p) => p.lineEnd)),
      int32Column(arrow, rows.map((p) => p.sentenceRow)),
      binaryColumn(arrow, rows.map((p) => encodeSpans(p.sentences))),
      binaryColumn(arrow, sentenceBytes),
      vectorColumn(arrow, schema.fields[9]!.type as Arrow.FixedSizeList<Arrow.Float32>, vectors.subarray(first * dimension, (first + chunk.length) * dimension), chunk.length),
      utf8Column(arrow, chunk.map((n) => terms[n]!)),
    ]);
  });
  return new arrow.Table(schema, batches);
}

export function documentsSchema(arrow: ArrowLib): Arrow.Schema {
  const field = (name: string, type: Arrow.DataType, nullable = false) => new arrow.Field(name, type, nullable);
  return new arrow.Schema([
    field('doc', new arrow.Int32()),
    field('id', new arrow.Utf8()),
    field('source', new arrow.Utf8()),
    field('title', new arrow.Utf8()),
    field('url', new arrow.Utf8(), true),
    field('publisher', new arrow.Utf8(), true),
    field('date', new arrow.Utf8(), true),
    field('hash', new arrow.Utf8()),
    field('text', new arrow.Utf8()),
    field('first_line', new arrow.Int32()),
    field('lines_follow_text', new arrow.Bool()),
    field('has_lines', new arrow.Int8(), true),
    field('sections', new arrow.Utf8(), true),
    field('page_starts', new arrow.Utf8(), true),
    field('passage_count', new arrow.Int32()),
  ]);
}

export function documentsTable(arrow: ArrowLib, documents: readonly StoredDocument[]): Arrow.Table {
  const schema = documentsSchema(arrow);
  const numbers = documents.map((_, i) => i);
  const json = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));
  const batches = inBatches(numbers, DOCUMENT_BATCH).map((chunk) => {
    const docs = chunk.map((n) => documents[n]!);
    return recordBatch(arrow, schema, [
      int32Column(arrow, chunk),
      utf8Column(arrow, docs.map((d) => d.id)),
      utf8Column(arrow, docs.map((d) => d.source)),
      utf8Column(arrow, docs.map((d) => d.title)),
      utf8Column(arrow, docs.map((d) => d.url)),
      utf8Column(arrow, docs.map((d) => d.publisher)),
      utf8Column(arrow, docs.map((d) => d.date)),
      utf8Column(arrow, docs.map((d) => d.hash)),
      utf8Column(arrow, docs.map((d) => d.text)),
      int32Column(arrow, docs.map((d) => d.firstLine)),
      boolColumn(arrow, docs.map((d) => d.linesFollowText)),
      optionalFlagColumn(arrow, docs.map((d) => d.hasLines)),
      utf8Column(arrow, docs.map((d) => json(d.sections))),
      utf8Column(arrow, docs.map((d) => json(d.pageStarts))),
      int32Column(arrow, docs.map((d) => d.passageCount)),
    ]);
  });
  return new arrow.Table(schema, batches);
}

export function vocabularyTable(arrow: ArrowLib, vocabulary: ReadonlyMap<string, number>): Arrow.Table {
  const schema = new arrow.Schema([new arrow.Field('term', new arrow.Utf8(), false), new arrow.Field('df', new arrow.Int32(), false)]);
  const entries = [...vocabulary];
  const batches = inBatches(entries, 200_000).map((chunk) =>
    recordBatch(arrow, schema, [utf8Column(arrow, chunk.map(([term]) => term)), int32Column(arrow, chunk.map(([, df]) => df))]),
  );
  return new arrow.Table(schema, batches);
}

export function publishedTable(arrow: ArrowLib, record: PublishedRecord): Arrow.Table {
  const text = (name: string) => new arrow.Field(name, new arrow.Utf8(), false);
  const int64 = (name: string) => new arrow.Field(name, new arrow.Int64(), false);
  const schema = new arrow.Schema([
    text('version'),
    int64('passages_version'),
    int64('documents_version'),
    int64('vocabulary_version'),
    text('manifest'),
    text('created_at'),
    int64('document_count'),
    int64('term_count'),
    int64('vector_partitions'),
  ]);
  const batch = recordBatch(arrow, schema, [
    utf8Column(arrow, [record.version]),
    int64Column(arrow, [record.passagesVersion]),
    int64Column(arrow, [record.documentsVersion]),
    int64Column(arrow, [record.vocabularyVersion]),
    utf8Column(arrow, [record.manifest]),
    utf8Column(arrow, [record.createdAt]),
    int64Column(arrow, [record.documentCount]),
    int64Column(arrow, [record.termCount]),
    int64Column(arrow, [record.vectorPartitions]),
  ]);
  return new arrow.Table(schema, [batch]);
}

export function decodePublished(row: Row): PublishedRecord {
  return {
    version: text(row, 'version'),
    passagesVersion: int(row, 'passages_version'),
    documentsVersion: int(row, 'documents_version'),
    vocabularyVersion: int(row, 'vocabulary_version'),
    manifest: text(row, 'manifest'),
    createdAt: text(row, 'created_at'),
    documentCount: int(row, 'document_count'),
    termCount: int(row, 'term_count'),
    vectorPartitions: int(row, 'vector_partitions'),
  };
}

/** A documents row as a StoredDocument; absent optional fields stay absent (not undefined keys). */
export function decodeDocument(row: Row): StoredDocument {
  const url = optionalText(row, 'url');
  const publisher = optionalText(row, 'publisher');
  const date = optionalText(row, 'date');
  const hasLines = row.has_lines === null || row.has_lines === undefined ? undefined : int(row, 'has_lines') === 1;
  const sections = optionalText(row, 'sections');
  const pageStarts = optionalText(row, 'page_starts');
  return {
    id: text(row, 'id'),
    source: text(row, 'source'),
    title: text(row, 'title'),
    ...(url !== undefined && { url }),
    ...(publisher !== undefined && { publisher }),
    ...(date !== undefined && { date }),
    hash: text(row, 'hash'),
    text: text(row, 'text'),
    firstLine: int(row, 'first_line'),
    linesFollowText: row.lines_follow_text === true,
    ...(typeof hasLines === 'boolean' && { hasLines }),
    ...(sections !== undefined && { sections: JSON.parse(sections) as StoredDocument['sections'] }),
    ...(pageStarts !== undefined && { pageStarts: JSON.parse(pageStarts) as number[] }),
    passageCount: int(row, 'passage_count'),
  };
}

/** A passages row as a StoredPassage, with the sentence row it had in the version written. */
export function decodePassage(row: Row): StoredPassage {
  return {
    doc: int(row, 'doc'),
    start: int(row, 'start'),
    end: int(row, 'end'),
    lineStart: int(row, 'line_start'),
    lineEnd: int(row, 'line_end'),
    sentences: decodeSpans(bytes(row, 'sentences')),
    sentenceRow: int(row, 'sentence_row'),
  };
}

/** Sentence spans as little-endian int32 pairs. */
export function encodeSpans(spans: readonly Span[]): Uint8Array {
  const out = new Uint8Array(spans.length * 8);
  const view = new DataView(out.buffer);
  spans.forEach((s, i) => {
    view.setInt32(i * 8, s.start, true);
    view.setInt32(i * 8 + 4, s.end, true);
  });
  return out;
}

export function decodeSpans(data: Uint8Array): Span[] {
  if (data.length % 8 !== 0) throw new RowError(`sentence spans of ${data.length} bytes`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const spans: Span[] = [];
  for (let i = 0; i < data.length; i += 8) spans.push({ start: view.getInt32(i, true), end: view.getInt32(i + 4, true) });
  return spans;
}

/** A row that is not what this format writes (a damaged or foreign table). */
export class RowError extends Error {}

export function int(row: Row, key: string): number {
  const value = row[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  throw new RowError(`column ${key} holds ${describe(value)}, not a number`);
}

export function text(row: Row, key: string): string {
  const value = row[key];
  if (typeof value !== 'string') throw new RowError(`column ${key} holds ${describe(value)}, not text`);
  return value;
}

export function bytes(row: Row, key: string): Uint8Array {
  const value = row[key];
  if (!(value instanceof Uint8Array)) throw new RowError(`column ${key} holds ${describe(value)}, not bytes`);
  return value;
}

/** A vector cell (an Arrow vector of floats) as a Float32Array. */
export function floats(row: Row, key: string): Float32Array {
  const value = row[key] as { toArray?: () => unknown } | null | undefined;
  const array = value?.toArray?.();
  if (!(array instanceof Float32Array)) throw new RowError(`column ${key} holds ${describe(value)}, not a vector`);
  return array;
}

function optionalText(row: Row, key: string): string | undefined {
  const value = row[key];
  return value === null || value === undefined ? undefined : text(row, key);
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value;
}
