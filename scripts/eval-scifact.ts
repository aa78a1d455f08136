/**
 * BEIR SciFact retrieval quality: `npm run eval:scifact`.
 * Indexes ../shared/bench/scifact/corpus.jsonl (5,183 abstracts; the first run embeds them all,
 * ~10 minutes on 2 cores; later runs reuse the index in .scifact/) and scores the 300 test
 * queries: nDCG@10 and Recall@100 of the ranking the bot itself uses (the same candidate pool),
 * fused, and dense and BM25 alone.
 * Options: --bench DIR (default ../shared/bench/scifact), --weights 0.3,0.5,0.6 (dense shares to report).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { createEmbedder } from '../src/embed/embedder.js';
import { loadModel } from '../src/embed/model.js';
import { createLogger } from '../src/log.js';
import { openFootnote } from '../src/service.js';
import { retrieve, DEFAULT_DENSE_WEIGHT } from '../src/search/answer.js';
import { documentOfPassage } from '../src/index/backend.js';
import { createProgressBar } from '../src/cli/progress.js';
import dotenv from 'dotenv';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const benchDir = path.resolve(option('--bench', '../shared/bench/scifact'));
const weights = option('--weights', `0,1,${DEFAULT_DENSE_WEIGHT}`).split(',').map(Number);

dotenv.config({ quiet: true });
const workDir = path.resolve(process.env.SCIFACT_DIR ?? '.scifact');
const corpusDir = path.join(workDir, 'corpus');
fs.mkdirSync(corpusDir, { recursive: true });
// The bench folder also holds queries and a README, which must not be indexed as documents.
const corpusFile = path.join(corpusDir, 'corpus.jsonl');
if (!fs.existsSync(corpusFile) || fs.statSync(corpusFile).size !== fs.statSync(path.join(benchDir, 'corpus.jsonl')).size) {
  fs.copyFileSync(path.join(benchDir, 'corpus.jsonl'), corpusFile);
}
const config = loadConfig({ ...process.env, CORPUS_DIR: corpusDir, INDEX_DIR: path.join(workDir, 'index') });
const log = createLogger({ level: 'warn' });
const bar = createProgressBar();
const started = performance.now();
const footnote = await openFootnote({ config, log, onProgress: (p) => bar.update(p) });
bar.done();
const report = await footnote.reindex({ onProgress: (p) => bar.update(p) });
bar.done();
const indexSeconds = (performance.now() - started) / 1000;
const index = footnote.index;
const documentOf = documentOfPassage(index.catalog);

const queries = new Map<string, string>();
for (const line of fs.readFileSync(path.join(benchDir, 'queries.jsonl'), 'utf8').split('\n').filter(Boolean)) {
  const q = JSON.parse(line) as { _id: string; text: string };
  queries.set(q._id, q.text);
}
const qrels = new Map<string, Set<string>>();
for (const line of fs.readFileSync(path.join(benchDir, 'qrels/test.tsv'), 'utf8').split('\n').slice(1)) {
  const [qid, docId, score] = line.replace(/\r$/, '').split('\t');
  if (!qid || !docId || Number(score) <= 0) continue;
  if (!qrels.has(qid)) qrels.set(qid, new Set());
  qrels.get(qid)!.add(docId);
}

// A second embedder on the same weights gives plain query vectors without going through answering.
const embedder = createEmbedder(await loadModel(config.embedModel, config.modelDir));
const vectors = new Map<string, Float32Array>();
for (const qid of qrels.keys()) vectors.set(qid, await embedder.embedQuery(queries.get(qid)!));

console.log(`SciFact: ${index.catalog.length} documents, ${index.manifest.passageCount} passages, ${qrels.size} test queries; model ${config.embedModel}, PASSAGE_MAX_TOKENS=${config.passageMaxTokens}`);
console.log(`index ready in ${indexSeconds.toFixed(0)} s (${report.embeddedPassages} passages embedded this run)`);
console.log('dense weight | nDCG@10 | Recall@100');
for (const weight of weights) {
  let ndcg = 0;
  let recall = 0;
  for (const [qid, relevant] of qrels) {
    const ranked = await rank(vectors.get(qid)!, queries.get(qid)!, weight);
    const docs: string[] = [];
    for (const c of ranked) {
      const id = documentOf(c.passage)!.id;
      if (!docs.includes(id)) docs.push(id);
      if (docs.length === 100) break;
    }
    ndcg += ndcgAt(docs, relevant, 10);
    recall += docs.filter((d) => relevant.has(d)).length / relevant.size;
  }
  const label = weight === 0 ? 'BM25 only' : weight === 1 ? 'dense only' : `fused ${weight}`;
  console.log(`${label.padEnd(12)} | ${(ndcg / qrels.size).toFixed(4)}  | ${(recall / qrels.size).toFixed(4)}`);
}

/**
 * Passages best first: the bot's fused ranking, or for weight 1 / 0 one ranking alone (300 deep,
 * so its Recall@100 is its own and not the union's).
 */
async function rank(vector: Float32Array, query: string, weight: number): Promise<readonly { passage: number }[]> {
  if (weight === 1) return (await index.search(vector, query, 300)).dense;
  if (weight === 0) return (await index.search(vector, query, 300)).lexical;
  return retrieve(index, vector, query, weight);
}

function ndcgAt(ranked: string[], relevant: Set<string>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((d, i) => (dcg += relevant.has(d) ? 1 / Math.log2(i + 2) : 0));
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}
