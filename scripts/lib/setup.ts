/**
 * What every benchmark script does first: read its options, keep a copy of the benchmark's
 * corpus in its own cached folder, and open Footnote on it exactly as the CLI does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { createProgressBar } from '../../src/cli/progress.js';
import { loadConfig } from '../../src/config.js';
import { createEmbedder } from '../../src/embed/embedder.js';
import { loadModel } from '../../src/embed/model.js';
import type { BuildReport } from '../../src/index/build.js';
import { createLogger } from '../../src/log.js';
import { openFootnote, type Footnote } from '../../src/service.js';

export interface EvalOptions {
  /** Score a fixed sample of this many questions (see fixedSample) instead of all. */
  readonly sample: number | undefined;
  /** Also print the summary as one JSON line. */
  readonly json: boolean;
  /** Write per-question results (JSONL) here. */
  readonly dump: string | undefined;
  /** The benchmark's data folder. */
  readonly bench: string;
  /** Where the copy of the corpus and its index are kept. */
  readonly cache: string;
  readonly flags: ReadonlySet<string>;
}

/**
 * Parses `--sample N --json --dump FILE --bench DIR --cache DIR` and the script's own `flags`.
 * A wrong option throws an Error whose message says what is wrong and lists the options.
 */
export function parseEvalOptions(argv: readonly string[], defaults: { bench: string; cache: string; flags?: readonly string[] }): EvalOptions {
  const flagNames = defaults.flags ?? [];
  const usage = `options: --sample N, --json, --dump FILE, --bench DIR (default ${defaults.bench}), --cache DIR (default ${defaults.cache})${flagNames.map((f) => `, --${f}`).join('')}`;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        sample: { type: 'string' },
        json: { type: 'boolean' },
        dump: { type: 'string' },
        bench: { type: 'string' },
        cache: { type: 'string' },
        ...Object.fromEntries(flagNames.map((f) => [f, { type: 'boolean' as const }])),
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${usage}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const rawSample = values.sample as string | undefined;
  if (rawSample !== undefined && !/^[1-9]\d*$/.test(rawSample)) throw new Error(`--sample: expected a positive whole number, got '${rawSample}'\n${usage}`);
  return {
    sample: rawSample === undefined ? undefined : Number(rawSample),
    json: values.json === true,
    dump: values.dump as string | undefined,
    bench: path.resolve((values.bench as string | undefined) ?? defaults.bench),
    cache: path.resolve((values.cache as string | undefined) ?? defaults.cache),
    flags: new Set(flagNames.filter((f) => values[f] === true)),
  };
}

/**
 * Keeps a copy of `corpusFile` as `<cacheDir>/corpus/<name>`, replacing it when the source
 * differs. A copy, not a link: the benchmark folder also holds questions and a README, which
 * must not be indexed, and links that lead outside a corpus are not to be relied on.
 */
export function prepareCorpusCache(cacheDir: string, corpusFile: string): { corpusDir: string; indexDir: string } {
  const corpusDir = path.join(cacheDir, 'corpus');
  const copy = path.join(corpusDir, path.basename(corpusFile));
  fs.mkdirSync(corpusDir, { recursive: true });
  const source = fs.readFileSync(corpusFile);
  if (!fs.existsSync(copy) || !fs.readFileSync(copy).equals(source)) {
    fs.rmSync(copy, { force: true });
    fs.writeFileSync(copy, source);
  }
  return { corpusDir, indexDir: path.join(cacheDir, 'index') };
}

/**
 * Opens Footnote on a cached benchmark corpus with the configuration the CLI would use (`.env`
 * and the environment), only CORPUS_DIR and INDEX_DIR pointing at the cache; builds or updates
 * the index (progress on stderr) and says how long that took.
 */
export async function openBenchmark(cache: { corpusDir: string; indexDir: string }): Promise<{ footnote: Footnote; indexSeconds: number; report: BuildReport }> {
  dotenv.config({ quiet: true });
  const config = loadConfig({ ...process.env, CORPUS_DIR: cache.corpusDir, INDEX_DIR: cache.indexDir });
  // Info, so that a rebuild says why (another model, other passage settings, a new index format).
  const log = createLogger({ level: 'info' });
  const bar = createProgressBar();
  const started = performance.now();
  const footnote = await openFootnote({ config, log, onProgress: (p) => bar.update(p) }).finally(() => bar.done());
  const report = await footnote.reindex({ onProgress: (p) => bar.update(p) }).finally(() => bar.done());
  return { footnote, indexSeconds: (performance.now() - started) / 1000, report };
}

/** Prints a line on stderr every `every` questions, so a long run shows it is alive. */
export function questionProgress(total: number, every = 500): (done: number) => void {
  const started = performance.now();
  return (done) => {
    if (done % every !== 0 || done === total) return;
    const ms = (performance.now() - started) / done;
    process.stderr.write(`${done}/${total} questions, ${ms.toFixed(1)} ms each, ETA ${Math.round(((total - done) * ms) / 1000)} s\n`);
  };
}

/**
 * What the fitting scripts (fit:sentences, fit:abstention) start from: Footnote opened on a
 * cached benchmark corpus as `openBenchmark` does, a second embedder on the same weights for
 * plain query vectors, and each document's position in the corpus file (the even/odd split).
 */
export async function openFitting(cacheDir: string, corpusFile: string) {
  const cache = prepareCorpusCache(cacheDir, corpusFile);
  const { footnote } = await openBenchmark(cache);
  const embedder = createEmbedder(await loadModel(footnote.config.embedModel, footnote.config.modelDir));
  const position = new Map(
    fs
      .readFileSync(corpusFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line, i) => [(JSON.parse(line) as { id: string }).id, i] as const),
  );
  return { footnote, index: footnote.index, embedder, workDir: cacheDir, position };
}
