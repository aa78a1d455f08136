import { analyze, tokenizeText } from './analyze.js';

export interface LexicalHit {
  readonly passage: number;
  readonly score: number;
}

/**
 * Classic BM25 (k1 = 1.2, b = 0.75, Lucene's idf) over passages, on a compact inverted index:
 * per term, the passages containing it and how often, in typed arrays. Written here rather than
 * taken from MiniSearch: MiniSearch builds a match object for every passage that contains any
 * question term, which cost 21 ms per question on SciFact's 22,000 passages (more than the
 * model's pass); this scores into one reused array and keeps the best with a bounded heap.
 */
export interface LexicalIndex {
  search(query: string, limit: number): LexicalHit[];
  /** Inverse document frequency of an analysed term (BM25's formula); rare terms weigh more. */
  idf(term: string): number;
  toJSON(): unknown;
}

const K1 = 1.2;
const B = 0.75;
const SERIAL_VERSION = 1;

interface Postings {
  readonly terms: Map<string, number>;
  /** Postings of term t are entries offsets[t] .. offsets[t+1]-1 of `passages` and `counts`. */
  readonly offsets: Uint32Array;
  readonly passages: Uint32Array;
  readonly counts: Uint16Array;
  readonly lengths: Uint32Array;
}

export function buildLexicalIndex(texts: readonly string[]): LexicalIndex {
  const terms = new Map<string, number>();
  const perTerm: number[][] = [];
  const lengths = new Uint32Array(texts.length);
  texts.forEach((text, passage) => {
    const counts = new Map<number, number>();
    const analysed = analyze(text);
    // Length as MiniSearch counted it (distinct raw tokens), which the fusion and thresholds were tuned with.
    lengths[passage] = new Set(tokenizeText(text)).size;
    for (const term of analysed) {
      let id = terms.get(term);
      if (id === undefined) {
        id = terms.size;
        terms.set(term, id);
        perTerm.push([]);
      }
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const [id, count] of counts) perTerm[id]!.push(passage, count);
  });
  const offsets = new Uint32Array(terms.size + 1);
  perTerm.forEach((list, id) => (offsets[id + 1] = offsets[id]! + list.length / 2));
  const passages = new Uint32Array(offsets[terms.size]!);
  const counts = new Uint16Array(passages.length);
  perTerm.forEach((list, id) => {
    for (let i = 0; i < list.length; i += 2) {
      passages[offsets[id]! + i / 2] = list[i]!;
      counts[offsets[id]! + i / 2] = Math.min(65535, list[i + 1]!);
    }
  });
  return wrap({ terms, offsets, passages, counts, lengths });
}

export function loadLexicalIndex(json: string): LexicalIndex {
  const stored = JSON.parse(json) as { version: number; terms: string[]; offsets: string; passages: string; counts: string; lengths: string };
  if (stored.version !== SERIAL_VERSION) throw new Error(`lexical index version ${stored.version} is not ${SERIAL_VERSION}`);
  const decode = <T>(b64: string, Type: { new (buffer: ArrayBuffer): T }) => {
    const bytes = Buffer.from(b64, 'base64');
    return new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  };
  return wrap({
    terms: new Map(stored.terms.map((t, i) => [t, i])),
    offsets: decode(stored.offsets, Uint32Array),
    passages: decode(stored.passages, Uint32Array),
    counts: decode(stored.counts, Uint16Array),
    lengths: decode(stored.lengths, Uint32Array),
  });
}

function wrap(index: Postings): LexicalIndex {
  const { terms, offsets, passages, counts, lengths } = index;
  const total = lengths.length;
  const average = lengths.reduce((a, b) => a + b, 0) / Math.max(1, total) || 1;
  const scores = new Float64Array(total);
  // BM25's length normalisation depends only on the passage: computed once, not per posting.
  const lengthNorms = Float64Array.from(lengths, (length) => K1 * (1 - B + (B * length) / average));
  const idfOf = (id: number) => {
    const df = offsets[id + 1]! - offsets[id]!;
    return Math.log(1 + (total - df + 0.5) / (df + 0.5));
  };
  const encode = (array: Uint32Array | Uint16Array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');

  return {
    search(query, limit) {
      const touched: number[] = [];
      for (const term of analyze(query)) {
        const id = terms.get(term);
        if (id === undefined) continue;
        const idf = idfOf(id);
        for (let i = offsets[id]!; i < offsets[id + 1]!; i++) {
          const passage = passages[i]!;
          const tf = counts[i]!;
          if (scores[passage] === 0) touched.push(passage);
          scores[passage]! += (idf * tf * (K1 + 1)) / (tf + lengthNorms[passage]!);
        }
      }
      const best = bestOf(touched, scores, limit);
      for (const passage of touched) scores[passage] = 0;
      return best;
    },
    idf(term) {
      const id = terms.get(term);
      return id === undefined ? Math.log(1 + (total + 0.5) / 0.5) : idfOf(id);
    },
    toJSON: () => ({
      version: SERIAL_VERSION,
      terms: [...terms.keys()],
      offsets: encode(offsets),
      passages: encode(passages),
      counts: encode(counts),
      lengths: encode(lengths),
    }),
  };
}

/**
 * The `limit` best-scoring passages of `touched`, best first (ties: lower passage number first).
 * A common question term touches thousands of passages; a bounded min-heap keeps the best few
 * in one pass instead of sorting them all.
 */
export function bestOf(touched: readonly number[], scores: Float64Array, limit: number): LexicalHit[] {
  const heap: number[] = [];
  // `a` ranks below `b`: lower score, or the same score and a higher passage number.
  const below = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const siftDown = (i: number) => {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < heap.length && below(heap[left]!, heap[worst]!)) worst = left;
      if (right < heap.length && below(heap[right]!, heap[worst]!)) worst = right;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst]!, heap[i]!];
      i = worst;
    }
  };
  for (const passage of touched) {
    if (heap.length < limit) {
      heap.push(passage);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!below(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (limit > 0 && below(heap[0]!, passage)) {
      heap[0] = passage;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (below(a, b) ? 1 : below(b, a) ? -1 : 0)).map((passage) => ({ passage, score: scores[passage]! }));
}
