/**
 * Footnote's side of the benchmark: end-to-end indexing (`buildIndex`) beside the raw batched
 * ONNX forward pass of the same model on the same token inputs, cached indexes for the other
 * parts, and retrieval quality through the code paths of scripts/eval.ts and scripts/eval-scifact.ts.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Tensor } from '@huggingface/transformers';
import { createProgressBar } from '../src/cli/progress.js';
import { loadConfig, type Config } from '../src/config.js';
import type { Embedder, Sequence } from '../src/embed/embedder.js';
import type { LoadedModel } from '../src/embed/model.js';
import { buildIndex, indexSettings, type BuildProgress } from '../src/index/build.js';
import type { Logger } from '../src/log.js';
import { DEFAULT_DENSE_WEIGHT, retrieve } from '../src/search/answer.js';
import { documentOfPassage } from '../src/index/backend.js';
import { openFootnote, type Footnote } from '../src/service.js';
import { WORK, fingerprint, folderBytes, type Corpus } from './corpora.js';
import { hitAt3, rankDocuments, scoreRetrieval, type RetrievalScores, type SeedQuestion } from './metrics.js';

/** Footnote embeds every passage as a forward pass of its own (src/embed/embedder.ts): the raw pass beside it does the same. */
export const FOOTNOTE_BATCH_SIZE = 1;

export interface Shared {
  readonly loaded: LoadedModel;
  /** Embedder on `loaded`: what buildIndex uses here, and what query vectors for nDCG come from. */
  readonly embedder: Embedder;
  readonly log: Logger;
  readonly config: (corpusDir: string, indexDir: string) => Config;
  readonly note: (message: string) => void;
}

export function makeConfigFactory(root: string): (corpusDir: string, indexDir: string) => Config {
  return (corpusDir, indexDir) => loadConfig({ ...process.env, CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, LOG_LEVEL: 'warn' }, root);
}

/** The cache folder of a corpus's index: keyed by the corpus content and every setting that shapes the index. */
export function indexDirFor(shared: Shared, corpus: Corpus): string {
  const config = shared.config(corpus.dir, WORK);
  const settings = indexSettings(config, shared.embedder, shared.loaded.profile);
  const key = createHash('sha256').update(JSON.stringify({ corpus: fingerprint(corpus.dir), settings })).digest('hex').slice(0, 12);
  return path.join(WORK, 'index', `${corpus.name}-${key}`);
}

function hasIndex(indexDir: string): boolean {
  const current = path.join(indexDir, 'CURRENT');
  if (!fs.existsSync(current)) return false;
  return fs.existsSync(path.join(indexDir, fs.readFileSync(current, 'utf8').trim(), 'manifest.json'));
}

/** Bytes of the current index version on disk. */
export function indexBytes(indexDir: string): number {
  return folderBytes(path.join(indexDir, fs.readFileSync(path.join(indexDir, 'CURRENT'), 'utf8').trim()));
}

function progressFor(passagesHint: number): ((p: BuildProgress) => void) | undefined {
  if (passagesHint < 1000) return undefined;
  const bar = createProgressBar();
  return (p) => {
    bar.update(p);
    if (p.phase === 'writing') bar.done();
  };
}

class Captured extends Error {}

/**
 * The exact inputs Footnote's buildIndex hands its embedder for `corpus`, found by running it up
 * to that point (reading, splitting, tokenizing) with an embedder that stops it there: nothing is
 * embedded or written. The raw pass is fed these, so both sides do the same model work.
 */
async function captureInputs(shared: Shared, corpus: Corpus, indexDir: string): Promise<readonly Sequence[]> {
  let captured: readonly Sequence[] | undefined;
  const embedder: Embedder = {
    ...shared.embedder,
    embedSequences(sequences) {
      captured = sequences;
      throw new Captured('inputs captured');
    },
  };
  fs.rmSync(indexDir, { recursive: true, force: true });
  try {
    await buildIndex({ config: shared.config(corpus.dir, indexDir), embedder, profile: shared.loaded.profile, log: shared.log, full: true });
  } catch (error) {
    if (!(error instanceof Captured)) throw error;
  }
  fs.rmSync(indexDir, { recursive: true, force: true });
  if (!captured) throw new Error(`buildIndex embedded nothing for ${corpus.name}`);
  return captured;
}

