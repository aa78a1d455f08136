import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { FootnoteError, describeError } from '../errors.js';
import type { WriteHooks } from './backend.js';
import { loadLexicalIndex } from './lexical.js';
import { FORMAT_VERSION, digestMismatch, isManifest, type FileDigest, type IndexManifest } from './manifest.js';
import { unpackPassage, packPassage, type IndexSnapshot, type StoredDocument } from './snapshot.js';
import { checkHnswFile, loadVectorIndex, type HnswExpectation } from './vectors.js';
import { isProcessAlive } from '../processes.js';

/**
 * On-disk layout of INDEX_DIR:
 *   CURRENT            name of the live version ("v-…"), replaced by rename: never half-written
 *   v-<stamp>/         one complete snapshot; manifest.json is written last
 *   tmp-<stamp>/       a snapshot being written; ignored and cleaned up
 *   index.lock         held by the one process that is reindexing
 * A crash at any point leaves CURRENT naming a complete version. If CURRENT is lost or its
 * version is damaged, the newest other complete version is served instead.
 * The manifest records the size and SHA-256 of every other file, read back from disk before the
 * manifest is written, and every file is checked against it before it is parsed or handed to
 * hnswlib (which trusts its file, and can crash the process on a damaged one).
 */
const FILES = {
  manifest: 'manifest.json',
  documents: 'documents.json',
  passages: 'passages.json',
  passageVectors: 'passage-vectors.f32',
  sentenceVectors: 'sentence-vectors.i8',
  hnsw: 'vectors.hnsw',
  lexical: 'lexical.json',
} as const;
/** Every file of a version but the manifest, which records their digests. */
const DATA_FILES = [FILES.documents, FILES.passages, FILES.passageVectors, FILES.sentenceVectors, FILES.lexical, FILES.hnsw] as const;
const KEEP_VERSIONS = 2;

/** What a new version is written from: a snapshot (before it has a version name) and its passage vectors. */
export interface SnapshotParts extends Omit<IndexSnapshot, 'version'> {
  /** Kept on disk only, for reuse by the next incremental update. */
  readonly passageVectors: Float32Array;
}


/**
 * Writes a new version beside the live one and makes it current in one atomic rename. Every file
 * is read back before the manifest is written; one that is not what was meant to be written (a
 * full disk: hnswlib's writeIndex truncates silently) fails the write with INDEX_WRITE_FAILED,
 * and the previous version stays current.
 */
