import { documentNumberOfPassage, type CandidateHits, type DocumentSummary, type IndexVersion, type PassageView } from '../backend.js';
import type { IndexManifest } from '../manifest.js';
import type { StoredDocument, StoredPassage } from '../snapshot.js';
import { PASSAGE_FIELDS, bytes, decodeDocument, decodePassage, floats, int } from './layout.js';
import type { Connection, Table } from './lance.js';
import { searchBoth } from './search.js';
import { sqlIn, sqlInteger, sqlString } from './sql.js';

type Row = Record<string, unknown>;

/** BM25's idf (Lucene's), exactly as the embedded index computes it. */
export function idfFunction(vocabulary: ReadonlyMap<string, number>, total: number): (term: string) => number {
  const unknown = Math.log(1 + (total + 0.5) / 0.5);
  return (term) => {
    const df = vocabulary.get(term);
    return df === undefined ? unknown : Math.log(1 + (total - df + 0.5) / (df + 0.5));
  };
}

export interface VersionTables {
  readonly db: Connection;
  readonly passages: Table;
  readonly documents: Table;
  readonly vocabulary: Table;
}

/**
 * One published version, served from its tables checked out at the versions it recorded: writes
 * that come later make new table versions, which this one never sees.
 */
export class LanceVersion implements IndexVersion {
  readonly backend = 'lancedb' as const;
  private readonly idf: (term: string) => number;
  private readonly documentNumberOf: (passage: number) => number | undefined;
  private closed = false;

  constructor(
    readonly version: string,
    readonly manifest: IndexManifest,
    readonly catalog: readonly DocumentSummary[],
    vocabulary: ReadonlyMap<string, number>,
    private readonly tables: VersionTables,
    private readonly vectorPartitions: number,
  ) {
    this.idf = idfFunction(vocabulary, manifest.passageCount);
    this.documentNumberOf = documentNumberOfPassage(catalog);
  }

  async search(vector: Float32Array, question: string, limit: number): Promise<CandidateHits> {
    if (vector.length !== this.manifest.dimension) throw new Error(`a question vector of ${vector.length} values, the index has ${this.manifest.dimension}`);
    if (this.manifest.passageCount === 0) return { dense: [], lexical: [] };
    return searchBoth(this.tables.passages, vector, question, limit, this.vectorPartitions);
  }

  async view(wanted: readonly number[]): Promise<PassageView> {
    const { dimension, passageCount } = this.manifest;
    const asked = [...new Set(wanted)].filter((n) => Number.isSafeInteger(n) && n >= 0 && n < passageCount);
    const around = new Set(asked.flatMap((n) => [n - 1, n, n + 1].filter((m) => m >= 0 && m < passageCount)));
    // The documents are read at the same time as the passages, found from the catalog; a passage
    // whose row names another document (never, in a sound version) has it read after.
    const guessed = new Set([...around].map(this.documentNumberOf).filter((d): d is number => d !== undefined));
    const [rows, documentRows] = await Promise.all([
      around.size ? this.passageRows(sqlIn('passage', around)) : [],
      guessed.size ? this.documentRows(sqlIn('doc', guessed)) : [],
    ]);
    const byNumber = new Map(rows.map((row) => [int(row, 'passage'), row]));
    // The asked passages, and each neighbour that is in the same document as an asked passage.
    const kept = new Set<number>();
    for (const n of asked) {
      const row = byNumber.get(n);
      if (!row) continue;
      kept.add(n);
      for (const m of [n - 1, n + 1]) {
        const neighbour = byNumber.get(m);
        if (neighbour && int(neighbour, 'doc') === int(row, 'doc')) kept.add(m);
      }
    }
    const numbers = [...kept].sort((a, b) => a - b);
    const passages: (StoredPassage | undefined)[] = [];
    const vectors = new Map<number, Float32Array>();
    const chunks: Uint8Array[] = [];
    let sentenceRow = 0;
    for (const n of numbers) {
      const row = byNumber.get(n)!;
      const passage = decodePassage(row);
      const sentenceBytes = bytes(row, 'sentence_vectors');
      if (sentenceBytes.length !== passage.sentences.length * dimension) throw new Error(`passage ${n}: ${sentenceBytes.length} bytes of sentence vectors for ${passage.sentences.length} sentences`);
      passages[n] = { ...passage, sentenceRow };
      sentenceRow += passage.sentences.length;
      chunks.push(sentenceBytes);
      vectors.set(n, floats(row, 'vector'));
    }
    const sentenceVectors = new Int8Array(sentenceRow * dimension);
    let offset = 0;
    for (const chunk of chunks) {
      sentenceVectors.set(new Int8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), offset);
      offset += chunk.byteLength;
    }
    const docNumbers = new Set(numbers.map((n) => passages[n]!.doc));
    const documents: (StoredDocument | undefined)[] = [];
    for (const row of documentRows) if (docNumbers.has(int(row, 'doc'))) documents[int(row, 'doc')] = decodeDocument(row);
    const unread = [...docNumbers].filter((d) => !documents[d]);
    if (unread.length) for (const row of await this.documentRows(sqlIn('doc', unread))) documents[int(row, 'doc')] = decodeDocument(row);
    return {
      version: this.version,
      dimension,
      documents,
      passages,
      sentenceVectors,
      idf: this.idf,
      similarity(question, passage) {
        const v = vectors.get(passage);
        if (!v) throw new Error(`passage ${passage} is not in this view`);
        let sum = 0;
        for (let d = 0; d < v.length; d++) sum += v[d]! * question[d]!;
        return sum;
      },
    };
  }

  async document(id: string): Promise<StoredDocument | undefined> {
    const [row] = await this.documentRows(`id = ${sqlString(id)}`);
    return row ? decodeDocument(row) : undefined;
  }

  async passage(n: number): Promise<{ passage: StoredPassage; document: StoredDocument } | undefined> {
    if (!Number.isSafeInteger(n) || n < 0 || n >= this.manifest.passageCount) return undefined;
    const [row] = await this.passageRows(`passage = ${sqlInteger(n)}`);
    if (!row) return undefined;
    const passage = decodePassage(row);
    const [doc] = await this.documentRows(`doc = ${sqlInteger(passage.doc)}`);
    return doc ? { passage, document: decodeDocument(doc) } : undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const table of [this.tables.passages, this.tables.documents, this.tables.vocabulary]) table.close();
    this.tables.db.close();
  }

  private async passageRows(filter: string): Promise<Row[]> {
    return (await this.tables.passages.query().where(filter).select(PASSAGE_FIELDS).toArray()) as Row[];
  }

  private async documentRows(filter: string): Promise<Row[]> {
    return (await this.tables.documents.query().where(filter).toArray()) as Row[];
  }
}