export interface BuildRun {
  readonly seconds: number;
  readonly documents: number;
  readonly passages: number;
}

/** One full `buildIndex` of `corpus` into `indexDir` (emptied first), timed end to end. */
async function timedBuild(shared: Shared, corpus: Corpus, indexDir: string, embedder: Embedder, passagesHint: number): Promise<BuildRun> {
  fs.rmSync(indexDir, { recursive: true, force: true });
  const config = shared.config(corpus.dir, indexDir);
  const onProgress = progressFor(passagesHint);
  const started = performance.now();
  const report = await buildIndex({ config, embedder, profile: shared.loaded.profile, log: shared.log, full: true, ...(onProgress && { onProgress }) });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, documents: report.documents, passages: report.passages };
}

/** Builds the cached index of `corpus` if it is not there yet; returns its folder and, when built now, how long it took. */
export async function ensureIndex(shared: Shared, corpus: Corpus, passagesHint: number): Promise<{ indexDir: string; built?: BuildRun }> {
  const indexDir = indexDirFor(shared, corpus);
  if (hasIndex(indexDir)) return { indexDir };
  shared.note(`building the ${corpus.name} index (cached in ${path.relative(process.cwd(), indexDir)})…`);
  const tmp = `${indexDir}.building`;
  const built = await timedBuild(shared, corpus, tmp, shared.embedder, passagesHint);
  fs.rmSync(indexDir, { recursive: true, force: true });
  fs.renameSync(tmp, indexDir);
  return { indexDir, built };
}

/** Padded, length-sorted batches of model inputs, built before the clock starts. */
interface RawBatch {
  readonly input_ids: Tensor;
  readonly attention_mask: Tensor;
  readonly token_type_ids: Tensor;
}

/** The exact token rows Footnote feeds the model for `sequences`: [CLS] content (capped) [SEP]. */
export function inputRows(loaded: LoadedModel, sequences: readonly Sequence[]): number[][] {
  const { tokenizer, profile } = loaded;
  const cls = tokenizer.convert_tokens_to_ids(['[CLS]'])[0] ?? 101;
  const sep = tokenizer.sep_token_id ?? 102;
  const maxContent = profile.maxTokens - 2;
  return sequences.map((s) => [cls, ...s.pieces.flat().slice(0, maxContent), sep]);
}

function rawBatches(loaded: LoadedModel, rows: readonly number[][], batchSize: number): RawBatch[] {
  const pad = loaded.tokenizer.pad_token_id ?? 0;
  const sorted = [...rows].sort((a, b) => b.length - a.length);
  const batches: RawBatch[] = [];
  for (let k = 0; k < sorted.length; k += batchSize) {
    const batch = sorted.slice(k, k + batchSize);
    const length = Math.max(...batch.map((r) => r.length));
    const ids = new BigInt64Array(batch.length * length);
    const mask = new BigInt64Array(batch.length * length);
    batch.forEach((row, b) => {
      for (let t = 0; t < length; t++) {
        ids[b * length + t] = BigInt(t < row.length ? row[t]! : pad);
        mask[b * length + t] = t < row.length ? 1n : 0n;
      }
    });
    const dims = [batch.length, length];
    batches.push({
      input_ids: new Tensor('int64', ids, dims),
      attention_mask: new Tensor('int64', mask, dims),
      token_type_ids: new Tensor('int64', new BigInt64Array(ids.length), dims),
    });
  }
  return batches;
}

/** The limit: the model's forward pass over prepared batches, nothing else (no pooling, no bookkeeping). */
async function timedRawPass(loaded: LoadedModel, batches: readonly RawBatch[]): Promise<number> {
  const started = performance.now();
  for (const feeds of batches) await loaded.model(feeds as unknown as Record<string, Tensor>);
  return (performance.now() - started) / 1000;
}