export async function writeSnapshot(indexDir: string, parts: SnapshotParts, hooks: WriteHooks = {}): Promise<string> {
  checkParts(parts);
  await fs.mkdir(indexDir, { recursive: true });
  const stamp = `${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
  const tmpDir = path.join(indexDir, `tmp-${stamp}`);
  const version = `v-${stamp}`;
  await fs.mkdir(tmpDir);
  try {
    const intended = new Map<string, FileDigest>();
    const write = async (name: string, data: string | Uint8Array) => {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      await writeDurably(path.join(tmpDir, name), bytes);
      intended.set(name, digestBytes(bytes));
    };
    await write(FILES.documents, JSON.stringify(parts.documents));
    await write(FILES.passages, JSON.stringify(parts.passages.map(packPassage)));
    await write(FILES.passageVectors, new Uint8Array(parts.passageVectors.buffer, parts.passageVectors.byteOffset, parts.passageVectors.byteLength));
    await write(FILES.sentenceVectors, new Uint8Array(parts.sentenceVectors.buffer, parts.sentenceVectors.byteOffset, parts.sentenceVectors.byteLength));
    await write(FILES.lexical, JSON.stringify(parts.lexical.toJSON()));
    await parts.vectors.write(path.join(tmpDir, FILES.hnsw));
    await fsyncPath(path.join(tmpDir, FILES.hnsw));
    await hooks.beforeCommit?.(tmpDir);
    const files = await readBack(tmpDir, intended, parts.manifest);
    await writeDurably(path.join(tmpDir, FILES.manifest), JSON.stringify({ ...parts.manifest, files }, null, 1));
    await fsyncPath(tmpDir);
    await fs.rename(tmpDir, path.join(indexDir, version));
    await writeDurably(path.join(indexDir, 'CURRENT.tmp'), version + '\n');
    await fs.rename(path.join(indexDir, 'CURRENT.tmp'), path.join(indexDir, 'CURRENT'));
    await fsyncPath(indexDir);
  } catch (error) {
    await fs.rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  await prune(indexDir, version, hooks.keepFallback);
  return version;
}

/**
 * The digests to record: each file as it now is on disk, which must be what was written (our
 * own files) or a complete hnswlib graph of the manifest's vectors (vectors.hnsw).
 */
async function readBack(dir: string, intended: ReadonlyMap<string, FileDigest>, manifest: IndexManifest): Promise<Record<string, FileDigest>> {
  const files: Record<string, FileDigest> = {};
  const problems: string[] = [];
  for (const name of DATA_FILES) {
    const found = await digestFile(path.join(dir, name));
    const problem = name === FILES.hnsw ? (await checkHnswFile(path.join(dir, name), hnswExpectation(manifest))).join('; ') : digestMismatch(intended.get(name), found);
    if (problem) problems.push(`${name}: ${problem}`);
    files[name] = found;
  }
  if (problems.length) {
    throw new FootnoteError('INDEX_WRITE_FAILED', `The new index version was not written completely, so it was not made current (${problems.join('; ')}). Is the disk full?`);
  }
  return files;
}

export interface LoadedSnapshot {
  readonly snapshot: IndexSnapshot;
  /** Problems met on the way (a damaged current version that was passed over). */
  readonly warnings: string[];
}

/**
 * Loads the current version, or the newest complete one if the current is missing or damaged.
 * Throws INDEX_MISSING when there is none at all, INDEX_OUTDATED when every version was written
 * by another index format, and INDEX_CORRUPT when none loads.
 */
/** The version CURRENT names ('' when there is none): one small read, cheap enough to poll. */
export async function readCurrentVersion(indexDir: string): Promise<string> {
  return (await fs.readFile(path.join(indexDir, 'CURRENT'), 'utf8').catch(() => '')).trim();
}

export async function loadSnapshot(indexDir: string): Promise<LoadedSnapshot> {
  const current = await readCurrentVersion(indexDir);
  const versions = await listVersions(indexDir);
  const order = [...(versions.includes(current) ? [current] : []), ...versions.filter((v) => v !== current).reverse()];
  if (order.length === 0) throw new FootnoteError('INDEX_MISSING', `There is no index in ${indexDir} yet. Run \`npm run index\` to build it.`);
  const warnings: string[] = [];
  if (current && !versions.includes(current)) warnings.push(`CURRENT names ${current}, which is not a complete version`);
  const outdated: string[] = [];
  for (const version of order) {
    try {
      const snapshot = await loadVersion(indexDir, version);
      if (version !== order[0]) warnings.push(`serving index version ${version} instead`);
      return { snapshot, warnings };
    } catch (error) {
      if (error instanceof OutdatedVersion) outdated.push(`${version}: ${error.message}`);
      warnings.push(`index version ${version} could not be loaded: ${describeError(error)}`);
    }
  }
  if (outdated.length === order.length) {
    throw new FootnoteError('INDEX_OUTDATED', `The index in ${indexDir} was built by another version of Footnote and has to be rebuilt (${outdated.join('; ')}).`);
  }
  throw new FootnoteError('INDEX_CORRUPT', `The index in ${indexDir} is damaged (${warnings.join('; ')}). Run \`npm run index -- --full\` to rebuild it.`);
}

/** A version this program cannot read because another index format wrote it: rebuilt, not damaged. */
class OutdatedVersion extends Error {}

