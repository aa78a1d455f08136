import type * as Arrow from 'apache-arrow';
import { FootnoteError, describeError } from '../../errors.js';
import { analyze } from '../analyze.js';
import type { VersionParts, WriteHooks, WriteStep } from '../backend.js';
import { lexicalText } from '../snapshot.js';
import { GENERATION_TABLES, moveLive, newVersionName, pruneGenerations, setTag } from './generations.js';
import { TABLE, documentsTable, passagesTable, publishedTable, vocabularyTable, type PublishedRecord } from './layout.js';
import { loadLance, type Connection, type Lance, type Table } from './lance.js';
import { denseSearch, lexicalSearch } from './search.js';

/**
 * Below this many passages a flat vector scan is exact and fast enough (~20 ms at 10,000 passages
 * of 384 dimensions); from it on, the passages get an IVF_RQ index (see search.ts for why).
 */
export const VECTOR_INDEX_MIN_ROWS = 10_000;

/** IVF partitions for `passages` passages: LanceDB's own default, the square root. */
export function vectorPartitionsFor(passages: number): number {
  return passages >= VECTOR_INDEX_MIN_ROWS ? Math.round(Math.sqrt(passages)) : 0;
}

export interface WriteSettings {
  readonly keepVersions: number;
  readonly warn: (message: string) => void;
}

/**
 * Writes a new version beside the live one and publishes it by moving the `live` tag. Every table
 * write is a new table version that readers never see until the tag moves; a failure before that
 * leaves the live version as it was (the half-written table versions go at the next cleanup).
 */
export async function writeVersion(uri: string, parts: VersionParts, hooks: WriteHooks, settings: WriteSettings): Promise<string> {
  checkParts(parts);
  const lance = await loadLance();
  const db = await lance.lancedb.connect(uri);
  const opened: Table[] = [];
  const keep = (table: Table) => (opened.push(table), table);
  const version = newVersionName();
  try {
    const existing = new Set(await db.tableNames());
    const write = async (name: string, data: Arrow.Table) =>
      keep(await db.createTable(name, data, { mode: existing.has(name) ? 'overwrite' : 'create' }));
    const { arrow, lancedb } = lance;
    const { manifest } = parts;
    const step = hooks.onStep ?? (() => undefined);
    step('tables');
    const { terms, vocabulary } = analysePassages(parts);

    const documents = await write(TABLE.documents, documentsTable(arrow, parts.documents));
    await documents.createIndex('doc', { config: lancedb.Index.btree(), replace: true });
    await documents.createIndex('id', { config: lancedb.Index.btree(), replace: true });

    const passages = await write(TABLE.passages, passagesTable(arrow, manifest.dimension, parts.passages, terms, parts.passageVectors, parts.sentenceVectors));
    await passages.createIndex('passage', { config: lancedb.Index.btree(), replace: true });
    const vectorPartitions = vectorPartitionsFor(manifest.passageCount);
    if (manifest.passageCount > 0) await createPassageIndexes(lance, passages, vectorPartitions, step);

    step('tables');
    const termTable = await write(TABLE.vocabulary, vocabularyTable(arrow, vocabulary));

    const record: PublishedRecord = {
      version,
      passagesVersion: await passages.version(),
      documentsVersion: await documents.version(),
      vocabularyVersion: await termTable.version(),
      manifest: JSON.stringify({ ...manifest, documents: undefined }),
      createdAt: new Date().toISOString(),
      documentCount: parts.documents.length,
      termCount: vocabulary.size,
      vectorPartitions,
    };
    step('verify');
    await verify(uri, db, record, parts, terms);
    await hooks.beforeCommit?.(uri);
    step('publish');

    const published = await write(TABLE.published, publishedTable(arrow, record));
    const publishedVersion = await published.version();
    const tableVersions: Record<(typeof GENERATION_TABLES)[number], number> = {
      published: publishedVersion,
      passages: record.passagesVersion,
      documents: record.documentsVersion,
      vocabulary: record.vocabularyVersion,
    };
    const handles = { published, passages, documents, vocabulary: termTable };
    for (const name of GENERATION_TABLES) await setTag(handles[name], version, tableVersions[name]);
    await moveLive(published, publishedVersion);
  } catch (error) {
    close(db, opened);
    throw error;
  }
  try {
    await pruneGenerations(db, version, settings.keepVersions, hooks.keepFallback, settings.warn);
  } finally {
    close(db, opened);
  }
  return version;
}

