/**
 * Where a LanceDB reader's memory and time go, step by step, on a dataset bench:scale wrote:
 *   LANCE_CPU_THREADS=4 npx tsx bench/scale-memory.ts .bench/scale/1m-lancedb
 * Prints RSS and JS heap after opening, after 30 vector-only searches, after 30 vector + full-text
 * searches, and after 30 searches with the view quotes are chosen from (the 30 first test claims of
 * .bench/scale/questions.json, which bench:scale writes).
 */
import path from 'node:path';
import { readQuestions } from './scale-queries.js';
import { memory, storeAt } from './scale-store.js';

const dataset = path.resolve(process.argv[2] ?? '.bench/scale/1m-lancedb');
const questions = readQuestions(path.resolve('.bench/scale/questions.json')).test.slice(0, 30);
const line = (step: string, ms?: number) =>
  console.log(`${step.padEnd(34)} RSS ${(memory().vmRssKb / 1024).toFixed(0).padStart(5)} MB  heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0).padStart(4)} MB${ms === undefined ? '' : `  ${ms.toFixed(1)} ms a question`}`);

line('start');
const { index } = await storeAt('lancedb', dataset).open();
line(`open (${index.catalog.length} documents)`);
const timed = async (step: string, work: (q: (typeof questions)[number]) => Promise<unknown>) => {
  const started = performance.now();
  for (const q of questions) await work(q);
  line(step, (performance.now() - started) / questions.length);
};
await timed('+ 30 vector searches', (q) => index.search(q.vector, '', 100));
await timed('+ 30 vector + full-text searches', (q) => index.search(q.vector, q.text, 100));
await timed('+ 30 searches and views', async (q) => {
  const hits = await index.search(q.vector, q.text, 100);
  await index.view(hits.dense.slice(0, 12).map((h) => h.passage));
});
index.close?.();