/** Loads one version, checking every file against the manifest before it is parsed or given to hnswlib. */
async function loadVersion(indexDir: string, version: string): Promise<IndexSnapshot> {
  const dir = path.join(indexDir, version);
  const manifest = await readManifest(dir);
  const read = (name: string) => readVerified(dir, name, manifest);
  const documents = JSON.parse((await read(FILES.documents)).toString('utf8')) as StoredDocument[];
  const passages = (JSON.parse((await read(FILES.passages)).toString('utf8')) as number[][]).map(unpackPassage);
  const sentenceBytes = await read(FILES.sentenceVectors);
  const sentenceVectors = new Int8Array(sentenceBytes.buffer, sentenceBytes.byteOffset, sentenceBytes.byteLength);
  const lexical = loadLexicalIndex((await read(FILES.lexical)).toString('utf8'));
  await verifyVectorFile(dir, manifest);
  const vectors = loadVectorIndex(path.join(dir, FILES.hnsw), manifest.dimension);
  if (passages.length !== manifest.passageCount || vectors.size !== manifest.passageCount) {
    throw new Error(`expected ${manifest.passageCount} passages, found ${passages.length} passages and ${vectors.size} vectors`);
  }
  if (sentenceVectors.length !== manifest.sentenceCount * manifest.dimension) throw new Error('sentence vectors are incomplete');
  if (documents.length !== Object.keys(manifest.documents).length) throw new Error('documents do not match the manifest');
  return { version, manifest, documents, passages, sentenceVectors, vectors, lexical };
}

async function readManifest(dir: string): Promise<IndexManifest> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await fs.readFile(path.join(dir, FILES.manifest), 'utf8'));
  } catch (error) {
    throw new Error(`${FILES.manifest}: ${error instanceof SyntaxError ? 'not JSON (file damaged)' : describeError(error)}`);
  }
  if (!isManifest(manifest)) throw new Error(`${FILES.manifest}: not a Footnote manifest (file damaged)`);
  if (manifest.formatVersion !== FORMAT_VERSION) throw new OutdatedVersion(`index format version changed (${manifest.formatVersion} → ${FORMAT_VERSION})`);
  if (!manifest.files) throw new Error(`${FILES.manifest}: records no checksums of the index files`);
  return manifest;
}

/** A file's bytes, once its size and SHA-256 match the manifest's; throws naming the file otherwise. */
async function readVerified(dir: string, name: string, manifest: IndexManifest): Promise<Buffer> {
  const file = path.join(dir, name);
  await checkSize(file, name, manifest);
  const bytes = await fs.readFile(file);
  const problem = digestMismatch(manifest.files?.[name], digestBytes(bytes));
  if (problem) throw new Error(`${name}: ${problem}`);
  return bytes;
}

/** vectors.hnsw is read by hnswlib itself, so it is checked in place: size, hnswlib's header and link lists, then SHA-256. */
async function verifyVectorFile(dir: string, manifest: IndexManifest): Promise<void> {
  const file = path.join(dir, FILES.hnsw);
  await checkSize(file, FILES.hnsw, manifest);
  const problems = await checkHnswFile(file, hnswExpectation(manifest));
  if (problems.length) throw new Error(`${FILES.hnsw}: not the index the manifest describes (${problems.join('; ')})`);
  const problem = digestMismatch(manifest.files?.[FILES.hnsw], await digestFile(file));
  if (problem) throw new Error(`${FILES.hnsw}: ${problem}`);
}

