/**
 * The index backends at scale: `npm run bench:scale [-- --only scifact,100k,seed,switch,1m]`.
 * Embedded vs LanceDB on SciFact's real index and on a ~100k-passage corpus derived from it (write
 * time, warm and cold questions, reader memory, disk, quality), LanceDB at ~1M passages, and
 * readers following a version switch. Progress on stderr, the table on stdout, everything in
 * bench/results/scale-<timestamp>.json. See bench/README.md ("Scale").
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BackendKind, VersionParts } from '../src/index/backend.js';
import { describeError } from '../src/errors.js';
import { partGuard } from './parts.js';
import { ROOT, WORK, folderBytes } from './corpora.js';
import type { RetrievalScores } from './metrics.js';
import { measureColdReader, type ColdReaderResult } from './scale-cold.js';
import { loadParts, markDocument, NOISE_SEED, scaleParts } from './scale-data.js';
import { prepareQuestions, relevantDocuments, type QuestionSet } from './scale-queries.js';
import { renderScaleReport } from './scale-report.js';
import { answerSettings, storeAt } from './scale-store.js';
import { measureSwitch, type SwitchResult } from './scale-switch.js';
import { sciFactScores, warmLatency, type WarmResult } from './scale-warm.js';

// LanceDB's full-text index creation deadlocks on 2 cores with its default thread count.
process.env.LANCE_CPU_THREADS ??= '4';

const PARTS = ['scifact', '100k', 'seed', 'switch', '1m'] as const;
type Part = (typeof PARTS)[number];
const BACKENDS: readonly BackendKind[] = ['embedded', 'lancedb'];
const SCALE_DIR = path.join(WORK, 'scale');
const QUESTIONS_FILE = path.join(SCALE_DIR, 'questions.json');

const USAGE = `Usage: npm run bench:scale [-- options]
  --only a,b,...     parts: ${PARTS.join(', ')} (default: all; 1m takes ~7 minutes on 2 cores)
  --million          add the 1m part (to an --only list)
  --backends a,b     backends of the scifact, 100k and seed parts (default embedded,lancedb)
  --runs N           timed questions per index (default 300, the SciFact test claims)
  --warmup N         warm-up questions (default 20)
  --cold-runs N      fresh reader processes per index (default 3)
  --large N          passages in the large corpus (default 100000)
  --million-size N   passages in the 1m part (default 1000000)
  --sigma X          noise per dimension of derived copies (default 0.02)
  --readers a,b      reader processes in the switch part (default 2,4)
  --settle N         seconds the readers answer before the write and after switching (default 10)
  --scifact-index D  the embedded SciFact index (default .scifact/index)`;

interface Options {
  parts: Set<Part>;
  backends: BackendKind[];
  runs: number;
  warmup: number;
  coldRuns: number;
  large: number;
  million: number;
  sigma: number;
  readers: number[];
  settle: number;
  scifactIndex: string;
}

function parseOptions(argv: string[]): Options {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const value = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const number = (name: string, fallback: number, integer = true) => {
    const v = value(name);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`${name}: expected a positive ${integer ? 'integer' : 'number'}, got '${v}'`);
    return n;
  };
  const flags = new Set(['--only', '--million', '--backends', '--runs', '--warmup', '--cold-runs', '--large', '--million-size', '--sigma', '--readers', '--settle', '--scifact-index']);
  const unknown = argv.filter((a) => a.startsWith('--') && !flags.has(a));
  if (unknown.length) throw new Error(`unknown option ${unknown.join(', ')}\n${USAGE}`);
  const only = value('--only')?.split(',').map((p) => p.trim()) ?? [...PARTS];
  const bad = only.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (bad.length) throw new Error(`--only: unknown part ${bad.join(', ')} (parts: ${PARTS.join(', ')})`);
  const parts = new Set(only as Part[]);
  if (argv.includes('--million')) parts.add('1m');
  const backends = (value('--backends') ?? BACKENDS.join(',')).split(',') as BackendKind[];
  if (backends.some((b) => !BACKENDS.includes(b))) throw new Error(`--backends: expected embedded and/or lancedb, got '${value('--backends')}'`);
  return {
    parts,
    backends,
    runs: number('--runs', 300),
    warmup: number('--warmup', 20),
    coldRuns: number('--cold-runs', 3),
    large: number('--large', 100_000),
    million: number('--million-size', 1_000_000),
    sigma: number('--sigma', 0.02, false),
    readers: (value('--readers') ?? '2,4').split(',').map(Number),
    settle: number('--settle', 10),
    scifactIndex: path.resolve(ROOT, value('--scifact-index') ?? '.scifact/index'),
  };
}

const started = performance.now();
function note(message: string): void {
  const s = (performance.now() - started) / 1000;
  process.stderr.write(`[scale ${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}] ${message}\n`);
}

export interface BackendRow {
  readonly corpus: string;
  readonly backend: BackendKind;
  readonly passages: number;
  readonly sentences: number;
  readonly documents: number;
  readonly version: string;
  /** store.write of the same parts into an empty folder / dataset (embedding excluded). */
  readonly writeSeconds: number;
  readonly diskBytes: number;
  readonly warm: WarmResult;
  readonly cold: ColdReaderResult;
  /** SciFact only: the fused ranking over the 300 test claims. */
  readonly quality?: RetrievalScores;
  readonly loadAverage: number[];
}

