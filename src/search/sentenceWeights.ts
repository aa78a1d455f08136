/** The evidence that a sentence answers a question (see rankSentences in sentences.ts). */
export interface SentenceFeatures {
  /** Cosine between the question and the sentence's vector. */
  readonly cosine: number;
  /** IDF-weighted share of the question's terms in the sentence, [0, 1]. */
  readonly coverage: number;
  /** What the sentence before adds to `coverage` when this one leans back on it ("He…"), [0, 1]. */
  readonly contextGain: number;
  /** Fused score of the sentence's passage relative to the best passage, [0, 1]. */
  readonly passageScore: number;
  /**
   * 1 when the question asks for a number, a date or a name and the sentence holds none that the
   * question does not already contain (answerType.ts).
   */
  readonly typeMiss: number;
}

/**
 * Logistic-regression weights: score = bias + Σ weight × feature is the log-odds that a sentence
 * holds the answer. Fitted by `npm run fit:sentences` on the SQuAD v1.1 dev articles with an even
 * position (README, "How answers are chosen"); checked on the odd ones, SciFact and the seed set.
 */
export type SentenceWeights = Readonly<Record<keyof SentenceFeatures | 'bias', number>>;

export const SENTENCE_WEIGHTS: SentenceWeights = {
  bias: 0,
  cosine: 13.23,
  coverage: 4.82,
  contextGain: 2.68,
  passageScore: 1.32,
  typeMiss: -0.89,
};
