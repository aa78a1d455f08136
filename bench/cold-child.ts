/**
 * One cold start, run by bench/cold.ts in a fresh process: load the model and the index named
 * by CORPUS_DIR / INDEX_DIR (MODEL_DIR from the environment), answer one question, render it,
 * and print one JSON line of timings (ms since the process started) and peak memory. Exits with
 * code 3, having built nothing, if the index would have to be rebuilt.
 */
import fs from 'node:fs';
import { loadConfig } from '../src/config.js';
import { answerToText } from '../src/format/text.js';
import { createLogger } from '../src/log.js';
import { openFootnote } from '../src/service.js';

const importedMs = performance.now();
const question = process.argv[2] ?? 'What did Lightfoot tell ICE?';
const config = loadConfig(process.env);
// The index must be the cached one: a cold start that builds it (because the code's index
// settings changed since it was cached) would time a build, so the child stops instead.
const footnote = await openFootnote({
  config,
  log: createLogger({ level: 'warn' }),
  onProgress: () => {
    process.stderr.write(`INDEX_REBUILD: ${config.indexDir} does not match this code's index settings (was src/ changed during the run?); re-run the benchmark.\n`);
    process.exit(3);
  },
});
const openedMs = performance.now();
const answer = await footnote.ask(question);
answerToText(answer);
const answeredMs = performance.now();
const status = fs.readFileSync('/proc/self/status', 'utf8');
const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
process.stdout.write(
  JSON.stringify({
    importedMs,
    openedMs,
    answeredMs,
    answered: answer.answered,
    passages: footnote.index.manifest.passageCount,
    maxRssKb: process.resourceUsage().maxRSS,
    vmHwmKb: kb('VmHWM'),
    vmRssKb: kb('VmRSS'),
  }) + '\n',
);
process.exit(0);