function close(db: Connection, tables: Table[]): void {
  for (const table of tables.splice(0)) table.close();
  if (db.isOpen()) db.close();
}

async function createPassageIndexes({ lancedb }: Lance, passages: Table, vectorPartitions: number, step: (step: WriteStep) => void): Promise<void> {
  step('full-text index');
  // The terms are analysed already (analyze()): the index only splits them on spaces.
  const fts = lancedb.Index.fts({ baseTokenizer: 'whitespace', lowercase: false, stem: false, removeStopWords: false, asciiFolding: false, withPosition: false });
  await passages.createIndex('terms', { config: fts, replace: true });
  if (vectorPartitions > 0) {
    step('vector index');
    // RaBitQ codes, one bit per dimension (48 bytes a passage); search.ts re-ranks with the full vectors.
    const ivfRq = lancedb.Index.ivfRq({ distanceType: 'cosine', numPartitions: vectorPartitions, numBits: 1 });
    await passages.createIndex('vector', { config: ivfRq, replace: true });
  }
}

/** What BM25 sees of each passage, analysed, and in how many passages each term occurs. */
export function analysePassages(parts: Pick<VersionParts, 'documents' | 'passages'>): { terms: string[]; vocabulary: Map<string, number> } {
  const vocabulary = new Map<string, number>();
  const terms = parts.passages.map((passage) => {
    const analysed = analyze(lexicalText(parts.documents[passage.doc]!, passage));
    for (const term of new Set(analysed)) vocabulary.set(term, (vocabulary.get(term) ?? 0) + 1);
    return analysed.join(' ');
  });
  return { terms, vocabulary };
}

/** Reads the new table versions back as a reader will: counts, a vector query and a full-text query. */
async function verify(uri: string, db: Connection, record: PublishedRecord, parts: VersionParts, terms: readonly string[]): Promise<void> {
  const { manifest } = parts;
  const problems: string[] = [];
  const opened: Table[] = [];
  try {
    const open = async (name: string, version: number) => {
      const table = await db.openTable(name, undefined, { version });
      opened.push(table);
      return table;
    };
    const passages = await open(TABLE.passages, record.passagesVersion);
    const documents = await open(TABLE.documents, record.documentsVersion);
    const vocabulary = await open(TABLE.vocabulary, record.vocabularyVersion);
    const counts: [string, Table, number][] = [
      ['passages', passages, manifest.passageCount],
      ['documents', documents, Object.keys(manifest.documents).length],
      ['vocabulary terms', vocabulary, record.termCount],
    ];
    for (const [what, table, expected] of counts) {
      const found = await table.countRows();
      if (found !== expected) problems.push(`${found} ${what} written, ${expected} meant`);
    }
    if (manifest.passageCount > 0) {
      const first = parts.passageVectors.subarray(0, manifest.dimension);
      const dense = await denseSearch(passages, first, 10, record.vectorPartitions);
      if (dense.length === 0) problems.push('a vector query found nothing');
      const term = terms.find((t) => t.length > 0)?.split(' ')[0];
      if (term !== undefined && (await lexicalSearch(passages, term, 10)).length === 0) problems.push(`a full-text query for '${term}' found nothing`);
    }
  } catch (error) {
    problems.push(describeError(error));
  } finally {
    for (const table of opened) table.close();
  }
  if (problems.length) {
    throw new FootnoteError('INDEX_WRITE_FAILED', `The new index version was not written completely to ${uri}, so it was not made live (${problems.join('; ')}).`);
  }
}

/** A version that does not add up is refused before anything is written. */
function checkParts(parts: VersionParts): void {
  const { manifest, passages, passageVectors, sentenceVectors, documents } = parts;
  const problems = [
    passages.length !== manifest.passageCount && 'passage count',
    passageVectors.length !== manifest.passageCount * manifest.dimension && 'passage vectors',
    sentenceVectors.length !== manifest.sentenceCount * manifest.dimension && 'sentence vectors',
    documents.length !== Object.keys(manifest.documents).length && 'documents',
    passages.some((p) => !documents[p.doc] || p.sentenceRow < 0 || (p.sentenceRow + p.sentences.length) * manifest.dimension > sentenceVectors.length) && 'passages',
  ].filter(Boolean);
  if (problems.length) throw new Error(`refusing to write an inconsistent index (${problems.join(', ')} do not match the manifest)`);
}
