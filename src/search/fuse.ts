export interface Candidate {
  readonly passage: number;
  /**
   * Cosine similarity between question and passage vectors. For a passage only BM25 found, the
   * lowest cosine among the dense hits: an upper bound on its own (see `retrieve`).
   */
  readonly dense: number;
  /** False when `dense` is that bound rather than the passage's own cosine. */
  readonly denseExact: boolean;
  /** BM25 score, 0 when the passage shares no term with the question. */
  readonly lexical: number;
  /** Combined relevance in [0, 1]. */
  readonly fused: number;
}

/**
 * Convex combination of the two rankings after scaling each to [0, 1] over the candidates:
 * dense similarity finds paraphrases, BM25 finds exact names and figures ("FCRL", "$1.8 billion").
 * `denseWeight` is the share of the dense score (see README for how it was chosen).
 */
export function fuseScores(candidates: readonly Omit<Candidate, 'fused'>[], denseWeight: number): Candidate[] {
  if (candidates.length === 0) return [];
  const scale = (values: number[]) => {
    const min = Math.min(...values);
    const max = Math.max(...values);
    return (v: number) => (max > min ? (v - min) / (max - min) : max > 0 ? 1 : 0);
  };
  const dense = scale(candidates.map((c) => c.dense));
  const lexicalMax = Math.max(...candidates.map((c) => c.lexical));
  return candidates
    .map((c) => ({ ...c, fused: denseWeight * dense(c.dense) + (1 - denseWeight) * (lexicalMax > 0 ? c.lexical / lexicalMax : 0) }))
    .sort((a, b) => b.fused - a.fused || b.dense - a.dense);
}
