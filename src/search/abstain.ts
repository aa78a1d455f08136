/**
 * Does a passage answer the question well enough to be quoted as an answer? Dense similarity
 * alone cannot tell: short questions that name an exact person or figure ("Who is Matthew
 * Bourke?") score low though the corpus answers them, and off-topic questions about the
 * corpus's own subjects score high. So the evidence is the cosine plus a share of the question's
 * rare terms that the passage contains (IDF-weighted coverage), against one threshold per model.
 * Both numbers were chosen on eval/seed-questions.jsonl and checked on the held-out set (README).
 */
export const COVERAGE_WEIGHT = 0.2;

export function answerability(dense: number, coverage: number): number {
  return dense + COVERAGE_WEIGHT * coverage;
}

/** IDF-weighted share of the question's terms that occur in the passage, in [0, 1]. */
export function termCoverage(questionTerms: ReadonlySet<string>, passageTerms: ReadonlySet<string>, idf: (term: string) => number): number {
  let total = 0;
  let found = 0;
  for (const term of questionTerms) {
    const weight = idf(term);
    total += weight;
    if (passageTerms.has(term)) found += weight;
  }
  return total > 0 ? found / total : 0;
}
