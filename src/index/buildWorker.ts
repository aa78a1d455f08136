/**
 * Runs buildIndex in a worker thread. onnxruntime-node's forward pass blocks the thread it
 * runs on for up to a second or more per batch; in the bot that thread must stay free to
 * acknowledge interactions within Discord's 3 seconds, so reindexing happens here.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config.js';
import { createEmbedder } from '../embed/embedder.js';
import { loadModel } from '../embed/model.js';
import { isFootnoteError } from '../errors.js';
import { createLogger } from '../log.js';
import { buildIndex, type WebMode } from './build.js';

const { config, full, web } = workerData as { config: Config; full: boolean; web: WebMode };
const port = parentPort!;
// When the bot's thread wants the cores too (a burst of questions to acknowledge and answer),
// it goes first. On Linux a nice value is per thread, and the threads onnxruntime starts from
// this one inherit it; elsewhere it would lower the whole process, so it is left alone.
if (process.platform === 'linux') {
  try {
    os.setPriority(0, 10);
  } catch {
    // Not permitted: the reindex runs at normal priority.
  }
}
try {
  const loaded = await loadModel(config.embedModel, config.modelDir);
  const log = createLogger({ level: config.logLevel, secrets: config.discord.token ? [config.discord.token] : [] });
  const report = await buildIndex({
    config,
    embedder: createEmbedder(loaded),
    profile: loaded.profile,
    log,
    full,
    web,
    onProgress: (progress) => port.postMessage({ type: 'progress', progress }),
  });
  port.postMessage({ type: 'done', report });
} catch (error) {
  port.postMessage({
    type: 'error',
    code: isFootnoteError(error) ? error.code : undefined,
    message: error instanceof Error ? error.message : String(error),
  });
}
