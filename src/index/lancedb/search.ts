import { analyze } from '../analyze.js';
import type { CandidateHits } from '../backend.js';
import type { LexicalHit } from '../lexical.js';
import type { VectorHit } from '../vectors.js';
import { loadLance, type Table } from './lance.js';

/**
 * Partitions probed at most, and how many candidates per wanted hit are re-ranked with the full
 * vectors (LanceDB's refine factor). The index holds one bit per dimension (IVF_RQ), so it is small
 * enough to stay in memory whole (64 MB at 1,000,000 passages) and the refine step restores the
 * ranking. At 1,000,000 passages (1,000 partitions, vectors derived from SciFact's;
 * `bench/scale-probes.ts`): 100 probes, refine 6 gave recall@100 0.967 (50 probes, refine 3: 0.925;
 * 200 and 10: 0.987), against 0.90 and 620 MB of resident index for the IVF_HNSW_SQ index used
 * before (333 partitions, 64 probed). Smaller corpora have fewer partitions, so a larger share is probed.
 */
export const MAX_PROBES = 100;
export const REFINE_FACTOR = 6;

/**
 * The `limit` nearest passages by cosine: exact below the indexing threshold, else from the index.
 * Scores are exact cosines (1 − LanceDB's cosine distance) either way: a flat scan computes them
 * from the stored vectors, and with the index the refine step recomputes them from the stored
 * vectors (measured: within 3e-7 of the cosine computed here in doubles). Without refining, the
 * index would report distances of its quantised codes, which the answerability threshold must not
 * see.
 */
export async function denseSearch(passages: Table, vector: Float32Array, limit: number, partitions: number): Promise<VectorHit[]> {
  let query = passages.vectorSearch(vector).column('vector').distanceType('cosine').select(['passage', '_distance']).limit(limit);
  if (partitions > 0) query = query.nprobes(Math.min(partitions, MAX_PROBES)).refineFactor(REFINE_FACTOR);
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
