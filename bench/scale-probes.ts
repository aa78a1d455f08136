/**
 * Recall@100 and time of the LanceDB vector search against how many partitions it probes, on a
 * dataset bench:scale wrote (the figures behind MAX_PROBES in src/index/lancedb/search.ts):
 *   LANCE_CPU_THREADS=4 npx tsx bench/scale-probes.ts .bench/scale/1m-lancedb 8,16,32,64,all
 * The exact top 100 of the first 30 test claims comes from a flat scan (about a minute at 1M);
 * each setting then runs 60 claims (the first 10 as warm-up) and reports p50/p95 and recall.
 */
import path from 'node:path';
import { connect } from '../src/index/lancedb/lance.js';
import { readQuestions } from './scale-queries.js';

const dataset = path.resolve(process.argv[2] ?? '.bench/scale/1m-lancedb');
const settings = (process.argv[3] ?? '8,16,32,64,all').split(',');
const vectors = readQuestions(path.resolve('.bench/scale/questions.json')).test.slice(0, 60).map((q) => q.vector);

const db = await connect(dataset);
const published = await db.openTable('published');
await published.checkout('live');
const record = (await published.query().toArray())[0] as { passages_version: number | bigint; vector_partitions: number };
const passages = await db.openTable('passages', undefined, { version: Number(record.passages_version) });
const partitions = Number(record.vector_partitions);
console.log(`${dataset}: ${await passages.countRows()} passages, ${partitions} partitions`);

const exact: Set<number>[] = [];
for (const vector of vectors.slice(0, 30)) {
  const rows = (await passages.vectorSearch(vector).distanceType('cosine').bypassVectorIndex().select(['passage', '_distance']).limit(100).toArray()) as { passage: number }[];
  exact.push(new Set(rows.map((r) => r.passage)));
}
for (const setting of settings) {
  const nprobes = setting === 'all' ? partitions : Number(setting);
  const times: number[] = [];
  let recall = 0;
  for (const [i, vector] of vectors.entries()) {
    const started = performance.now();
    const rows = (await passages.vectorSearch(vector).distanceType('cosine').nprobes(nprobes).ef(200).select(['passage', 'vector', '_distance']).limit(100).toArray()) as { passage: number }[];
    if (i >= 10) times.push(performance.now() - started);
    if (i < exact.length) recall += rows.filter((r) => exact[i]!.has(r.passage)).length / 100 / exact.length;
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
  console.log(`nprobes ${String(nprobes).padStart(4)}: recall@100 ${recall.toFixed(3)}  p50 ${at(0.5)} ms  p95 ${at(0.95)} ms`);
}
passages.close();
published.close();
db.close();