export interface SeedEval {
  readonly backend: BackendKind;
  readonly command: string;
  readonly hit3?: string;
  readonly quoteHit3?: { rate: number; hits: number; questions: number };
  readonly error?: string;
}

export interface MillionResult {
  readonly target: number;
  readonly passages?: number;
  readonly sentences?: number;
  readonly documents?: number;
  readonly deriveSeconds?: number;
  readonly writeSeconds?: number;
  /** Seconds per step of the write: `tables` (ingest), `full-text index`, `vector index`, `verify`, `publish` (with cleanup). */
  readonly stepSeconds?: Record<string, number>;
  readonly writerPeakRssMb?: number;
  readonly diskBytes?: number;
  readonly warm?: WarmResult;
  readonly cold?: ColdReaderResult;
  /** This run's LanceDB p95 at 100k, which the 1M p95 is held to (≤ 2×). */
  readonly p95At100k?: number;
  readonly error?: string;
  /** The write's last progress lines when it failed. */
  readonly progress?: string[];
  readonly loadAverage: number[];
}

export interface ScaleReport {
  startedAt: string;
  finishedAt: string;
  seconds: number;
  parts: string[];
  options: Omit<Options, 'parts'>;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  lancedbVersion: string | undefined;
  derived: { sigma: number; seed: number; deriveSeconds100k?: number };
  rows: BackendRow[];
  seed: SeedEval[];
  switches: SwitchResult[];
  million?: MillionResult;
  errors: { part: string; error: string }[];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!process.env.MODEL_DIR && fs.existsSync(path.join(ROOT, '..', 'shared', 'models'))) process.env.MODEL_DIR = path.join(ROOT, '..', 'shared', 'models');
  const cpus = os.cpus();
  const { parts: _parts, ...settings } = options;
  const report: ScaleReport = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    seconds: 0,
    parts: [...options.parts],
    options: settings,
    machine: { cores: cpus.length, cpu: cpus[0]?.model.trim() ?? 'unknown', memoryGiB: os.totalmem() / 2 ** 30, node: process.version, loadAverageAtStart: os.loadavg(), loadAverageAtEnd: [] },
    lancedbVersion: packageVersion('@lancedb/lancedb'),
    derived: { sigma: options.sigma, seed: NOISE_SEED },
    rows: [],
    seed: [],
    switches: [],
    errors: [],
  };
  note(`parts: ${[...options.parts].join(', ')}; ${cpus.length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const guard = partGuard(note, report.errors);

  fs.mkdirSync(SCALE_DIR, { recursive: true });
  const questions = await prepareQuestions(QUESTIONS_FILE, options.warmup, note);
  const qrels = relevantDocuments();
  let sciFact: VersionParts | undefined;
  const base = async () => (sciFact ??= await loadSciFact(options.scifactIndex));
  let large: VersionParts | undefined;
  const largeParts = async () => {
    if (!large) {
      const t = performance.now();
      large = scaleParts(await base(), options.large, options.sigma, NOISE_SEED);
      report.derived.deriveSeconds100k = (performance.now() - t) / 1000;
      note(`derived ${large.passages.length.toLocaleString('en-US')} passages (${large.documents.length.toLocaleString('en-US')} documents) in ${report.derived.deriveSeconds100k.toFixed(1)} s`);
    }
    return large;
  };

  // 1. Embedded vs LanceDB: the same parts written by each, then read.
  for (const corpus of ['scifact', '100k'] as const) {
    if (!options.parts.has(corpus)) continue;
    for (const backend of options.backends) {
      await guard(`${corpus} ${backend}`, async () => {
        const parts = corpus === 'scifact' ? await base() : await largeParts();
        report.rows.push(await measureBackend(corpus, backend, parts, questions, qrels, options));
      });
    }
  }

  // 1b. Seed quote-hit@3 through `npm run eval`, per backend.
  if (options.parts.has('seed')) {
    for (const backend of options.backends) await guard(`seed ${backend}`, async () => void report.seed.push(await seedEval(backend)));
  }

  // 3. Readers following a switch (LanceDB, 100k).
  if (options.parts.has('switch')) {
    await guard('switch', async () => {
      const parts = await largeParts();
      const store = storeAt('lancedb', location('100k', 'lancedb'));
      if (!(await store.liveVersion().catch(() => ''))) {
        note(`switch: no 100k LanceDB dataset yet; writing it…`);
        fs.rmSync(store.location, { recursive: true, force: true });
        await store.write(parts);
      }
      const marked = parts.documents.findIndex((d) => qrels.get(questions.test[0]!.id)?.has(d.id));
      for (const readers of options.readers) {
        note(`switch: ${readers} readers while a new version is written…`);
        const mark = `[switch test, ${readers} readers]`;
        const result = await measureSwitch({ store, parts: markDocument(parts, Math.max(0, marked), mark), readers, mark, questionsFile: QUESTIONS_FILE, settleSeconds: options.settle, note });
        note(`  ${result.ok ? 'every answer came whole from a published version' : 'PROBLEMS: see the table'}`);
        report.switches.push(result);
      }
    });
  }

  // 2. LanceDB at ~1M passages.
  if (options.parts.has('1m')) {
    await guard('1m', async () => {
      await base(); // the 1M child reads the same index; fail here, early, if it is missing
      const p95At100k = report.rows.find((r) => r.corpus === '100k' && r.backend === 'lancedb')?.warm.p95;
      report.million = await measureMillion(options, questions, p95At100k);
      if (report.million.error) report.errors.push({ part: '1m', error: report.million.error });
    });
  }

  report.finishedAt = new Date().toISOString();
  report.seconds = (performance.now() - started) / 1000;
  report.machine.loadAverageAtEnd = os.loadavg();
  process.stdout.write(renderScaleReport(report) + '\n');
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `scale-${report.finishedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 1));
  note(`wrote ${path.relative(ROOT, file)} (${report.seconds.toFixed(0)} s in all)`);
  if (report.errors.length) process.exitCode = 1;
}

