/**
 * Cold start of a reader: a fresh `node --import tsx bench/scale-child.ts` opens the store and
 * answers its first question (from a cached query vector: model loading is left out, being the
 * same for both backends), then 49 more; it reports VmRSS and VmHWM after those 50. The index's
 * files are in the page cache (just written or read): "cold" is the process, not the disk.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { BackendKind } from '../src/index/backend.js';
import { ROOT } from './corpora.js';
import { median } from './metrics.js';

export interface ColdReaderRun {
  /** In the child, ms since its start: modules imported, question vectors read, store opened, first answer, last answer. */
  readonly importedMs: number;
  readonly readMs: number;
  readonly openedMs: number;
  readonly answeredMs: number;
  readonly doneMs: number;
  readonly questions: number;
  readonly vmRssKb: number;
  readonly vmHwmKb: number;
}

export interface ColdReaderResult {
  readonly runs: ColdReaderRun[];
  /** open the store → first answer, ms (median of the runs). */
  readonly openToAnswerMs: number;
  readonly processToAnswerMs: number;
  /** After 50 questions (the largest of the runs), MB. */
  readonly rssMb: number;
  readonly hwmMb: number;
}

function childRun(backend: BackendKind, location: string, questionsFile: string, count: number): Promise<ColdReaderRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'scale-child.ts'), backend, location, questionsFile, String(count)], {
      cwd: ROOT,
      env: { ...process.env, LANCE_CPU_THREADS: process.env.LANCE_CPU_THREADS ?? '4' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`exited with ${code}`);
        resolve(JSON.parse(out.split('\n')[0]!) as ColdReaderRun);
      } catch (error) {
        reject(new Error(`cold reader (${backend}, ${location}) failed: ${describe(error)}: ${err.slice(-2000)}`));
      }
    });
  });
}

export async function measureColdReader(backend: BackendKind, location: string, questionsFile: string, runs: number, note: (m: string) => void): Promise<ColdReaderResult> {
  const results: ColdReaderRun[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await childRun(backend, location, questionsFile, 50);
    note(`  cold reader ${i + 1}/${runs}: open → first answer ${(run.answeredMs - run.readMs).toFixed(0)} ms, RSS after ${run.questions} questions ${(run.vmRssKb / 1024).toFixed(0)} MB (peak ${(run.vmHwmKb / 1024).toFixed(0)} MB)`);
    results.push(run);
  }
  return {
    runs: results,
    openToAnswerMs: median(results.map((r) => r.answeredMs - r.readMs)),
    processToAnswerMs: median(results.map((r) => r.answeredMs)),
    rssMb: Math.max(...results.map((r) => r.vmRssKb)) / 1024,
    hwmMb: Math.max(...results.map((r) => r.vmHwmKb)) / 1024,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
