import MiniSearch from 'minisearch';
import { analyze, normalizeTerm, tokenizeText } from './analyze.js';

export interface LexicalHit {
  readonly passage: number;
  readonly score: number;
}

/**
 * BM25 over passages, on MiniSearch: its inverted index, term processing hooks and versioned
 * JSON serialization are what we need. MiniSearch scores BM25+ and multiplies by the number of
 * matched query terms; with `d: 0` and that factor divided out, scores are classic BM25
 * (k1 = 1.2, b = 0.75), which is what published baselines use.
 */
export interface LexicalIndex {
  search(query: string, limit: number): LexicalHit[];
  /** Inverse document frequency of an analysed term (BM25's formula); rare terms weigh more. */
  idf(term: string): number;
  toJSON(): unknown;
}

const BM25 = { k: 1.2, b: 0.75, d: 0 };
const OPTIONS = {
  fields: ['text'],
  idField: 'id',
  tokenize: tokenizeText,
  processTerm: normalizeTerm,
  searchOptions: { bm25: BM25, combineWith: 'OR' as const },
};

export function buildLexicalIndex(texts: readonly string[]): LexicalIndex {
  const mini = new MiniSearch<{ id: number; text: string }>(OPTIONS);
  mini.addAll(texts.map((text, id) => ({ id, text })));
  const frequency: Record<string, number> = {};
  for (const text of texts) for (const term of new Set(analyze(text))) frequency[term] = (frequency[term] ?? 0) + 1;
  return wrap(mini, frequency);
}

export function loadLexicalIndex(json: string): LexicalIndex {
  const stored = JSON.parse(json) as { miniSearch: unknown; documentFrequency: Record<string, number> };
  return wrap(MiniSearch.loadJS(stored.miniSearch as Parameters<typeof MiniSearch.loadJS>[0], OPTIONS), stored.documentFrequency);
}

function wrap(mini: MiniSearch, frequency: Record<string, number>): LexicalIndex {
  const count = mini.documentCount;
  return {
    idf: (term) => {
      const n = frequency[term] ?? 0;
      return Math.log(1 + (count - n + 0.5) / (n + 0.5));
    },
    search(query, limit) {
      const results = mini.search(query);
      const hits: LexicalHit[] = results.map((r) => ({ passage: r.id as number, score: r.score / Math.max(1, r.queryTerms.length) }));
      hits.sort((a, b) => b.score - a.score);
      return hits.slice(0, limit);
    },
    toJSON: () => ({ miniSearch: mini.toJSON(), documentFrequency: frequency }),
  };
}