function location(corpus: string, backend: BackendKind): string {
  return path.join(SCALE_DIR, `${corpus}-${backend}`);
}

async function loadSciFact(indexDir: string): Promise<VersionParts> {
  if (!fs.existsSync(path.join(indexDir, 'CURRENT'))) {
    note(`no SciFact index in ${indexDir}: building it with \`npm run eval:scifact\` (~7 minutes)…`);
    await run('npx', ['tsx', 'scripts/eval-scifact.ts'], { ...process.env, SCIFACT_DIR: path.dirname(indexDir) });
  }
  const parts = await loadParts(indexDir);
  note(`SciFact index: ${parts.documents.length.toLocaleString('en-US')} documents, ${parts.passages.length.toLocaleString('en-US')} passages, ${parts.manifest.sentenceCount.toLocaleString('en-US')} sentence rows`);
  return parts;
}

async function measureBackend(corpus: string, backend: BackendKind, parts: VersionParts, questions: QuestionSet, qrels: Map<string, Set<string>>, options: Options): Promise<BackendRow> {
  const loadAverage = os.loadavg();
  const where = location(corpus, backend);
  fs.rmSync(where, { recursive: true, force: true });
  const store = storeAt(backend, where);
  note(`${corpus} ${backend}: writing ${parts.passages.length.toLocaleString('en-US')} passages to ${path.relative(ROOT, where)}…`);
  const t = performance.now();
  const version = await store.write(parts);
  const writeSeconds = (performance.now() - t) / 1000;
  const diskBytes = folderBytes(where);
  note(`  written in ${writeSeconds.toFixed(1)} s, ${(diskBytes / 2 ** 20).toFixed(0)} MB on disk; warm questions…`);
  const { index } = await store.open();
  const settings = answerSettings(questions.modelId);
  const warm = await warmLatency(index, questions.warmup, questions.test.slice(0, options.runs), settings);
  note(`  warm p50 ${warm.p50.toFixed(1)} ms, p95 ${warm.p95.toFixed(1)} ms`);
  const quality = corpus === 'scifact' ? await sciFactScores(index, questions.test, qrels) : undefined;
  if (quality) note(`  nDCG@10 ${quality.ndcg10.toFixed(4)}, Recall@100 ${quality.recall100.toFixed(4)}`);
  index.close?.();
  const cold = await measureColdReader(backend, where, QUESTIONS_FILE, options.coldRuns, note);
  return { corpus, backend, passages: parts.passages.length, sentences: parts.manifest.sentenceCount, documents: parts.documents.length, version, writeSeconds, diskBytes, warm, cold, ...(quality && { quality }), loadAverage };
}

