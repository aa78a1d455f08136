/**
 * Footnote's benchmark: `npm run bench [-- --quick] [-- --only seed,scifact,100k,langchain,latency,cold,batch,formats]`.
 * Progress goes to stderr, the table to stdout, and everything measured to
 * bench/results/<timestamp>.json and bench/results/latest.json. See bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dotenv from 'dotenv';
import { loadConfig } from '../src/config.js';
import { createEmbedder } from '../src/embed/embedder.js';
import { loadModel } from '../src/embed/model.js';
import { partGuard } from './parts.js';
import { createLogger } from '../src/log.js';
import { openFootnote } from '../src/service.js';
import { measureColdStart, type ColdResult } from './cold.js';
import { FORMATS_QUICK_SIZES, FORMATS_SIZES, measureFormats, type FormatsResult } from './formats.js';
import { ROOT, WORK, largeCorpus, scifactCorpus, scifactSample, scifactSourceDir, seedCorpus, type Corpus } from './corpora.js';
import type { LangChainIndexRun } from './langchain.js';
import { FOOTNOTE_BATCH_SIZE, ensureIndex, footnoteSciFact, footnoteSeedHit3, indexBytes, measureBatchSizes, measureThroughput, makeConfigFactory, openCached, type BatchSizeResult, type BuildRun, type Shared, type ThroughputResult } from './footnote.js';
import { measureLatency, type LatencyResult } from './latency.js';
import { readQrels, readQueries, readSeedQuestions, type RetrievalScores } from './metrics.js';
import { renderReport } from './report.js';

/** LangChain batches its embeddings; 16 is what it was compared at since the first bench. */
const LANGCHAIN_BATCH_SIZE = 16;

const PARTS = ['seed', 'scifact', '100k', 'langchain', 'latency', 'cold', 'batch', 'formats'] as const;
type Part = (typeof PARTS)[number];

const USAGE = `Usage: npm run bench [-- options]
  --quick              seed corpus + a 2,000-passage SciFact sample only (LangChain on the same), a few minutes
  --only a,b,...       parts to run: ${PARTS.join(', ')} (default: all)
  --runs N             timed questions per index for latency (default 300; --quick 100)
  --warmup N           warm-up questions per index (default 20)
  --cold-runs N        fresh processes per index for cold start (default 3; --quick 2)
  --rounds N           build rounds on the seed corpus, median reported (default 5; --quick 3)
  --lc-batch N         LangChain embedding batch size (default 16, what it was compared at before;
                       'default' = LangChain's own 512, all batches started at once: ~11 GB RSS on 900 chunks)
  --large N            passages in the large corpus (default 100000)
  --sample N           passages in the --quick SciFact sample (default 2000)
  --batch-sizes a,b,…  batch sizes for the 'batch' part (default 1,4,16,32): the raw forward pass
                       over 1,000 passages spread over the SciFact sample, 2 rounds`;

interface Options {
  quick: boolean;
  parts: Set<Part>;
  runs: number;
  warmup: number;
  coldRuns: number;
  rounds: number;
  /** undefined: LANGCHAIN_BATCH_SIZE; 'default': LangChain's own. */
  lcBatch: number | 'default' | undefined;
  large: number;
  sample: number;
  batchSizes: number[];
}

