/**
 * Cold start to first answer: a fresh Node process (`node --import tsx bench/cold-child.ts`, as
 * `npm run ask` runs TypeScript through tsx) loads the model and a cached index and answers one
 * question. Wall time is measured here, from spawn to the answer line arriving; peak RSS is the
 * child's VmHWM from /proc/self/status, read after answering. (Its `process.resourceUsage().maxRSS`
 * is recorded too but not used: Linux carries the parent's RSS at fork into it.)
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './corpora.js';
import { median } from './metrics.js';

export interface ColdRun {
  /** Spawn → answer line received (ms). */
  readonly wallMs: number;
  /** In the child, ms since its start: modules imported, model + index loaded, answered. */
  readonly importedMs: number;
  readonly openedMs: number;
  readonly answeredMs: number;
  /** getrusage maxRSS: inflated by the parent's RSS at fork (see below); kept for the record. */
  readonly maxRssKb: number;
  /** Peak resident set of the child's own memory image. */
  readonly vmHwmKb: number;
  readonly passages: number;
  readonly answered: boolean;
}

export interface ColdResult {
  readonly corpus: string;
  readonly passages: number;
  readonly indexBytes: number;
  readonly question: string;
  readonly runs: ColdRun[];
  readonly medianWallMs: number;
  readonly medianOpenMs: number;
  readonly peakRssMb: number;
}

function coldRun(env: NodeJS.ProcessEnv, question: string): Promise<ColdRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'cold-child.ts'), question], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let result: ColdRun | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (!result && newline >= 0) {
        const wallMs = performance.now() - started;
        try {
          result = { wallMs, ...(JSON.parse(out.slice(0, newline)) as Omit<ColdRun, 'wallMs'>) };
        } catch (error) {
          reject(new Error(`cold-start child printed something unexpected: ${out.slice(0, 200)}`, { cause: error }));
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (result) resolve(result);
      else reject(new Error(`cold-start child exited with ${code}: ${err.slice(-2000)}`));
    });
  });
}

export async function measureColdStart(
  corpus: { name: string; dir: string },
  indexDir: string,
  indexBytes: number,
  question: string,
  runs: number,
  note: (m: string) => void,
): Promise<ColdResult> {
  const env = { ...process.env, CORPUS_DIR: corpus.dir, INDEX_DIR: indexDir, LOG_LEVEL: 'warn' };
  const results: ColdRun[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await coldRun(env, question);
    note(`${corpus.name}: cold start ${i + 1}/${runs}: answer after ${(run.wallMs / 1000).toFixed(2)} s, peak RSS ${(run.vmHwmKb / 1024).toFixed(0)} MB`);
    results.push(run);
  }
  return {
    corpus: corpus.name,
    passages: results[0]!.passages,
    indexBytes,
    question,
    runs: results,
    medianWallMs: median(results.map((r) => r.wallMs)),
    medianOpenMs: median(results.map((r) => r.openedMs)),
    // VmHWM, not maxRSS: on Linux a child's maxRSS starts from its parent's RSS at fork (the
    // high-water mark survives exec), so it would report this benchmark process's size.
    peakRssMb: Math.max(...results.map((r) => (Number.isFinite(r.vmHwmKb) ? r.vmHwmKb : r.maxRssKb))) / 1024,
  };
}
