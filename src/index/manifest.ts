import { HNSW_PARAMS } from './vectors.js';

/**
 * Bump when the files of a snapshot change shape: older snapshots are then rebuilt, not misread.
 * 3: the manifest records the size and SHA-256 of every data file (`files`).
 */
export const FORMAT_VERSION = 3;

/** Everything that decides what the vectors and passages of an index mean. */
export interface IndexSettings {
  readonly formatVersion: number;
  readonly modelId: string;
  readonly dimension: number;
  readonly pooling: string;
  readonly queryPrefix: string;
  readonly passageMaxTokens: number;
  readonly passageOverlapSentences: number;
  readonly hnsw: typeof HNSW_PARAMS;
}

export interface IndexManifest extends IndexSettings {
  readonly createdAt: string;
  readonly passageCount: number;
  readonly sentenceCount: number;
  /** Document id → content hash, for incremental updates. */
  readonly documents: Readonly<Record<string, string>>;
  /**
   * File name → what was on disk when the version was written, checked before the file is read.
   * Added by writeSnapshot (so absent from a manifest being built) and by every Footnote since format 3.
   */
  readonly files?: Readonly<Record<string, FileDigest>>;
}

/** A data file of a version as written: its size and the SHA-256 of its bytes (hex). */
export interface FileDigest {
  readonly bytes: number;
  readonly sha256: string;
}

/** Why an index built with `stored` settings cannot serve `wanted` ones; empty when it can. */
export function settingsMismatch(stored: IndexSettings, wanted: IndexSettings): string[] {
  const reasons: string[] = [];
  const check = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) reasons.push(`${what} changed (${JSON.stringify(a)} → ${JSON.stringify(b)})`);
  };
  check('index format version', stored.formatVersion, wanted.formatVersion);
  check('embedding model', stored.modelId, wanted.modelId);
  check('vector dimension', stored.dimension, wanted.dimension);
  check('pooling', stored.pooling, wanted.pooling);
  check('query prefix', stored.queryPrefix, wanted.queryPrefix);
  check('PASSAGE_MAX_TOKENS', stored.passageMaxTokens, wanted.passageMaxTokens);
  check('PASSAGE_OVERLAP_SENTENCES', stored.passageOverlapSentences, wanted.passageOverlapSentences);
  check('HNSW parameters', stored.hnsw, wanted.hnsw);
  return reasons;
}

/** Checks that parsed JSON has the manifest's shape, so a damaged file is caught on load. */
export function isManifest(value: unknown): value is IndexManifest {
  if (!value || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  const hnsw = m.hnsw as Partial<IndexSettings['hnsw']> | undefined;
  return (
    typeof m.formatVersion === 'number' &&
    typeof m.modelId === 'string' &&
    typeof m.dimension === 'number' &&
    typeof m.passageCount === 'number' &&
    typeof m.sentenceCount === 'number' &&
    !!m.documents &&
    typeof m.documents === 'object' &&
    typeof hnsw?.m === 'number' &&
    typeof hnsw.efConstruction === 'number' &&
    (m.files === undefined || isFileDigests(m.files))
  );
}

function isFileDigests(value: unknown): value is Record<string, FileDigest> {
  if (!value || typeof value !== 'object') return false;
  return Object.values(value).every((d: unknown) => {
    const digest = d as Partial<FileDigest> | null;
    return !!digest && Number.isSafeInteger(digest.bytes) && typeof digest.sha256 === 'string' && /^[0-9a-f]{64}$/.test(digest.sha256);
  });
}

/**
 * Why a file on disk is not the one the manifest recorded, or undefined when it is. Without
 * `found.sha256` only the size is compared (a cheap check before a file is read whole).
 */
export function digestMismatch(recorded: FileDigest | undefined, found: { bytes: number; sha256?: string }): string | undefined {
  if (!recorded) return 'no checksum recorded in the manifest';
  if (found.bytes !== recorded.bytes) return `${found.bytes} bytes, the manifest records ${recorded.bytes} (file ${found.bytes < recorded.bytes ? 'truncated' : 'damaged'})`;
  if (found.sha256 !== undefined && found.sha256 !== recorded.sha256) return 'checksum mismatch (file damaged)';
  return undefined;
}
