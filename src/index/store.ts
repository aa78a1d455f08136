import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { FootnoteError, describeError } from '../errors.js';
import { loadLexicalIndex } from './lexical.js';
import { isManifest } from './manifest.js';
import { unpackPassage, packPassage, type IndexSnapshot, type StoredDocument } from './snapshot.js';
import { loadVectorIndex } from './vectors.js';

/**
 * On-disk layout of INDEX_DIR:
 *   CURRENT            name of the live version ("v-…"), replaced by rename: never half-written
 *   v-<stamp>/         one complete snapshot; manifest.json is written last
 *   tmp-<stamp>/       a snapshot being written; ignored and cleaned up
 *   index.lock         held by the one process that is reindexing
 * A crash at any point leaves CURRENT naming a complete version. If CURRENT is lost or its
 * version is damaged, the newest other complete version is served instead.
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
const KEEP_VERSIONS = 2;

/** What a new version is written from: a snapshot (before it has a version name) and its passage vectors. */
export interface SnapshotParts extends Omit<IndexSnapshot, 'version'> {
  /** Kept on disk only, for reuse by the next incremental update. */
  readonly passageVectors: Float32Array;
}

export interface WriteHooks {
  /** The version to keep as the fallback (one known to load); by default the newest other version. */
  keepFallback?: string;
  /** Called after the data files are written and before the snapshot becomes current (tests inject failures here). */
  beforeCommit?: (tmpDir: string) => void | Promise<void>;
}

/** Writes a new version beside the live one and makes it current in one atomic rename. */
export async function writeSnapshot(indexDir: string, parts: SnapshotParts, hooks: WriteHooks = {}): Promise<string> {
  checkParts(parts);
  await fs.mkdir(indexDir, { recursive: true });
  const stamp = `${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
  const tmpDir = path.join(indexDir, `tmp-${stamp}`);
  const version = `v-${stamp}`;
  await fs.mkdir(tmpDir);
  try {
    const write = (name: string, data: string | Uint8Array) => writeDurably(path.join(tmpDir, name), data);
    await write(FILES.documents, JSON.stringify(parts.documents));
    await write(FILES.passages, JSON.stringify(parts.passages.map(packPassage)));
    await write(FILES.passageVectors, new Uint8Array(parts.passageVectors.buffer, parts.passageVectors.byteOffset, parts.passageVectors.byteLength));
    await write(FILES.sentenceVectors, new Uint8Array(parts.sentenceVectors.buffer, parts.sentenceVectors.byteOffset, parts.sentenceVectors.byteLength));
    await write(FILES.lexical, JSON.stringify(parts.lexical.toJSON()));
    await parts.vectors.write(path.join(tmpDir, FILES.hnsw));
    await fsyncPath(path.join(tmpDir, FILES.hnsw));
    await hooks.beforeCommit?.(tmpDir);
    await write(FILES.manifest, JSON.stringify(parts.manifest, null, 1));
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

export interface LoadedSnapshot {
  readonly snapshot: IndexSnapshot;
  /** Problems met on the way (a damaged current version that was passed over). */
  readonly warnings: string[];
}

/**
 * Loads the current version, or the newest complete one if the current is missing or damaged.
 * Throws INDEX_MISSING when there is none at all, INDEX_CORRUPT when none loads.
 */
export async function loadSnapshot(indexDir: string): Promise<LoadedSnapshot> {
  const current = (await fs.readFile(path.join(indexDir, 'CURRENT'), 'utf8').catch(() => '')).trim();
  const versions = await listVersions(indexDir);
  const order = [...(versions.includes(current) ? [current] : []), ...versions.filter((v) => v !== current).reverse()];
  if (order.length === 0) throw new FootnoteError('INDEX_MISSING', `There is no index in ${indexDir} yet. Run \`npm run index\` to build it.`);
  const warnings: string[] = [];
  if (current && !versions.includes(current)) warnings.push(`CURRENT names ${current}, which is not a complete version`);
  for (const version of order) {
    try {
      const snapshot = await loadVersion(indexDir, version);
      return { snapshot, warnings };
    } catch (error) {
      warnings.push(`index version ${version} could not be loaded: ${describeError(error)}`);
    }
  }
  throw new FootnoteError('INDEX_CORRUPT', `The index in ${indexDir} is damaged (${warnings.join('; ')}). Run \`npm run index -- --full\` to rebuild it.`);
}

async function loadVersion(indexDir: string, version: string): Promise<IndexSnapshot> {
  const dir = path.join(indexDir, version);
  const manifest: unknown = JSON.parse(await fs.readFile(path.join(dir, FILES.manifest), 'utf8'));
  if (!isManifest(manifest)) throw new Error('manifest.json is not a Footnote manifest');
  const documents = JSON.parse(await fs.readFile(path.join(dir, FILES.documents), 'utf8')) as StoredDocument[];
  const passages = (JSON.parse(await fs.readFile(path.join(dir, FILES.passages), 'utf8')) as number[][]).map(unpackPassage);
  const sentenceBytes = await fs.readFile(path.join(dir, FILES.sentenceVectors));
  const sentenceVectors = new Int8Array(sentenceBytes.buffer, sentenceBytes.byteOffset, sentenceBytes.byteLength);
  const vectors = loadVectorIndex(path.join(dir, FILES.hnsw), manifest.dimension);
  const lexical = loadLexicalIndex(await fs.readFile(path.join(dir, FILES.lexical), 'utf8'));
  if (passages.length !== manifest.passageCount || vectors.size !== manifest.passageCount) {
    throw new Error(`expected ${manifest.passageCount} passages, found ${passages.length} passages and ${vectors.size} vectors`);
  }
  if (sentenceVectors.length !== manifest.sentenceCount * manifest.dimension) throw new Error('sentence vectors are incomplete');
  if (documents.length !== Object.keys(manifest.documents).length) throw new Error('documents do not match the manifest');
  return { version, manifest, documents, passages, sentenceVectors, vectors, lexical };
}

/** The passage vectors of a version, for reuse by an incremental update; throws if they are incomplete. */
export async function readPassageVectors(indexDir: string, snapshot: IndexSnapshot): Promise<Float32Array> {
  const bytes = await fs.readFile(path.join(indexDir, snapshot.version, FILES.passageVectors));
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
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process nobody has reaped yet (a zombie) still answers kill(0), but holds nothing.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