export interface ThroughputResult {
  readonly corpus: string;
  readonly documents: number;
  readonly passages: number;
  /** Model input tokens of all passages ([CLS] and [SEP] included, padding excluded). */
  readonly tokens: number;
  readonly batchSize: number;
  readonly rounds: number;
  /** Median seconds of the rounds (each side). */
  readonly footnoteSeconds: number;
  readonly rawSeconds: number;
  readonly footnoteRounds: number[];
  readonly rawRounds: number[];
  readonly footnotePassagesPerSecond: number;
  readonly footnoteTokensPerSecond: number;
  readonly rawPassagesPerSecond: number;
  readonly rawTokensPerSecond: number;
  /** Footnote's throughput ÷ the raw forward pass's, median over rounds (target ≥ 0.85). */
  readonly ratio: number;
  readonly indexDir: string;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/**
 * `rounds` × [raw pass over half the batches, Footnote's full build, raw pass over the other
 * half]: the raw figure is the sum of the halves (every other batch each, so both halves have
 * the same mix of lengths), taken on both sides of the build, so a drift in background load
 * weighs on both alike. Medians over rounds are reported. The last build becomes the cached
 * index when there is none yet.
 */
export async function measureThroughput(shared: Shared, corpus: Corpus, rounds: number, passagesHint: number): Promise<ThroughputResult> {
  const batchSize = FOOTNOTE_BATCH_SIZE;
  const tmp = path.join(WORK, 'tmp', `${corpus.name}-throughput`);
  shared.note(`${corpus.name}: preparing the raw pass's inputs (buildIndex up to embedding)…`);
  const rows = inputRows(shared.loaded, await captureInputs(shared, corpus, tmp));
  const tokens = rows.reduce((n, r) => n + r.length, 0);
  const batches = rawBatches(shared.loaded, rows, batchSize);
  const halves = [batches.filter((_, i) => i % 2 === 0), batches.filter((_, i) => i % 2 === 1)] as const;
  // Warm-up: one query through Footnote's embedder and one padded batch straight into the model.
  await shared.embedder.embedQuery('warm up the model');
  await shared.loaded.model(batches[batches.length - 1]! as unknown as Record<string, Tensor>);
  const footnoteRounds: number[] = [];
  const rawRounds: number[] = [];
  let last: BuildRun | undefined;
  for (let round = 0; round < rounds; round++) {
    const label = `${corpus.name}, round ${round + 1}/${rounds}`;
    shared.note(`${label}: raw ONNX forward pass, first half (${rows.length} passages in all, batch ${batchSize})…`);
    const rawA = await timedRawPass(shared.loaded, halves[0]);
    shared.note(`${label}: Footnote buildIndex…`);
    last = await timedBuild(shared, corpus, tmp, shared.embedder, passagesHint);
    shared.note(`${label}: raw ONNX forward pass, second half…`);
    const rawB = await timedRawPass(shared.loaded, halves[1]);
    footnoteRounds.push(last.seconds);
    rawRounds.push(rawA + rawB);
    shared.note(`${label}: Footnote ${last.seconds.toFixed(2)} s, raw ${(rawA + rawB).toFixed(2)} s (${rawA.toFixed(2)} + ${rawB.toFixed(2)})`);
  }
  if (last!.passages !== rows.length) throw new Error(`the build made ${last!.passages} passages, the captured inputs ${rows.length}`);
  const indexDir = indexDirFor(shared, corpus);
  if (!hasIndex(indexDir)) {
    fs.rmSync(indexDir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(indexDir), { recursive: true });
    fs.renameSync(tmp, indexDir);
  } else fs.rmSync(tmp, { recursive: true, force: true });
  const footnoteSeconds = median(footnoteRounds);
  const rawSeconds = median(rawRounds);
  const passages = last!.passages;
  return {
    corpus: corpus.name,
    documents: last!.documents,
    passages,
    tokens,
    batchSize,
    rounds,
    footnoteSeconds,
    rawSeconds,
    footnoteRounds,
    rawRounds,
    footnotePassagesPerSecond: passages / footnoteSeconds,
    footnoteTokensPerSecond: tokens / footnoteSeconds,
    rawPassagesPerSecond: passages / rawSeconds,
    rawTokensPerSecond: tokens / rawSeconds,
    ratio: median(footnoteRounds.map((f, i) => rawRounds[i]! / f)),
    indexDir,
  };
}

const opened = new Map<string, Promise<Footnote>>();

/** `openFootnote` on a cached index, once per index in this process (a second model instance, as the CLI and bot have). */
export function openCached(shared: Shared, corpus: Corpus, indexDir: string): Promise<Footnote> {
  let footnote = opened.get(indexDir);
  if (!footnote) {
    footnote = openFootnote({ config: shared.config(corpus.dir, indexDir), log: shared.log });
    opened.set(indexDir, footnote);
  }
  return footnote;
}

/** Seed-set hit@3 as scripts/eval.ts counts it: the expected document supplies one of the (up to 3) quotes shown. */
export async function footnoteSeedHit3(footnote: Footnote, questions: readonly SeedQuestion[]) {
  return hitAt3(questions, async (q) => {
    const answer = await footnote.ask(q.question, { limit: 3 });
    return (answer.answered ? answer.quotes : answer.closest).map((quote) => quote.docId);
  });
}

/** SciFact nDCG@10 / Recall@100 as scripts/eval-scifact.ts computes them for the fused ranking. */
export async function footnoteSciFact(shared: Shared, footnote: Footnote, queries: ReadonlyMap<string, string>, qrels: ReadonlyMap<string, ReadonlySet<string>>): Promise<RetrievalScores> {
  const index = footnote.index;
  const documentOf = documentOfPassage(index.catalog);
  return scoreRetrieval(qrels, async (qid) => {
    const query = queries.get(qid)!;
    const vector = await shared.embedder.embedQuery(query);
    const ranked = await retrieve(index, vector, query, DEFAULT_DENSE_WEIGHT);
    return rankDocuments(ranked.map((c) => documentOf(c.passage)!.id), 100);
  });
}



export interface BatchSizeResult {
  readonly corpus: string;
  readonly passages: number;
  readonly tokens: number;
  readonly rounds: number;
  /** The batch size Footnote uses (EMBED_BATCH_SIZE); `relative` is measured against it. */
  readonly defaultBatchSize: number;
  readonly sizes: { batchSize: number; seconds: number; passagesPerSecond: number; relative: number }[];
}

/**
 * The raw forward pass over the same `passages` inputs of `corpus` at each batch size, sizes
 * interleaved within each of `rounds` rounds (median reported), so background drift weighs on
 * all alike. Footnote's indexing follows the raw pass within a few percent (`measureThroughput`),
 * so this is where a better batch size would show.
 */
export async function measureBatchSizes(shared: Shared, corpus: Corpus, sizes: readonly number[], rounds: number, passages: number): Promise<BatchSizeResult> {
  const defaultBatchSize = FOOTNOTE_BATCH_SIZE;
  shared.note(`${corpus.name}: preparing inputs for the batch-size sweep…`);
  const all = inputRows(shared.loaded, await captureInputs(shared, corpus, path.join(WORK, 'tmp', `${corpus.name}-batches`)));
  // An even spread over the corpus (not its first documents), so the mix of lengths is the corpus's.
  const step = Math.max(1, all.length / passages);
  const rows = Array.from({ length: Math.min(passages, all.length) }, (_, i) => all[Math.floor(i * step)]!);
  const tokens = rows.reduce((n, r) => n + r.length, 0);
  const batchesBySize = new Map(sizes.map((size) => [size, rawBatches(shared.loaded, rows, size)] as const));
  await shared.loaded.model(batchesBySize.get(sizes[0]!)![0]! as unknown as Record<string, Tensor>);
  const timings = new Map<number, number[]>(sizes.map((size) => [size, []]));
  for (let round = 0; round < rounds; round++) {
    for (const size of sizes) {
      const seconds = await timedRawPass(shared.loaded, batchesBySize.get(size)!);
      timings.get(size)!.push(seconds);
      shared.note(`${corpus.name}, round ${round + 1}/${rounds}: batch ${size}: ${seconds.toFixed(2)} s (${(rows.length / seconds).toFixed(1)} passages/s)`);
    }
  }
  const seconds = new Map(sizes.map((size) => [size, median(timings.get(size)!)] as const));
  const reference = seconds.get(defaultBatchSize) ?? seconds.get(sizes[0]!)!;
  return {
    corpus: corpus.name,
    passages: rows.length,
    tokens,
    rounds,
    defaultBatchSize,
    sizes: sizes.map((batchSize) => ({ batchSize, seconds: seconds.get(batchSize)!, passagesPerSecond: rows.length / seconds.get(batchSize)!, relative: reference / seconds.get(batchSize)! })),
  };
}
