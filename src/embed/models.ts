/** What Footnote must know about an embedding model to use it correctly. */
export interface ModelProfile {
  readonly id: string;
  readonly pooling: 'cls' | 'mean';
  /** Put before questions only (never before passages), as the model was trained. */
  readonly queryPrefix: string;
  /** Longest input, special tokens included. */
  readonly maxTokens: number;
  /**
   * Answerability threshold: the lowest cosine between question and best passage that still
   * counts as an answer. Calibrated per model on eval/seed-questions.jsonl (see README).
   */
  readonly answerThreshold: number;
  /**
   * Near-miss threshold (search/abstain.ts): the log-odds below which a question is declined
   * although its passages are similar enough. It depends on the model's cosine scale, so it is
   * set per model, below the lowest answerable seed dev question; -Infinity turns it off.
   */
  readonly nearMissThreshold: number;
}

export const MODEL_PROFILES: Record<string, ModelProfile> = {
  'Xenova/bge-small-en-v1.5': {
    id: 'Xenova/bge-small-en-v1.5',
    pooling: 'cls',
    queryPrefix: 'Represent this sentence for searching relevant passages: ',
    maxTokens: 512,
    answerThreshold: 0.65,
    nearMissThreshold: -2,
  },
  'Xenova/all-MiniLM-L6-v2': {
    id: 'Xenova/all-MiniLM-L6-v2',
    pooling: 'mean',
    queryPrefix: '',
    maxTokens: 256,
    answerThreshold: 0.3,
    nearMissThreshold: -Infinity,
  },
};

/** Known models get their tested profile; any other feature-extraction model gets BERT-like defaults. */
export function profileFor(modelId: string): ModelProfile {
  return MODEL_PROFILES[modelId] ?? { id: modelId, pooling: 'mean', queryPrefix: '', maxTokens: 512, answerThreshold: 0.4, nearMissThreshold: -Infinity };
}
