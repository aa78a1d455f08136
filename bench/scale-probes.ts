/**
 * Recall@100 and time of the LanceDB vector search against how many partitions it probes and how
 * many candidates it re-ranks with the full vectors, on a dataset bench:scale wrote (the figures
 * behind MAX_PROBES and REFINE_FACTOR in src/index/lancedb/search.ts):
 *   LANCE_CPU_THREADS=4 npx tsx bench/scale-probes.ts .bench/scale/1m-lancedb 20:3,50:3,100:6,all:6
 * Each setting is `probes:refine` (refine 0: the index's own ranking). The exact top 100 of the
 * first 60 test claims comes from a flat scan (about two minutes at 1M); each setting then runs 20
 * warm-up and 300 timed claims, reports p50/p95 and recall, and the process's RSS after them.
 * Settings share one process, so RSS is cumulative: run one setting for its own figure.
 */
import path from 'node:path';
import { connect } from '../src/index/lancedb/lance.js';
import { readQuestions } from './scale-queries.js';
import { memory } from './scale-store.js';

const dataset = path.resolve(process.argv[2] ?? '.bench/scale/1m-lancedb');
const settings = (process.argv[3] ?? '20:3,50:3,100:6,all:6').split(',').map((s) => s.split(':') as [string, string?]);
const questions = readQuestions(path.resolve('.bench/scale/questions.json'));
const timed = questions.test.map((q) => q.vector);
const warmup = questions.warmup.map((q) => q.vector);

const db = await connect(dataset);
const published = await db.openTable('published');
await published.checkout('live');
const record = (await published.query().toArray())[0] as { passages_version: number | bigint; vector_partitions: number };
const passages = await db.openTable('passages', undefined, { version: Number(record.passages_version) });
const partitions = Number(record.vector_partitions);
const indexes = (await passages.listIndices()).filter((i) => i.columns.includes('vector')).map((i) => i.indexType);
console.log(`${dataset}: ${await passages.countRows()} passages, ${indexes.join(', ') || 'no vector index'}, ${partitions} partitions`);

const exact: Set<number>[] = [];
for (const vector of timed.slice(0, 60)) {
  const rows = (await passages.vectorSearch(vector).distanceType('cosine').bypassVectorIndex().select(['passage', '_distance']).limit(100).toArray()) as { passage: number }[];
  exact.push(new Set(rows.map((r) => r.passage)));
}
for (const [probes, refine = '0'] of settings) {
  const nprobes = probes === 'all' ? partitions : Number(probes);
  const search = async (vector: Float32Array) => {
    let query = passages.vectorSearch(vector).column('vector').distanceType('cosine').nprobes(nprobes).select(['passage', 'vector', '_distance']).limit(100);
    if (Number(refine) > 0) query = query.refineFactor(Number(refine));
    return (await query.toArray()) as { passage: number }[];
  };
  for (const vector of warmup) await search(vector);
  const times: number[] = [];
  let recall = 0;
  for (const [i, vector] of timed.entries()) {
    const started = performance.now();
    const rows = await search(vector);
    times.push(performance.now() - started);
    if (i < exact.length) recall += rows.filter((r) => exact[i]!.has(r.passage)).length / 100 / exact.length;
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
  console.log(`probes ${String(nprobes).padStart(4)}, refine ${refine.padStart(2)}: recall@100 ${recall.toFixed(3)}  p50 ${at(0.5)} ms  p95 ${at(0.95)} ms  RSS ${(memory().vmRssKb / 1024).toFixed(0)} MB`);
}
passages.close();
published.close();
db.close();