function parseOptions(argv: string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (name: string, fallback: number) => {
    const v = value(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer, got '${v}'`);
    return n;
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const known = new Set(['--quick', '--only', '--runs', '--warmup', '--cold-runs', '--rounds', '--lc-batch', '--large', '--sample', '--batch-sizes']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    if (!known.has(a)) throw new Error(`Unknown option ${a}.\n${USAGE}`);
  }
  const quick = argv.includes('--quick');
  const only = value('--only');
  const parts = new Set<Part>(only === undefined ? PARTS : []);
  for (const p of (only ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--only: unknown part '${p}' (parts: ${PARTS.join(', ')})`);
    parts.add(p as Part);
  }
  if (quick && parts.has('100k')) {
    parts.delete('100k');
    if (only !== undefined && only.split(',').includes('100k')) note('--quick leaves out the 100k corpus; run without --quick for it.');
  }
  const lc = value('--lc-batch');
  return {
    quick,
    parts,
    runs: int('--runs', quick ? 100 : 300),
    warmup: int('--warmup', 20),
    coldRuns: int('--cold-runs', quick ? 2 : 3),
    rounds: int('--rounds', quick ? 3 : 5),
    lcBatch: lc === 'default' ? 'default' : lc === undefined ? undefined : int('--lc-batch', 16),
    large: int('--large', 100_000),
    sample: int('--sample', 2000),
    batchSizes: (value('--batch-sizes') ?? '1,4,16,32').split(',').map((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--batch-sizes: expected positive integers, got '${v}'`);
      return n;
    }),
  };
}

const started = performance.now();
function note(message: string): void {
  const s = (performance.now() - started) / 1000;
  process.stderr.write(`[bench ${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}] ${message}\n`);
}

function packageVersion(name: string): string | undefined {
  for (const base of [path.join(ROOT, 'node_modules'), path.join(ROOT, 'node_modules', '@huggingface', 'transformers', 'node_modules')]) {
    const file = path.join(base, name, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return undefined;
}

function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg(),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  dotenv.config({ quiet: true, path: path.join(ROOT, '.env') });
  if (!process.env.MODEL_DIR) {
    const fallback = path.join(ROOT, '..', 'shared', 'models');
    if (fs.existsSync(fallback)) {
      process.env.MODEL_DIR = fallback;
      note(`MODEL_DIR is not set; using ${fallback}`);
    } else throw new Error('Set MODEL_DIR to the folder holding the model (transformers.js layout); the benchmark never downloads one.');
  }
  const configFor = makeConfigFactory(ROOT);
  const baseConfig = loadConfig({ ...process.env, LOG_LEVEL: 'warn' }, ROOT);
  const info = machine();
  const load = info.loadAverageAtStart[0]!;
  note(`${options.quick ? 'quick' : 'full'} run: ${[...options.parts].join(', ')}; ${info.cores} cores, load average ${load.toFixed(2)}`);
  if (load > info.cores * 0.5) note(`warning: the load average (${load.toFixed(2)}) says other work is running; figures will be noisy. Ratios are measured in the same run, so they suffer least.`);

  note(`loading ${baseConfig.embedModel} from ${baseConfig.modelDir}…`);
  const loaded = await loadModel(baseConfig.embedModel, baseConfig.modelDir);
  // No query-vector cache here: warm-ups and scoring must do the model work each time.
  const embedder = createEmbedder(loaded, { queryCacheSize: 0 });
  const log = createLogger({ level: 'warn' });
  const shared: Shared = { loaded, embedder, log, config: configFor, note };
  const estimator = { tokenize: embedder.tokenize, passageMaxTokens: baseConfig.passageMaxTokens, overlapSentences: baseConfig.passageOverlapSentences, maxContentTokens: embedder.maxContentTokens };

  // Inputs: corpora (prepared on first use), questions, judgments.
  const benchDir = scifactSourceDir();
  const queries = readQueries(path.join(benchDir, 'queries.jsonl'));
  const qrels = readQrels(path.join(benchDir, 'qrels', 'test.tsv'));
  const seedQuestions = [...readSeedQuestions(path.join(ROOT, 'eval', 'seed-questions.jsonl'))];
  const holdout = path.join(ROOT, 'eval', 'seed-questions-holdout.jsonl');
  const allSeedQuestions = [...seedQuestions, ...(fs.existsSync(holdout) ? readSeedQuestions(holdout) : [])];
  const judgedDocs = new Set([...qrels.values()].flatMap((s) => [...s]));

  const seed = seedCorpus();
  let sciCorpus: (Corpus & { estimatedPassages?: number }) | undefined;
  const scifact = (): Corpus & { estimatedPassages?: number } => {
    if (!sciCorpus) {
      note(options.quick ? `preparing the ~${options.sample}-passage SciFact sample…` : 'preparing the SciFact corpus…');
      sciCorpus = options.quick ? scifactSample(options.sample, judgedDocs, estimator) : scifactCorpus();
    }
    return sciCorpus;
  };
  let bigCorpus: (Corpus & { estimatedPassages: number }) | undefined;
  const large = () => (bigCorpus ??= largeCorpus(options.large, estimator, note));
  const hint = (c: Corpus) => (c.name === 'seed' ? 50 : c === bigCorpus ? options.large : c.name === 'scifact' ? 22_000 : options.sample);

  const results: Results = { throughput: [], quality: {}, langchain: [], latency: [], cold: [], errors: [] };

  const guard = partGuard(note, results.errors);

  // 1. Footnote indexing throughput vs the raw forward pass, and Footnote's quality on each corpus.
  if (options.parts.has('seed')) {
    await guard('seed', async () => {
      const t = await measureThroughput(shared, seed, options.rounds, hint(seed));
      results.throughput.push(t);
      const footnote = await openCached(shared, seed, t.indexDir);
      (results.quality.seed ??= {}).footnote = await footnoteSeedHit3(footnote, seedQuestions);
    });
  }
  if (options.parts.has('scifact')) {
    await guard('scifact', async () => {
      const corpus = scifact();
      const t = await measureThroughput(shared, corpus, 1, hint(corpus));
      results.throughput.push(t);
      note(`${corpus.name}: scoring Footnote on ${qrels.size} test queries…`);
      const footnote = await openCached(shared, corpus, t.indexDir);
      results.quality.scifact = { ...results.quality.scifact, corpus: corpus.name, footnote: await footnoteSciFact(shared, footnote, queries, qrels) };
    });
  }

  // 1b. The raw forward pass at several batch sizes: where a better EMBED_BATCH_SIZE would show.
  if (options.parts.has('batch')) {
    await guard('batch', async () => {
      const sample = scifactSample(options.sample, judgedDocs, estimator);
      results.batchSizes = await measureBatchSizes(shared, sample, options.batchSizes, 2, 1000);
    });
  }

  // 1c. HTML and PDF: extraction alone, and a full build of each with its phases.
  if (options.parts.has('formats')) {
    await guard('formats', async () => {
      results.formats = await measureFormats(shared, options.quick ? FORMATS_QUICK_SIZES : FORMATS_SIZES);
      results.errors.push(...results.formats.errors);
    });
  }

  // 2. The LangChain.js baseline on the same corpora.
  if (options.parts.has('langchain')) {
    await guard('langchain', async () => {
      const lc = await import('./langchain.js');
      const lcBatch = options.lcBatch === 'default' ? undefined : (options.lcBatch ?? LANGCHAIN_BATCH_SIZE);
      const lcOptions = { modelDir: baseConfig.modelDir!, modelId: baseConfig.embedModel, queryPrefix: loaded.profile.queryPrefix, batchSize: lcBatch, note };
      const embeddings = lc.createEmbeddings(lcOptions);
      const countTokens = (text: string) => embedder.tokenize(text).length;
      for (const corpus of [seed, scifact()]) {
        const run = await lc.langchainIndex(corpus, embeddings, path.join(WORK, 'tmp'), corpus === seed ? options.rounds : 1, countTokens, lcOptions);
        const { store, ...row } = run;
        const footnoteRun = results.throughput.find((t) => t.corpus === corpus.name);
        results.langchain.push({
          ...row,
          batchSize: embeddings.batchSize,
          footnoteSeconds: footnoteRun?.footnoteSeconds,
          speedup: footnoteRun ? run.seconds / footnoteRun.footnoteSeconds : undefined,
        });
        if (corpus === seed) {
          note('seed: scoring LangChain on the seed questions…');
          (results.quality.seed ??= {}).langchain = await lc.langchainSeedHit3(store, embeddings, lcOptions.queryPrefix, seedQuestions);
          if (!results.quality.seed.footnote) {
            const { indexDir } = await ensureIndex(shared, seed, hint(seed));
            results.quality.seed.footnote = await footnoteSeedHit3(await openCached(shared, seed, indexDir), seedQuestions);
          }
        } else {
          note(`${corpus.name}: scoring LangChain on ${qrels.size} test queries…`);
          results.quality.scifact = { ...results.quality.scifact, corpus: corpus.name, langchain: await lc.langchainSciFact(store, embeddings, lcOptions.queryPrefix, queries, qrels) };
          if (!results.quality.scifact.footnote) {
            const { indexDir } = await ensureIndex(shared, corpus, hint(corpus));
            results.quality.scifact.footnote = await footnoteSciFact(shared, await openCached(shared, corpus, indexDir), queries, qrels);
          }
        }
      }
    });
  }

  // 3. The large corpus: built once, cached; its build time is reported when it was built in this run.
  if (options.parts.has('100k')) {
    await guard('100k', async () => {
      const corpus = large();
      if (!options.parts.has('latency') && !options.parts.has('cold')) note('100k: building (or finding) the index only; add latency,cold to measure on it.');
      const { indexDir, built } = await ensureIndex(shared, corpus, hint(corpus));
      results.large = { corpus: corpus.name, description: corpus.description, indexDir, ...(built && { built }) };
    });
  }

  // Indexes the latency and cold-start parts run on, smallest first.
  const scope = async (): Promise<{ corpus: Corpus; indexDir: string }[]> => {
    const list: { corpus: Corpus; indexDir: string }[] = [];
    // The 100k corpus only when it was asked for: building it takes about an hour.
    for (const corpus of [seed, scifact(), ...(options.quick || !options.parts.has('100k') ? [] : [large()])]) {
      const { indexDir, built } = await ensureIndex(shared, corpus, hint(corpus));
      if (built && corpus === bigCorpus) results.large = { corpus: corpus.name, description: corpus.description, indexDir, built };
      list.push({ corpus, indexDir });
    }
    return list;
  };

  // 4. Warm question latency, in this process.
  if (options.parts.has('latency')) {
    await guard('latency', async () => {
      const claims = [...new Set([...[...qrels.keys()].map((id) => queries.get(id)!), ...queries.values()])];
      const warmup = claims.slice(-options.warmup);
      const pool = claims.slice(0, claims.length - options.warmup);
      const seedTexts = [...new Set(allSeedQuestions.map((q) => q.question))].filter((q) => !warmup.includes(q));
      for (const { corpus, indexDir } of await scope()) {
        const scifactOnly = corpus.name.startsWith('scifact');
        const timed = scifactOnly ? pool.slice(0, options.runs) : [...new Set([...seedTexts, ...pool])].slice(0, options.runs);
        const label = scifactOnly
          ? `${timed.length} distinct SciFact claims`
          : `${Math.min(seedTexts.length, timed.length)} seed questions + ${Math.max(0, timed.length - seedTexts.length)} SciFact claims, all distinct`;
        note(`${corpus.name}: warm latency, ${warmup.length} warm-up + ${timed.length} timed questions…`);
        // A fresh instance: its embedder's query-vector cache has seen none of these questions
        // (the quality parts asked the seed questions of the shared one).
        const footnote = await openFootnote({ config: configFor(corpus.dir, indexDir), log });
        results.latency.push(await measureLatency(corpus.name, footnote, loaded, loaded.profile.queryPrefix, warmup, timed, label));
      }
    });
  }

  // 5. Cold start to first answer and peak memory, in fresh processes.
  if (options.parts.has('cold')) {
    await guard('cold', async () => {
      const firstTest = queries.get([...qrels.keys()][0]!)!;
      for (const { corpus, indexDir } of await scope()) {
        const question = corpus.name.startsWith('scifact') ? firstTest : 'What did Lightfoot tell ICE?';
        note(`${corpus.name}: cold start × ${options.coldRuns}…`);
        results.cold.push(await measureColdStart(corpus, indexDir, indexBytes(indexDir), question, options.coldRuns, note));
      }
    });
  }

  const finishedAt = new Date();
  const report = {
    startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
    finishedAt: finishedAt.toISOString(),
    seconds: (performance.now() - started) / 1000,
    mode: options.quick ? 'quick' : 'full',
    parts: [...options.parts],
    options: { runs: options.runs, warmup: options.warmup, coldRuns: options.coldRuns, rounds: options.rounds, lcBatch: options.lcBatch ?? LANGCHAIN_BATCH_SIZE, large: options.large, sample: options.sample, batchSizes: options.batchSizes },
    machine: { ...info, loadAverageAtEnd: os.loadavg() },
    model: {
      id: baseConfig.embedModel,
      weights: 'onnx/model_quantized.onnx (int8)',
      modelDir: baseConfig.modelDir,
      batchSize: FOOTNOTE_BATCH_SIZE,
      passageMaxTokens: baseConfig.passageMaxTokens,
      passageOverlapSentences: baseConfig.passageOverlapSentences,
    },
    versions: Object.fromEntries(
      ['@huggingface/transformers', 'onnxruntime-node', 'hnswlib-node', 'minisearch', '@langchain/community', '@langchain/core', '@langchain/textsplitters', 'tsx']
        .map((n) => [n, packageVersion(n)] as const)
        .filter((entry): entry is readonly [string, string] => entry[1] !== undefined),
    ),
    targets: { footnoteOverRaw: 0.85, speedupOverLangChain: 1.5, p95OverBareEmbedding: 1.25 },
    results,
  };
  process.stdout.write(renderReport(report) + '\n');

  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = finishedAt.toISOString().replace(/[:.]/g, '-');
  const json = JSON.stringify(report, null, 1);
  fs.writeFileSync(path.join(dir, `${stamp}.json`), json);
  fs.writeFileSync(path.join(dir, 'latest.json'), json);
  note(`wrote bench/results/${stamp}.json and bench/results/latest.json (${report.seconds.toFixed(0)} s in all)`);
  if (results.errors.length) process.exitCode = 1;
}

export interface Hit3 {
  readonly hits: number;
  readonly questions: number;
  readonly rate: number;
}

/** A LangChain index run as reported (its store left out), with Footnote's figures beside it. */
export interface LangChainRow extends Omit<LangChainIndexRun, 'store'> {
  readonly batchSize: number;
  /** Footnote's buildIndex seconds on the same corpus in this run, when measured. */
  readonly footnoteSeconds: number | undefined;
  /** LangChain seconds ÷ Footnote seconds for the same corpus (target ≥ 1.5). */
  readonly speedup: number | undefined;
}

export interface Results {
  throughput: ThroughputResult[];
  quality: { seed?: { footnote?: Hit3; langchain?: Hit3 }; scifact?: { footnote?: RetrievalScores; langchain?: RetrievalScores; corpus: string } };
  langchain: LangChainRow[];
  large?: { corpus: string; description: string; indexDir: string; built?: BuildRun };
  latency: LatencyResult[];
  cold: ColdResult[];
  batchSizes?: BatchSizeResult;
  formats?: FormatsResult;
  errors: { part: string; error: string }[];
}

export type BenchReport = {
  startedAt: string;
  finishedAt: string;
  seconds: number;
  mode: string;
  parts: string[];
  options: Record<string, unknown>;
  machine: ReturnType<typeof machine> & { loadAverageAtEnd: number[] };
  model: { id: string; weights: string; modelDir: string | undefined; batchSize: number; passageMaxTokens: number; passageOverlapSentences: number };
  versions: Record<string, string>;
  targets: { footnoteOverRaw: number; speedupOverLangChain: number; p95OverBareEmbedding: number };
  results: Results;
};

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
