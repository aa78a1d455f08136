import { FootnoteError, describeError } from '../../errors.js';
import type { DocumentSummary, OpenedVersion, ReusableVersion } from '../backend.js';
import { FORMAT_VERSION, isManifest, type IndexManifest } from '../manifest.js';
import type { StoredDocument, StoredPassage } from '../snapshot.js';
import { DOCUMENT_SUMMARY_FIELDS, PASSAGE_FIELDS, RowError, TABLE, bytes, decodeDocument, decodePassage, int, text, type PublishedRecord } from './layout.js';
import { connect, type Connection, type Table } from './lance.js';
import { DamagedRecord, OutdatedRecord, listGenerations, readLive } from './live.js';
import { LanceVersion, type VersionTables } from './version.js';

type Row = Record<string, unknown>;

export function missingIndex(uri: string): FootnoteError {
  return new FootnoteError('INDEX_MISSING', `There is no index in ${uri} yet. Run \`npm run index\` to build it.`);
}

function outdated(uri: string, formatVersion: number): FootnoteError {
  return new FootnoteError(
    'INDEX_OUTDATED',
    `The index in ${uri} was built by another version of Footnote and has to be rebuilt (index format version changed (${formatVersion} → ${FORMAT_VERSION})). Run \`npm run index -- --full\`.`,
  );
}

function damaged(uri: string, version: string, problem: string, cause?: unknown): FootnoteError {
  const which = version ? `version ${version}: ` : '';
  return new FootnoteError('INDEX_CORRUPT', `The index in ${uri} is damaged (${which}${problem}). Run \`npm run index -- --full\` to rebuild it.`, cause === undefined ? undefined : { cause });
}

/** The live version's record and tables, checked out at the versions it recorded and counted. */
interface OpenedTables extends VersionTables {
  readonly record: PublishedRecord;
  /** The manifest as published, without its `documents` map. */
  readonly manifest: Omit<IndexManifest, 'documents'>;
}

async function openLiveTables(uri: string, db: Connection, generation?: string): Promise<OpenedTables> {
  let live;
  try {
    live = await readLive(db, generation);
  } catch (error) {
    if (error instanceof OutdatedRecord) throw outdated(uri, error.formatVersion);
    if (error instanceof DamagedRecord) throw damaged(uri, '', error.message, error);
    throw error;
  }
  if (!live) throw missingIndex(uri);
  const { record } = live;
  const manifest = parseManifest(uri, record);
  const opened: Table[] = [];
  const open = async (name: string, version: number) => {
    try {
      const table = await db.openTable(name, undefined, { version });
      opened.push(table);
      return table;
    } catch (error) {
      throw damaged(uri, record.version, `the ${name} table has no version ${version} (${describeError(error)})`, error);
    }
  };
  try {
    const passages = await open(TABLE.passages, record.passagesVersion);
    const documents = await open(TABLE.documents, record.documentsVersion);
    const vocabulary = await open(TABLE.vocabulary, record.vocabularyVersion);
    const counts: [string, Table, number][] = [
      ['passages', passages, manifest.passageCount],
      ['documents', documents, record.documentCount],
      ['vocabulary terms', vocabulary, record.termCount],
    ];
    for (const [what, table, expected] of counts) {
      const found = await table.countRows();
      if (found !== expected) throw damaged(uri, record.version, `${found} ${what} where ${expected} were published`);
    }
    return { db, record, manifest, passages, documents, vocabulary };
  } catch (error) {
    for (const table of opened) table.close();
    throw error;
  }
}

function parseManifest(uri: string, record: PublishedRecord): Omit<IndexManifest, 'documents'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.manifest);
  } catch (error) {
    throw damaged(uri, record.version, 'its manifest is not JSON', error);
  }
  const formatVersion = (parsed as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof formatVersion === 'number' && formatVersion !== FORMAT_VERSION) throw outdated(uri, formatVersion);
  if (!isManifest({ ...(parsed as object), documents: {} })) throw damaged(uri, record.version, 'its manifest is not a Footnote manifest');
  return parsed as Omit<IndexManifest, 'documents'>;
}

/**
 * The live version, ready to answer. When it does not open (damaged files, a table version
 * missing), the newest other kept version that does is served instead, with warnings saying why,
 * as the embedded store does; INDEX_CORRUPT when none opens.
 */
