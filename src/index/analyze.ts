import { stemmer } from 'stemmer';

/**
 * Text analysis for lexical matching, shared by the BM25 index and quote selection so both
 * agree on what a "term" is: lowercased words, possessives dropped, numbers kept whole
 * ("1.8", "1,400" → "1400", "$500" → "500"), English stop words removed, Porter-stemmed.
 */
const STOP_WORDS = new Set(
  ('a an and are as at be been but by can could did do does for from had has have he her hers him his how i if in into ' +
    'is it its me my no nor not of on or our she so such than that the their them then there these they this those to ' +
    'too us was we were what when where which while who whom why will with would you your about after again also any ' +
    'both each few more most other over same some very just only own s t should now up down out off under once here ' +
    'all am being having doing because until against between through during before above below further ever tell said say says').split(' '),
);

const WORD = /[\p{L}\p{N}]+(?:[.,'’][\p{L}\p{N}]+)*/gu;

export function tokenizeText(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Stemming is the costly step of analysis, and the same words recur all the time. */
const memo = new Map<string, string | null>();
const MEMO_LIMIT = 200_000;

export function normalizeTerm(token: string): string | null {
  const known = memo.get(token);
  if (known !== undefined) return known;
  const term = computeTerm(token);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(token, term);
  return term;
}

function computeTerm(token: string): string | null {
  let term = token.toLowerCase().replace(/’/g, "'");
  term = term.replace(/'s$/, '').replace(/'/g, '');
  if (/^\d[\d,]*(\.\d+)?$/.test(term)) return term.replace(/,/g, '');
  if (STOP_WORDS.has(term) || term.length === 0) return null;
  return /^\p{L}+$/u.test(term) ? stemmer(term) : term;
}

/** The analysed terms of a text, in order, repeats kept. */
export function analyze(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenizeText(text)) {
    const term = normalizeTerm(token);
    if (term) terms.push(term);
  }
  return terms;
}