/** `npm run eval` (scripts/eval.ts) with INDEX_BACKEND set, in an index folder of its own under .bench/scale/. */
async function seedEval(backend: BackendKind): Promise<SeedEval> {
  const indexDir = path.join(SCALE_DIR, `seed-${backend}`);
  fs.rmSync(indexDir, { recursive: true, force: true });
  const env = { ...process.env, INDEX_BACKEND: backend, INDEX_DIR: indexDir, LOG_LEVEL: 'warn' };
  const command = `MODEL_DIR=${process.env.MODEL_DIR} INDEX_BACKEND=${backend} INDEX_DIR=${path.relative(ROOT, indexDir)} LANCE_CPU_THREADS=${process.env.LANCE_CPU_THREADS} npm run eval`;
  note(`seed: ${command}`);
  const out = await run('npm', ['run', 'eval'], env);
  const quote = /^quote-hit@3\s+([\d.]+)% \((\d+)\/(\d+)\)/m.exec(out);
  const hit3 = /^hit@3\s+(.+)$/m.exec(out)?.[1]?.trim();
  if (!quote) return { backend, command, error: `no quote-hit@3 line in its output: ${out.slice(0, 500)}` };
  note(`  quote-hit@3 ${quote[1]}% (${quote[2]}/${quote[3]})`);
  return { backend, command, ...(hit3 && { hit3 }), quoteHit3: { rate: Number(quote[1]) / 100, hits: Number(quote[2]), questions: Number(quote[3]) } };
}

async function measureMillion(options: Options, questions: QuestionSet, p95At100k: number | undefined): Promise<MillionResult> {
  const loadAverage = os.loadavg();
  const where = location('1m', 'lancedb');
  fs.rmSync(where, { recursive: true, force: true });
  note(`1m: deriving ~${options.million.toLocaleString('en-US')} passages and writing them to ${path.relative(ROOT, where)} in a process of its own…`);
  const progress: string[] = [];
  let written: Omit<MillionResult, 'target' | 'loadAverage'>;
  try {
    const out = await run(process.execPath, ['--max-old-space-size=16384', '--import', 'tsx', path.join(ROOT, 'bench', 'scale-million.ts'), options.scifactIndex, where, String(options.million), String(options.sigma)], process.env, (line) => {
      progress.push(line);
      note(`  ${line}`);
    });
    written = JSON.parse(out.trim().split('\n').pop()!) as typeof written;
  } catch (error) {
    return { target: options.million, error: describeError(error), progress: progress.slice(-10), loadAverage, ...(p95At100k !== undefined && { p95At100k }) };
  }
  const diskBytes = folderBytes(where);
  note(`1m: ${(diskBytes / 2 ** 30).toFixed(2)} GB on disk; warm questions…`);
  const { index } = await storeAt('lancedb', where).open();
  const warm = await warmLatency(index, questions.warmup, questions.test.slice(0, options.runs), answerSettings(questions.modelId));
  index.close?.();
  note(`  warm p50 ${warm.p50.toFixed(1)} ms, p95 ${warm.p95.toFixed(1)} ms`);
  const cold = await measureColdReader('lancedb', where, QUESTIONS_FILE, options.coldRuns, note);
  return { target: options.million, ...written, diskBytes, warm, cold, loadAverage, ...(p95At100k !== undefined && { p95At100k }) };
}

/** Runs a command; resolves to its stdout, rejects with the end of its stderr. Each stderr line goes to `onLine`. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-8000);
      if (!onLine) return;
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.trim()) onLine(line);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}: ${err.trim().slice(-3000)}`))));
  });
}

function packageVersion(name: string): string | undefined {
  const file = path.join(ROOT, 'node_modules', name, 'package.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version : undefined;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`bench:scale: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
