import type { LexicalHit } from './lexical.js';
import type { IndexManifest } from './manifest.js';
import type { StoredDocument, StoredPassage } from './snapshot.js';
import type { VectorHit } from './vectors.js';

/**
 * What the rest of Footnote needs from an index, whichever engine holds it. Two backends implement
 * it: `embedded` (hnswlib and our BM25 in files under INDEX_DIR, loaded whole: one community's bot)
 * and `lancedb` (one shared dataset that many shard processes and hosts read, and one writer
 * publishes to). Nothing outside src/index/ knows which one is in use.
 */
export type BackendKind = 'embedded' | 'lancedb';

/** A document as /sources lists it: no text, so the whole list stays small. */
export interface DocumentSummary {
  readonly id: string;
  readonly title: string;
  readonly source: string;
  readonly passages: number;
  readonly url?: string;
}

/**
 * The passages a question's quotes are chosen from, with everything quote selection reads: their
 * documents, their sentences' int8 vectors, and the corpus statistics BM25 weighs terms by.
 * `passages` and `documents` are indexed by passage and document number; a view of part of the
 * index leaves the other numbers empty (sparse arrays), so the same code serves both backends.
 */
export interface PassageView {
  readonly version: string;
  readonly dimension: number;
  readonly documents: readonly (StoredDocument | undefined)[];
  readonly passages: readonly (StoredPassage | undefined)[];
  /** Rows named by the view's passages' `sentenceRow`. */
  readonly sentenceVectors: Int8Array;
  /** Inverse document frequency of an analysed term over the whole version (BM25's formula). */
  idf(term: string): number;
  /** Exact cosine between the question and a passage of the view. */
  similarity(vector: Float32Array, passage: number): number;
}

export interface CandidateHits {
  readonly dense: readonly VectorHit[];
  readonly lexical: readonly LexicalHit[];
}

/**
 * One complete, immutable version of the index, as a reader serves it. A question is answered
 * from the version that was served when it arrived; switching versions swaps the reference.
 */
export interface IndexVersion {
  readonly backend: BackendKind;
  readonly version: string;
  readonly manifest: IndexManifest;
  /** Every document, in index order, without text. */
  readonly catalog: readonly DocumentSummary[];
  /** The `limit` nearest passages by vector, and the `limit` best by BM25 over the analysed question. */
  search(vector: Float32Array, question: string, limit: number): Promise<CandidateHits>;
  /** The given passages and their neighbours in their documents (±1), ready for quote selection. */
  view(passages: readonly number[]): Promise<PassageView>;
  /** A whole document (with its text), or undefined. */
  document(id: string): Promise<StoredDocument | undefined>;
  /** One passage and its document, or undefined. */
  passage(n: number): Promise<{ passage: StoredPassage; document: StoredDocument } | undefined>;
  /** Releases what the version holds open (LanceDB handles); the embedded one holds nothing. */
  close?(): void;
}

/** A version as an incremental update reuses it: every passage, its vectors and its documents' hashes. */
export interface ReusableVersion {
  readonly version: string;
  readonly manifest: IndexManifest;
  readonly documents: readonly StoredDocument[];
  readonly passages: readonly StoredPassage[];
  readonly sentenceVectors: Int8Array;
  /** The passage vectors, checked; throws when they cannot be trusted (the build then re-embeds). */
  passageVectors(): Promise<Float32Array>;
}

/** What a new version is written from (before it has a version name). */
export interface VersionParts {
  readonly manifest: IndexManifest;
  readonly documents: readonly StoredDocument[];
  readonly passages: readonly StoredPassage[];
  /** One unit vector per passage, `dimension` floats each. */
  readonly passageVectors: Float32Array;
  /** One int8 row per sentence (unit vector × 127). */
  readonly sentenceVectors: Int8Array;
}

export interface WriteHooks {
  /** The version to keep as the fallback (one known to load); by default the newest other version. */
  keepFallback?: string;
  /** Called after the data is written and before the version becomes live (tests inject failures here). */
  beforeCommit?: (location: string) => void | Promise<void>;
  /** Told when the write starts each of its steps (the LanceDB store; `npm run bench:scale` times them). */
  onStep?: (step: WriteStep) => void;
}

/** The steps of a LanceDB write, in order; `tables` may come again (a small table after the indexes). */
export type WriteStep = 'tables' | 'full-text index' | 'vector index' | 'verify' | 'publish';

export interface OpenedVersion {
  readonly index: IndexVersion;
  /** Problems met on the way (a damaged live version that was passed over). */
  readonly warnings: string[];
}

/**
 * Where versions are kept, and the one way they are published: a new version is written beside the
 * live one and becomes live only once it is complete and verified. A failure at any point leaves
 * the live version as it was.
 */
export interface IndexStore {
  readonly backend: BackendKind;
  /** For messages: the folder or dataset URI. */
  readonly location: string;
  /**
   * The live version, ready to answer. Throws INDEX_MISSING when there is none, INDEX_OUTDATED when
   * another index format wrote it, INDEX_CORRUPT when nothing loads.
   */
  open(): Promise<OpenedVersion>;
  /** The live version's name ('' when none): cheap enough to poll every few seconds. */
  liveVersion(): Promise<string>;
  /** The live version in full, for an incremental update; undefined when there is none. */
  reusable(): Promise<ReusableVersion | undefined>;
  /** Writes and publishes a new version; resolves to its name. */
  write(parts: VersionParts, hooks?: WriteHooks): Promise<string>;
  /**
   * Takes the one writer's lease, or throws INDEX_BUSY naming who holds it. Resolves to its release.
   * The embedded store's lease is a lock file (processes of one host); LanceDB's lives in the
   * dataset, so it holds across hosts.
   */
  lease(): Promise<() => Promise<void>>;
}

/**
 * Passage number → its document, from the catalog alone: both backends number passages document by
 * document, in catalog order, so a document's passages are the run after the previous ones'.
 */
export function documentOfPassage(catalog: readonly DocumentSummary[]): (passage: number) => DocumentSummary | undefined {
  const numberOf = documentNumberOfPassage(catalog);
  return (passage) => {
    const n = numberOf(passage);
    return n === undefined ? undefined : catalog[n];
  };
}

/** As documentOfPassage, the document's number (its place in the catalog). */
export function documentNumberOfPassage(catalog: readonly DocumentSummary[]): (passage: number) => number | undefined {
  const ends = new Float64Array(catalog.length);
  catalog.reduce((n, d, i) => (ends[i] = n + d.passages), 0);
  return (passage) => {
    let low = 0;
    let high = ends.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (ends[mid]! > passage) high = mid;
      else low = mid + 1;
    }
    return passage >= 0 && low < catalog.length ? low : undefined;
  };
}
