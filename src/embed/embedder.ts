import { Tensor } from '@huggingface/transformers';
import type { LoadedModel } from './model.js';
import { LruCache } from './lru.js';

/** Token ids of a text with no special tokens. */
export type TokenIds = readonly number[];

/**
 * One model input: the ids of its pieces in order (for a passage: title, then each sentence).
 * The pooled vector of every piece flagged in `pool` is returned too, taken from the same forward
 * pass (mean of the piece's token states), so quote selection needs no extra model work.
 */
export interface Sequence {
  readonly pieces: readonly TokenIds[];
  readonly pool: readonly boolean[];
}

export interface EmbeddedSequence {
  readonly vector: Float32Array;
  readonly pieceVectors: Float32Array[];
}

export interface Embedder {
  readonly modelId: string;
  readonly dimension: number;
  /** Longest content that fits one input, the [CLS] and [SEP] tokens excluded. */
  readonly maxContentTokens: number;
  tokenize(text: string): number[];
  /** A question's unit vector, embedded with the model's query instruction. */
  embedQuery(question: string): Promise<Float32Array>;
  /**
   * Unit vectors of many sequences, in input order. Each sequence is its own forward pass (see
   * `createEmbedder`), so its vectors are the same bits whatever it is embedded with.
   */
  embedSequences(sequences: readonly Sequence[], onProgress?: (done: number) => void): Promise<EmbeddedSequence[]>;
}

/** Progress is reported every this many passages. */
const PROGRESS_EVERY = 16;

/**
 * The int8 model quantizes activations dynamically, with one scale for the whole input tensor:
 * in a padded batch, a passage's vector would depend on its batch-mates and on the padding (up
 * to 0.006 in cosine on the seed corpus). So every passage and every question is a forward pass
 * of its own, one row with no padding: a full build, an incremental one and a lone question give
 * the same bits for the same text, and quality figures reproduce from build to build. On 2 cores
 * this costs no speed, since batching bought nothing there (README, Speed).
 */
export function createEmbedder(loaded: LoadedModel, options: { queryCacheSize?: number } = {}): Embedder {
  const { tokenizer, model, profile, dimension } = loaded;
  const cls = tokenizer.convert_tokens_to_ids(['[CLS]'])[0] ?? 101;
  const sep = tokenizer.sep_token_id ?? 102;
  const pad = tokenizer.pad_token_id ?? 0;
  const maxContentTokens = profile.maxTokens - 2;
  // ONNX sessions are not re-entrant in any useful way on two cores: one forward pass at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  const tokenize = (text: string): number[] => tokenizer.encode(text, { add_special_tokens: false });
  // Communities ask the same questions again ("what is FCRL?"): their vectors are kept.
  const queryCache = new LruCache<string, Float32Array>(options.queryCacheSize ?? 1000);

  async function forward(batch: readonly Sequence[]): Promise<EmbeddedSequence[]> {
    const rows = batch.map((s) => [cls, ...s.pieces.flat().slice(0, maxContentTokens), sep]);
    const length = Math.max(...rows.map((r) => r.length));
    const ids = new BigInt64Array(batch.length * length);
    const mask = new BigInt64Array(batch.length * length);
    rows.forEach((row, b) => {
      for (let t = 0; t < length; t++) {
        ids[b * length + t] = BigInt(t < row.length ? row[t]! : pad);
        mask[b * length + t] = t < row.length ? 1n : 0n;
      }
    });
    const dims = [batch.length, length];
    const output = await model({
      input_ids: new Tensor('int64', ids, dims),
      attention_mask: new Tensor('int64', mask, dims),
      token_type_ids: new Tensor('int64', new BigInt64Array(ids.length), dims),
    });
    const hidden = output.last_hidden_state.data as Float32Array;
    return batch.map((sequence, b) => {
      const rowStart = b * length * dimension;
      const at = (t: number) => rowStart + t * dimension;
      const vector = profile.pooling === 'cls' ? hidden.slice(at(0), at(1)) : meanOf(hidden, at, 0, rows[b]!.length, dimension);
      const pieceVectors: Float32Array[] = [];
      let position = 1; // after [CLS]
      sequence.pieces.forEach((piece, p) => {
        const start = Math.min(position, rows[b]!.length - 1);
        const end = Math.min(position + piece.length, rows[b]!.length - 1);
        if (sequence.pool[p]) pieceVectors.push(normalize(end > start ? meanOf(hidden, at, start, end, dimension) : new Float32Array(dimension)));
        position += piece.length;
      });
      return { vector: normalize(vector), pieceVectors };
    });
  }

  return {
    modelId: profile.id,
    dimension,
    maxContentTokens,
    tokenize,
    async embedQuery(question) {
      const cached = queryCache.get(question);
      if (cached) return cached;
      const vector = await serial(async () => (await forward([{ pieces: [tokenize(profile.queryPrefix + question)], pool: [false] }]))[0]!.vector);
      queryCache.set(question, vector);
      return vector;
    },
    async embedSequences(sequences, onProgress) {
      const results: EmbeddedSequence[] = [];
      for (const sequence of sequences) {
        // Queued one by one, so a question asked during a reindex waits for one passage, not all.
        results.push((await serial(() => forward([sequence])))[0]!);
        if (results.length % PROGRESS_EVERY === 0 || results.length === sequences.length) onProgress?.(results.length);
      }
      return results;
    },
  };
}

function meanOf(hidden: Float32Array, at: (t: number) => number, start: number, end: number, dimension: number): Float32Array {
  const out = new Float32Array(dimension);
  for (let t = start; t < end; t++) {
    const base = at(t);
    for (let d = 0; d < dimension; d++) out[d]! += hidden[base + d]!;
  }
  return out;
}

export function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let d = 0; d < vector.length; d++) norm += vector[d]! * vector[d]!;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < vector.length; d++) vector[d]! /= norm;
  return vector;
}