export async function openLiveVersion(uri: string): Promise<OpenedVersion> {
  let damage: FootnoteError;
  try {
    return await openVersion(uri);
  } catch (error) {
    if (!(error instanceof FootnoteError) || error.code !== 'INDEX_CORRUPT') throw error;
    damage = error;
  }
  const warnings = [damage.message];
  for (const generation of await keptGenerations(uri)) {
    try {
      const { index } = await openVersion(uri, generation);
      warnings.push(`serving index version ${generation} instead`);
      return { index, warnings };
    } catch (error) {
      warnings.push(`index version ${generation} could not be loaded either: ${describeError(error)}`);
    }
  }
  throw new FootnoteError('INDEX_CORRUPT', `${damage.message.replace(/ Run `npm run index -- --full` to rebuild it\.$/, '')}; no kept version opens either (${warnings.slice(1).join('; ') || 'none kept'}). Run \`npm run index -- --full\` to rebuild it.`);
}

/** The kept versions other than the live one, newest first ([] when they cannot be listed). */
async function keptGenerations(uri: string): Promise<string[]> {
  const db = await connect(uri);
  try {
    return (await listGenerations(db)).sort().reverse();
  } catch {
    return [];
  } finally {
    db.close();
  }
}

/** The live version (or the kept `generation`), opened and probed. */
async function openVersion(uri: string, generation?: string): Promise<OpenedVersion> {
  const db = await connect(uri);
  try {
    const tables = await openLiveTables(uri, db, generation);
    try {
      const { record } = tables;
      const summaries = (await tables.documents.query().select(DOCUMENT_SUMMARY_FIELDS).toArray()) as Row[];
      const { catalog, hashes } = readCatalog(uri, record, summaries);
      const vocabulary = new Map<string, number>();
      for (const row of (await tables.vocabulary.query().select(['term', 'df']).toArray()) as Row[]) vocabulary.set(text(row, 'term'), int(row, 'df'));
      if (vocabulary.size !== record.termCount) throw damaged(uri, record.version, `${vocabulary.size} distinct vocabulary terms where ${record.termCount} were published`);
      const manifest: IndexManifest = { ...tables.manifest, documents: hashes };
      const index = new LanceVersion(record.version, manifest, catalog, vocabulary, tables, record.vectorPartitions);
      await probe(uri, index, vocabulary);
      return { index, warnings: [] };
    } catch (error) {
      for (const table of [tables.passages, tables.documents, tables.vocabulary]) table.close();
      throw asDamage(uri, tables.record, error);
    }
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Reads what answering reads, once, before the version is served: row counts alone come from
 * table metadata, and a data file that went missing would otherwise fail every question instead.
 */
async function probe(uri: string, index: LanceVersion, vocabulary: ReadonlyMap<string, number>): Promise<void> {
  const { passageCount, dimension } = index.manifest;
  if (passageCount === 0) return;
  try {
    const unit = new Float32Array(dimension).fill(1 / Math.sqrt(dimension));
    const term = vocabulary.keys().next().value ?? '';
    const [hits, view] = await Promise.all([index.search(unit, term, 1), index.view([0, passageCount - 1])]);
    if (hits.dense.length === 0) throw new Error('a vector query found nothing');
    if (!view.passages[0] || !view.passages[passageCount - 1]) throw new Error('the first or last passage cannot be read');
  } catch (error) {
    throw damaged(uri, index.version, `it cannot be read (${describeError(error)})`, error);
  }
}

/** A row this format does not write (or a document's JSON that does not parse) means damage; anything else passes. */
function asDamage(uri: string, record: PublishedRecord, error: unknown): unknown {
  if (error instanceof RowError || error instanceof SyntaxError) return damaged(uri, record.version, error.message, error);
  return error;
}

/** Documents in index order, without text, and the id → hash map of the manifest. */
function readCatalog(uri: string, record: PublishedRecord, rows: Row[]): { catalog: DocumentSummary[]; hashes: Record<string, string> } {
  const ordered = placeByNumber(uri, record, rows, 'doc', 'documents');
  const hashes: Record<string, string> = {};
  const catalog = ordered.map((row) => {
    const url = row.url;
    hashes[text(row, 'id')] = text(row, 'hash');
    return {
      id: text(row, 'id'),
      title: text(row, 'title'),
      source: text(row, 'source'),
      passages: int(row, 'passage_count'),
      ...(typeof url === 'string' && { url }),
    };
  });
  if (Object.keys(hashes).length !== ordered.length) throw damaged(uri, record.version, 'two documents have the same id');
  return { catalog, hashes };
}

/** Rows ordered by their number column, which must run 0..n-1 without gaps or repeats. */
function placeByNumber(uri: string, record: PublishedRecord, rows: Row[], column: string, what: string): Row[] {
  const placed: Row[] = new Array<Row>(rows.length);
  for (const row of rows) {
    const n = int(row, column);
    if (!Number.isInteger(n) || n < 0 || n >= rows.length || placed[n]) throw damaged(uri, record.version, `the ${what} are not numbered 0..${rows.length - 1}`);
    placed[n] = row;
  }
  return placed;
}

/** The live version in full, for an incremental update; undefined when there is none. */
export async function loadReusable(uri: string): Promise<ReusableVersion | undefined> {
  const db = await connect(uri);
  let tables: OpenedTables;
  try {
    tables = await openLiveTables(uri, db);
  } catch (error) {
    db.close();
    if (error instanceof FootnoteError && error.code === 'INDEX_MISSING') return undefined;
    throw error;
  }
  try {
    const { record } = tables;
    const dimension = tables.manifest.dimension;
    const documentRows = placeByNumber(uri, record, (await tables.documents.query().toArray()) as Row[], 'doc', 'documents');
    const documents: StoredDocument[] = documentRows.map(decodeDocument);
    const passageRows = placeByNumber(uri, record, (await tables.passages.query().select(PASSAGE_FIELDS.filter((f) => f !== 'vector')).toArray()) as Row[], 'passage', 'passages');
    const sentenceVectors = new Int8Array(tables.manifest.sentenceCount * dimension);
    const passages: StoredPassage[] = passageRows.map((row, n) => {
      const passage = decodePassage(row);
      const data = bytes(row, 'sentence_vectors');
      const at = passage.sentenceRow * dimension;
      if (data.length !== passage.sentences.length * dimension || at < 0 || at + data.length > sentenceVectors.length) {
        throw damaged(uri, record.version, `passage ${n} has sentence vectors that do not fit the version's ${tables.manifest.sentenceCount} sentences`);
      }
      sentenceVectors.set(new Int8Array(data.buffer, data.byteOffset, data.byteLength), at);
      return passage;
    });
    const manifest: IndexManifest = { ...tables.manifest, documents: Object.fromEntries(documents.map((d) => [d.id, d.hash])) };
    return {
      version: record.version,
      manifest,
      documents,
      passages,
      sentenceVectors,
      passageVectors: () => readPassageVectors(uri, record, manifest),
    };
  } catch (error) {
    throw asDamage(uri, tables.record, error);
  } finally {
    for (const table of [tables.passages, tables.documents, tables.vocabulary]) table.close();
    db.close();
  }
}

/**
 * Every passage vector of a published version, in passage order, read when the update asks (the
 * version stays tagged, so kept, while the writer that reads it holds the lease).
 */
async function readPassageVectors(uri: string, record: PublishedRecord, manifest: IndexManifest): Promise<Float32Array> {
  const { dimension, passageCount } = manifest;
  const db = await connect(uri);
  try {
    const table = await db.openTable(TABLE.passages, undefined, { version: record.passagesVersion });
    try {
      const vectors = new Float32Array(passageCount * dimension);
      const seen = new Uint8Array(passageCount);
      const arrowTable = await table.query().select(['passage', 'vector']).toArrow();
      for (const batch of arrowTable.batches) {
        const numbers = batch.getChild('passage');
        const column = batch.getChild('vector');
        if (!numbers || !column) throw new Error('the passages table has no passage or vector column');
        for (let i = 0; i < batch.numRows; i++) {
          const n = Number(numbers.get(i));
          const vector = (column.get(i) as { toArray(): unknown } | null)?.toArray();
          if (!Number.isInteger(n) || n < 0 || n >= passageCount || seen[n]) throw new Error(`passage number ${n} is out of place`);
          if (!(vector instanceof Float32Array) || vector.length !== dimension) throw new Error(`passage ${n} has no vector of ${dimension} values`);
          for (let d = 0; d < dimension; d++) if (!Number.isFinite(vector[d]!)) throw new Error(`passage ${n} has a vector that is not finite`);
          vectors.set(vector, n * dimension);
          seen[n] = 1;
        }
      }
      const missing = seen.indexOf(0);
      if (missing !== -1) throw new Error(`passage ${missing} has no vector`);
      return vectors;
    } finally {
      table.close();
    }
  } catch (error) {
    throw new Error(`the passage vectors of ${record.version} in ${uri} cannot be reused: ${describeError(error)}`, { cause: error });
  } finally {
    db.close();
  }
}
