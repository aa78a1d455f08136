import { Worker } from 'node:worker_threads';
import type { Config } from '../config.js';
import { FootnoteError, type ErrorCode } from '../errors.js';
import type { BuildProgress, BuildReport, WebMode } from './build.js';

type WorkerMessage =
  | { type: 'progress'; progress: BuildProgress }
  | { type: 'done'; report: BuildReport }
  | { type: 'error'; code?: ErrorCode; message: string };

/** buildIndex in a worker thread (see buildWorker.ts): same report, same errors, same progress. */
export function buildIndexInWorker(config: Config, options: { full?: boolean; web?: WebMode; onProgress?: (p: BuildProgress) => void }): Promise<BuildReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./buildWorker.mjs', import.meta.url), { workerData: { config, full: options.full === true, web: options.web ?? 'refresh' } });
    let settled = false;
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.progress);
      else {
        settled = true;
        if (message.type === 'done') resolve(message.report);
        else reject(message.code ? new FootnoteError(message.code, message.message) : new Error(message.message));
        void worker.terminate();
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the reindex worker stopped unexpectedly (exit code ${code})`));
    });
  });
}
