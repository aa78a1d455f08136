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
}

export const MODEL_PROFILES: Record<string, ModelProfile> = {
  'Xenova/bge-small-en-v1.5': {
    id: 'Xenova/bge-small-en-v1.5',
    pooling: 'cls',
    queryPrefix: 'Represent this sentence for searching relevant passages: ',
    maxTokens: 512,
    answerThreshold: 0.65,
  },
  'Xenova/all-MiniLM-L6-v2': {
    id: 'Xenova/all-MiniLM-L6-v2',
    pooling: 'mean',
    queryPrefix: '',
    maxTokens: 256,
    answerThreshold: 0.3,
  },
};

/** Known models get their tested profile; any other feature-extraction model gets BERT-like defaults. */
export function profileFor(modelId: string): ModelProfile {
  return MODEL_PROFILES[modelId] ?? { id: modelId, pooling: 'mean', queryPrefix: '', maxTokens: 512, answerThreshold: 0.4 };
}
