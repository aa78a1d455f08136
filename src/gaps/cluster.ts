/**
 * Grouping questions by similar wording, on their unit vectors (the embedder's query vectors):
 * greedy average-linkage clustering. Items are taken in the order given (most asked first); each
 * joins the existing group whose members it is most similar to on average, when that average
 * cosine reaches the threshold, else starts a group of its own. Deterministic, no parameters
 * beyond the threshold, O(items × items) dot products: fine for the thousands of distinct
 * questions a feedback file holds.
 */

/**
 * For Xenova/bge-small-en-v1.5 query vectors. On the hand-made set in
 * test/fixtures/gaps/wordings.json (8 needs, 22 wordings), average linkage groups no two
 * different needs together from 0.72 up (below, "how many police officers" and "police budget"
 * merge), and splits more paraphrases the higher it goes. 0.74 keeps a margin above that
 * boundary: merging two needs would hide one of them from moderators, while a split only shows
 * one need twice. Other models have other cosine scales: `npm run gaps -- --threshold 0.8`.
 */
export const DEFAULT_GROUP_THRESHOLD = 0.74;

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Groups of item positions, in the order each group was started. */
export function groupByWording(vectors: readonly Float32Array[], threshold = DEFAULT_GROUP_THRESHOLD): number[][] {
  const groups: number[][] = [];
  for (let i = 0; i < vectors.length; i++) {
    let best = -1;
    let bestScore = -Infinity;
    for (let g = 0; g < groups.length; g++) {
      const members = groups[g]!;
      let sum = 0;
      for (const m of members) sum += cosine(vectors[m]!, vectors[i]!);
      const average = sum / members.length;
      if (average > bestScore) {
        bestScore = average;
        best = g;
      }
    }
    if (best >= 0 && bestScore >= threshold) groups[best]!.push(i);
    else groups.push([i]);
  }
  return groups;
}

/** The normalised mean of some unit vectors: a group's direction, for retrieval. */
export function centroid(vectors: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(vectors[0]?.length ?? 0);
  for (const v of vectors) for (let d = 0; d < out.length; d++) out[d]! += v[d]!;
  let norm = 0;
  for (let d = 0; d < out.length; d++) norm += out[d]! * out[d]!;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < out.length; d++) out[d]! /= norm;
  return out;
}