/** A cheap first check, so that a file of the wrong size is not read whole. */
async function checkSize(file: string, name: string, manifest: IndexManifest): Promise<void> {
  const stat = await fs.stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${name}: ${error.code === 'ENOENT' ? 'missing' : describeError(error)}`);
  });
  const problem = digestMismatch(manifest.files?.[name], { bytes: stat.size });
  if (problem) throw new Error(`${name}: ${problem}`);
}

function hnswExpectation(manifest: IndexManifest): HnswExpectation {
  return { dimension: manifest.dimension, count: manifest.passageCount, m: manifest.hnsw.m, efConstruction: manifest.hnsw.efConstruction };
}

/**
 * The passage vectors of a version, for reuse by an incremental update; throws if they are not
 * the ones its manifest recorded (loading a version does not read them, so they are checked here).
 */
export async function readPassageVectors(indexDir: string, snapshot: IndexSnapshot): Promise<Float32Array> {
  const bytes = await readVerified(path.join(indexDir, snapshot.version), FILES.passageVectors, snapshot.manifest);
  const vectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const expected = snapshot.manifest.passageCount * snapshot.manifest.dimension;
  if (vectors.length !== expected) throw new Error(`${FILES.passageVectors} holds ${vectors.length} values, expected ${expected}`);
  return vectors;
}

/** A snapshot that does not add up is refused before it can become current. */
function checkParts(parts: SnapshotParts): void {
  const { manifest, passages, passageVectors, sentenceVectors, documents, vectors } = parts;
  const problems = [
    passages.length !== manifest.passageCount && 'passage count',
    vectors.size !== manifest.passageCount && 'vector index size',
    passageVectors.length !== manifest.passageCount * manifest.dimension && 'passage vectors',
    sentenceVectors.length !== manifest.sentenceCount * manifest.dimension && 'sentence vectors',
    documents.length !== Object.keys(manifest.documents).length && 'documents',
  ].filter(Boolean);
  if (problems.length) throw new Error(`refusing to write an inconsistent index (${problems.join(', ')} do not match the manifest)`);
}

async function listVersions(indexDir: string): Promise<string[]> {
  const entries = await fs.readdir(indexDir).catch(() => [] as string[]);
  const complete: string[] = [];
  for (const name of entries.filter((e) => e.startsWith('v-')).sort()) {
    if (await exists(path.join(indexDir, name, FILES.manifest))) complete.push(name);
  }
  return complete;
}

/**
 * Keeps the current version and one fallback: the given one (the version the build started
 * from, which loaded), else the newest other. Removes the rest and stale tmp folders.
 */
async function prune(indexDir: string, current: string, fallback: string | undefined): Promise<void> {
  const entries = await fs.readdir(indexDir);
  const others = entries.filter((e) => e.startsWith('v-') && e !== current).sort();
  const keep = new Set([current, ...(fallback && others.includes(fallback) ? [fallback] : others.slice(-(KEEP_VERSIONS - 1)))]);
  const doomed = [...others.filter((v) => !keep.has(v)), ...entries.filter((e) => e.startsWith('tmp-'))];
  for (const name of doomed) await fs.rm(path.join(indexDir, name), { recursive: true, force: true }).catch(() => undefined);
}

/** Size and SHA-256 of a file, read in chunks: vectors.hnsw alone can be hundreds of megabytes. */
async function digestFile(file: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

function digestBytes(data: Uint8Array): FileDigest {
  return { bytes: data.byteLength, sha256: createHash('sha256').update(data).digest('hex') };
}

async function writeDurably(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncPath(target: string): Promise<void> {
  const handle = await fs.open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

/**
 * Takes the reindex lock of `indexDir`, or throws INDEX_BUSY naming the process that holds it.
 * A lock left by a process that no longer runs is taken over.
 */
export async function acquireIndexLock(indexDir: string): Promise<() => Promise<void>> {
  await fs.mkdir(indexDir, { recursive: true });
  const file = path.join(indexDir, 'index.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }), { flag: 'wx' });
      return () => fs.rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readLock(file);
      if (holder && holder.pid !== process.pid && isProcessAlive(holder.pid)) {
        throw new FootnoteError('INDEX_BUSY', `A reindex is already running (process ${holder.pid}, started ${holder.startedAt}). Try again when it has finished.`);
      }
      if (holder?.pid === process.pid) throw new FootnoteError('INDEX_BUSY', 'A reindex is already running. Try again when it has finished.');
      await fs.rm(file, { force: true });
    }
  }
  throw new FootnoteError('INDEX_BUSY', `Could not take the index lock ${file}.`);
}

async function readLock(file: string): Promise<{ pid: number; startedAt: string } | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as { pid: number; startedAt: string };
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

