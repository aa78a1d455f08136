import { analyze } from '../analyze.js';
import type { CandidateHits } from '../backend.js';
import type { LexicalHit } from '../lexical.js';
import type { VectorHit } from '../vectors.js';
import { loadLance, type Table } from './lance.js';

/**
 * Query breadth of the vector index. Measured (a scratch script, not a test) against a flat search
 * on random unit vectors of 384 dimensions, 50 questions: with partitions of ~3,000 passages
 * (m 32, efConstruction 200) and every partition probed, recall@100 is 0.97 at ef 200 (50,000
 * passages: 8 ms a question; 200,000: 35 ms). Random vectors have no clusters for IVF to exploit,
 * so fewer probes lose recall in proportion (half the partitions: 0.67), and LanceDB's graphs lose
 * it as they grow (one partition of 50,000: 0.60 at ef 200, 0.71 at ef 300).
 */
export function searchBreadth(limit: number): number {
  return Math.max(100, 2 * limit);
}

/** The `limit` nearest passages by cosine: exact below the indexing threshold, else every partition probed. */
export async function denseSearch(passages: Table, vector: Float32Array, limit: number, partitions: number): Promise<VectorHit[]> {
  let query = passages.vectorSearch(vector).column('vector').distanceType('cosine').select(['passage', '_distance']).limit(limit);
  if (partitions > 0) query = query.nprobes(partitions).ef(searchBreadth(limit));
  const rows = (await query.toArray()) as { passage: number; _distance: number }[];
  return rows.map((r) => ({ passage: r.passage, score: 1 - r._distance })).sort((a, b) => b.score - a.score || a.passage - b.passage);
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
