import { analyze } from '../analyze.js';
import type { CandidateHits } from '../backend.js';
import type { LexicalHit } from '../lexical.js';
import type { VectorHit } from '../vectors.js';
import { loadLance, type Table } from './lance.js';

/**
 * Query breadth of the vector index. Measured (a scratch script, not a test) against a flat search
 * on random unit vectors of 384 dimensions, 50 questions: with partitions of ~3,000 passages
 * (m 32, efConstruction 200) and every partition probed, recall@100 is 0.97 at ef 200 (50,000
 * passages: 8 ms a question; 200,000: 35 ms). LanceDB's graphs lose recall as they grow (one
 * partition of 50,000 random vectors: 0.60 at ef 200, 0.71 at ef 300), hence the small partitions.
 */
export function searchBreadth(limit: number): number {
  return Math.max(100, 2 * limit);
}

/**
 * Partitions probed at most. Probing all of them costs a graph search each. At 1,000,000 passages
 * (333 partitions, vectors derived from SciFact's; `bench/scale-probes.ts`), two builds of the
 * dataset: all probed 69 / 74 ms a question (p50) for recall@100 0.959 / 0.967; 64 probed 25 / 24 ms
 * for 0.939 / 0.961; 32 probed 0.929 / 0.889 (ef 400 adds nothing). Up to ~190,000 passages every
 * partition is probed.
 */
export const MAX_PROBES = 64;

/**
 * The `limit` nearest passages by cosine: exact below the indexing threshold, else from the index.
 * Scores are the exact cosines of the stored vectors, computed here: with its index LanceDB
 * reports distances of the quantised vectors, on another scale (2 − 2·cos), which the
 * answerability threshold must not see.
 */
export async function denseSearch(passages: Table, vector: Float32Array, limit: number, partitions: number): Promise<VectorHit[]> {
  let query = passages.vectorSearch(vector).column('vector').distanceType('cosine').select(['passage', 'vector', '_distance']).limit(limit);
  if (partitions > 0) query = query.nprobes(Math.min(partitions, MAX_PROBES)).ef(searchBreadth(limit));
  const hits: VectorHit[] = [];
  const dimension = vector.length;
  for (const batch of (await query.toArrow()).batches) {
    const numbers = batch.getChild('passage')!;
    const vectors = batch.getChild('vector')!;
    for (let i = 0; i < batch.numRows; i++) {
      const stored = (vectors.get(i) as { toArray(): Float32Array }).toArray();
      let cosine = 0;
      for (let d = 0; d < dimension; d++) cosine += stored[d]! * vector[d]!;
      hits.push({ passage: Number(numbers.get(i)), score: cosine });
    }
  }
  return hits.sort((a, b) => b.score - a.score || a.passage - b.passage);
}

/** The `limit` best passages by BM25 over the analysed question's terms (any of them). */
export async function lexicalSearch(passages: Table, question: string, limit: number): Promise<LexicalHit[]> {
  const terms = analyze(question);
  if (terms.length === 0) return [];
  const { lancedb } = await loadLance();
  const match = new lancedb.MatchQuery(terms.join(' '), 'terms', { operator: lancedb.Operator.Or });
  const rows = (await passages.query().fullTextSearch(match).select(['passage', '_score']).limit(limit).toArray()) as { passage: number; _score: number }[];
  return rows.map((r) => ({ passage: r.passage, score: r._score })).sort((a, b) => b.score - a.score || a.passage - b.passage);
}

export async function searchBoth(passages: Table, vector: Float32Array, question: string, limit: number, partitions: number): Promise<CandidateHits> {
  if (limit <= 0) return { dense: [], lexical: [] };
  const [dense, lexical] = await Promise.all([denseSearch(passages, vector, limit, partitions), lexicalSearch(passages, question, limit)]);
  return { dense, lexical };
}
