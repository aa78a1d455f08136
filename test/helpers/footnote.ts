/**
 * The real model and the real service, loaded once per test file and shared by its tests.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../src/config.js';
import { createEmbedder, type Embedder } from '../../src/embed/embedder.js';
import { loadModel } from '../../src/embed/model.js';
import type { ModelProfile } from '../../src/embed/models.js';
import { buildIndex, type BuildOptions, type BuildReport } from '../../src/index/build.js';
import { createLogger, silentLogger, type Logger } from '../../src/log.js';
import { openFootnote, type Footnote } from '../../src/service.js';
import { DEFAULT_MODEL, MODEL_DIR, PROJECT_ROOT, SEED_CORPUS, createWorkspace, type Workspace } from './workspace.js';

export interface TestModel {
  readonly embedder: Embedder;
  readonly profile: ModelProfile;
}

const models = new Map<string, Promise<TestModel>>();

/** The embedder of `modelId` from MODEL_DIR, loaded once per test file. */
export function testModel(modelId: string = DEFAULT_MODEL): Promise<TestModel> {
  let loaded = models.get(modelId);
  if (!loaded) {
    loaded = loadModel(modelId, MODEL_DIR).then((model) => ({ embedder: createEmbedder(model), profile: model.profile }));
    models.set(modelId, loaded);
  }
  return loaded;
}

/** Runs the real index build for `config` with the shared embedder of its model. */
export async function build(config: Config, options: Partial<Omit<BuildOptions, 'config' | 'embedder' | 'profile'>> = {}): Promise<BuildReport> {
  const { embedder, profile } = await testModel(config.embedModel);
  return buildIndex({ config, embedder, profile, log: silentLogger, ...options });
}

const footnotes = new Map<string, Promise<Footnote>>();

/**
 * `openFootnote` for `config`, opened once per test file and config and shared by its tests (the
 * index is built on first use, as the program does). Tests that need an instance of their own
 * call `openFootnote` directly.
 */
export function cachedFootnote(config: Config, log: Logger = silentLogger): Promise<Footnote> {
  const key = JSON.stringify(config);
  let opened = footnotes.get(key);
  if (!opened) {
    opened = openFootnote({ config, log });
    footnotes.set(key, opened);
  }
  return opened;
}

/** A logger that keeps its messages, to check what the program said and why. */
export function recordingLogger(): { log: Logger; lines: string[]; messages: () => string[] } {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', pretty: false, write: (line) => lines.push(line) });
  return { log, lines, messages: () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg) };
}

/**
 * The seed corpus indexed with the default settings, built once and kept in the OS temp folder
 * under a key made of everything that decides its content (src/, the seed corpus, the model
 * files), so it is rebuilt whenever any of those change. Tests get a copy of their own: building
 * it costs seconds, copying it milliseconds.
 */
let seedTemplate: Promise<string> | undefined;

export function seedIndexTemplate(): Promise<string> {
  seedTemplate ??= makeSeedIndexTemplate();
  return seedTemplate;
}

async function makeSeedIndexTemplate(): Promise<string> {
  const hash = createHash('sha256');
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  for (const file of [...walk(path.join(PROJECT_ROOT, 'src')), ...walk(SEED_CORPUS)].sort()) {
    hash.update(path.relative(PROJECT_ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  for (const file of ['config.json', 'tokenizer.json', 'onnx/model_quantized.onnx']) {
    const stat = fs.statSync(path.join(MODEL_DIR, DEFAULT_MODEL, file));
    hash.update(`${file}:${stat.size}:${stat.mtimeMs}\0`);
  }
  const cacheRoot = path.join(os.tmpdir(), 'footnote-test-cache');
  const key = hash.digest('hex').slice(0, 16);
  const dir = path.join(cacheRoot, key);
  if (fs.existsSync(path.join(dir, 'CURRENT'))) return dir;

  // Build beside the cache and move it in whole, so a half-built template is never used (another
  // test run may be building the same one: the first rename wins, the other copy is dropped).
  const ws = createWorkspace({ seed: true });
  await build(ws.config());
  fs.mkdirSync(cacheRoot, { recursive: true });
  const part = `${dir}.part-${process.pid}-${Date.now()}`;
  fs.cpSync(ws.indexDir, part, { recursive: true });
  try {
    fs.renameSync(part, dir);
  } catch {
    fs.rmSync(part, { recursive: true, force: true });
  }
  // Templates of older sources are dropped after a while (not at once: another run may use them).
  const hourAgo = Date.now() - 3_600_000;
  for (const old of fs.readdirSync(cacheRoot)) {
    const entry = path.join(cacheRoot, old);
    if (old !== key && fs.statSync(entry).mtimeMs < hourAgo) fs.rmSync(entry, { recursive: true, force: true });
  }
  return dir;
}

/** A workspace with a copy of the seed corpus and of its index (default settings). */
export async function seedIndexedWorkspace(): Promise<Workspace> {
  const template = await seedIndexTemplate();
  const ws = createWorkspace({ seed: true });
  fs.cpSync(template, ws.indexDir, { recursive: true });
  return ws;
}
