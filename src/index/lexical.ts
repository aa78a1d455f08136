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
 * model's pass); this scores into one reused array and takes well under a millisecond.
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
          scores[passage]! += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * lengths[passage]!) / average));
        }
      }
      // Only the best `limit` are sorted as objects: a native numeric sort finds the cut-off.
      let cutoff = -Infinity;
      if (touched.length > limit) {
        const values = Float64Array.from(touched, (passage) => scores[passage]!).sort();
        cutoff = values[values.length - limit]!;
      }
      const hits: LexicalHit[] = [];
      for (const passage of touched) {
        if (scores[passage]! >= cutoff) hits.push({ passage, score: scores[passage]! });
        scores[passage] = 0;
      }
      hits.sort((a, b) => b.score - a.score || a.passage - b.passage);
      return hits.slice(0, limit);
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
