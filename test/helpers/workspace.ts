/**
 * Temporary workspaces for tests: a project root in the OS temp folder with its own corpus and
 * index, and a Config pointing at them. The real model folder is used (MODEL_DIR, by default
 * /work/shared/models); nothing here reaches the network.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../src/config.js';

/** The repository root (where src/, corpus/ and eval/ live). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SEED_CORPUS = path.join(PROJECT_ROOT, 'corpus');
export const SEED_QUESTIONS_FILE = path.join(PROJECT_ROOT, 'eval', 'seed-questions.jsonl');
export const MODEL_DIR = process.env.MODEL_DIR && process.env.MODEL_DIR.trim() !== '' ? path.resolve(PROJECT_ROOT, process.env.MODEL_DIR) : '/work/shared/models';
export const DEFAULT_MODEL = 'Xenova/bge-small-en-v1.5';
export const MINILM_MODEL = 'Xenova/all-MiniLM-L6-v2';

/** The five documents of the seed corpus, by id (file name without `.txt`). */
export const SEED_DOC_IDS = [
  'johnson-orders-cpd-to-document-immigration-agents',
  'lightfoot-staff-lobbied-against-ending-qualified-immunity',
  'lightfoot-tells-police-not-to-assist-ice',
  'lightfoot-will-not-cooperate-with-ice',
  'mayors-police-reform-blueprint',
] as const;

export interface SeedQuestion {
  readonly id: string;
  readonly question: string;
  readonly doc: string | null;
  readonly phrase: string | null;
}

export function seedQuestions(): SeedQuestion[] {
  return fs
    .readFileSync(SEED_QUESTIONS_FILE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SeedQuestion);
}

const created: string[] = [];

/** A fresh empty directory under the OS temp folder, removed by `removeTempDirs`. */
export function makeTempDir(label = 'footnote-test'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${label}-`));
  created.push(dir);
  return dir;
}

/** Removes every directory made by `makeTempDir` in this test file (call from `afterAll`). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) {
    // A test may leave a file chmod 000 behind; root removes it anyway, others need the mode back.
    try {
      fs.chmodSync(dir, 0o755);
    } catch {
      /* already gone */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A Config as the program builds it (`loadConfig(env, projectRoot)`), with the real model folder,
 * silent logs, and any variables in `overrides` (CORPUS_DIR, INDEX_DIR, PASSAGE_MAX_TOKENS, …).
 */
export function testConfig(overrides: Record<string, string | undefined> = {}, projectRoot: string = PROJECT_ROOT): Config {
  return loadConfig({ MODEL_DIR, LOG_LEVEL: 'silent', ...overrides }, projectRoot);
}

export interface Workspace {
  /** The project root of this workspace: sources are cited relative to it ("corpus/a.txt"). */
  readonly root: string;
  readonly corpusDir: string;
  readonly indexDir: string;
  /** Config for this workspace's corpus and index, plus `overrides`. */
  config(overrides?: Record<string, string | undefined>): Config;
  /** Absolute path of a file of the corpus, `rel` being relative to the corpus folder. */
  corpusFile(rel: string): string;
  writeCorpusFile(rel: string, content: string | Uint8Array): string;
  removeCorpusFile(rel: string): void;
}

/**
 * A temporary project: `corpus/` (optionally a copy of the seed corpus, plus `files`) and an
 * empty `index/` location.
 */
export function createWorkspace(options: { seed?: boolean; files?: Record<string, string | Uint8Array> } = {}): Workspace {
  const root = makeTempDir();
  const corpusDir = path.join(root, 'corpus');
  const indexDir = path.join(root, 'index');
  fs.mkdirSync(corpusDir, { recursive: true });
  if (options.seed) {
    fs.cpSync(SEED_CORPUS, corpusDir, { recursive: true });
    // The seed files are read-only (0444) in the repository; tests edit their copies.
    for (const name of fs.readdirSync(corpusDir)) fs.chmodSync(path.join(corpusDir, name), 0o644);
  }
  const corpusFile = (rel: string) => path.join(corpusDir, rel);
  const writeCorpusFile = (rel: string, content: string | Uint8Array) => {
    const file = corpusFile(rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  };
  for (const [rel, content] of Object.entries(options.files ?? {})) writeCorpusFile(rel, content);
  return {
    root,
    corpusDir,
    indexDir,
    config: (overrides = {}) => testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, ...overrides }, root),
    corpusFile,
    writeCorpusFile,
    removeCorpusFile: (rel) => fs.rmSync(corpusFile(rel)),
  };
}

/** Names in INDEX_DIR: versions (`v-…`), leftovers (`tmp-…`), CURRENT, index.lock. */
export function indexEntries(indexDir: string): { versions: string[]; tmp: string[]; all: string[] } {
  const all = fs.existsSync(indexDir) ? fs.readdirSync(indexDir).sort() : [];
  return { versions: all.filter((e) => e.startsWith('v-')), tmp: all.filter((e) => e.startsWith('tmp-')), all };
}

export function readCurrent(indexDir: string): string {
  return fs.readFileSync(path.join(indexDir, 'CURRENT'), 'utf8').trim();
}
