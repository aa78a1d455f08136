/**
 * The 1M-passage write, in a process of its own (run by bench/scale.ts, with a larger V8 heap):
 * `node --import tsx bench/scale-million.ts <scifact index dir> <dataset> <passages> <sigma>`.
 * Derives the corpus from SciFact's real index (bench/scale-data.ts) and writes it with the
 * lancedb store's `write`, then prints one JSON line (with the seconds of each step of the write). Progress on stderr says how far it got.
 */
import { loadParts, NOISE_SEED, scaleParts } from './scale-data.js';
import { memory, storeAt } from './scale-store.js';

const [indexDir, dataset, target, sigma] = process.argv.slice(2) as [string, string, string, string];
const say = (m: string) => process.stderr.write(`[1m] ${m} (RSS ${(memory().vmRssKb / 1024).toFixed(0)} MB)\n`);

const base = await loadParts(indexDir);
let started = performance.now();
const parts = scaleParts(base, Number(target), Number(sigma), NOISE_SEED);
const deriveSeconds = (performance.now() - started) / 1000;
say(`derived ${parts.passages.length} passages, ${parts.manifest.sentenceCount} sentence rows, ${parts.documents.length} documents in ${deriveSeconds.toFixed(0)} s; writing to ${dataset}…`);
started = performance.now();
// Seconds per step of the write (WriteStep): ingest is `tables`, the indexes are their own steps.
const stepSeconds: Record<string, number> = {};
let current: { step: string; at: number } | undefined;
const endStep = () => {
  if (current) stepSeconds[current.step] = (stepSeconds[current.step] ?? 0) + (performance.now() - current.at) / 1000;
};
const version = await storeAt('lancedb', dataset).write(parts, {
  onStep: (step) => {
    endStep();
    say(`${step}…`);
    current = { step, at: performance.now() };
  },
});
endStep();
const writeSeconds = (performance.now() - started) / 1000;
say(`wrote ${version} in ${writeSeconds.toFixed(0)} s`);
process.stdout.write(
  JSON.stringify({
    version,
    passages: parts.passages.length,
    sentences: parts.manifest.sentenceCount,
    documents: parts.documents.length,
    deriveSeconds,
    writeSeconds,
    stepSeconds,
    writerPeakRssMb: memory().vmHwmKb / 1024,
  }) + '\n',
  () => process.exit(0),
);
