import { analyze } from '../index/analyze.js';
import type { PassageView } from '../index/backend.js';
import type { Explanation } from './answer.js';

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

/**
 * Signals that a question on the corpus's subject is a near miss: the best quotes are about the
 * right thing but lack what was asked. All in [0, 1] except `sentenceScore` (log-odds).
 */
export interface NearMissSignals {
  /** Ranking score of the best sentence (sentences.ts). */
  readonly sentenceScore: number;
  readonly sentenceCosine: number;
  /** IDF-weighted share of the question's terms in the best quote. */
  readonly quoteCoverage: number;
  /** IDF-weighted share of the question's terms in the best three quotes together. */
  readonly topCoverage: number;
  /** IDF of the rarest question term missing from the best three quotes, over the rarest term's IDF. */
  readonly missingRare: number;
  /** 1 when the question asks for a number, date or name and none of the best three quotes holds one. */
  readonly typeMissing: number;
  /** 1 when the question is negated ("…not…", "never") and the best quote is not. */
  readonly negationMissing: number;
  /** Like `missingRare`, against the best quote's whole passage. */
  readonly missingRarePassage: number;
}

const NEGATION = /\b(not|never|no|none|neither|nor|without|cannot)\b|n['’]t\b/i;

export function nearMissSignals(view: PassageView, question: string, explained: Pick<Explanation, 'ranked' | 'quotes' | 'questionTerms' | 'probe'>): NearMissSignals {
  const { ranked, quotes, questionTerms, probe } = explained;
  const idf = (t: string) => view.idf(t);
  const top = quotes.slice(0, 3);
  const termsOf = (texts: readonly string[]) => new Set(texts.flatMap((t) => analyze(t)));
  const best = termsOf(top.slice(0, 1).map((q) => q.text));
  const all = termsOf(top.map((q) => q.text));
  let rarest = 0;
  let rarestMissing = 0;
  for (const term of questionTerms) {
    rarest = Math.max(rarest, idf(term));
    if (!all.has(term)) rarestMissing = Math.max(rarestMissing, idf(term));
  }
  const passage = quotes[0] ? view.passages[quotes[0].passage] : undefined;
  const passageTerms = passage ? new Set(analyze(view.documents[passage.doc]!.text.slice(passage.start, passage.end))) : new Set<string>();
  let rarestMissingPassage = 0;
  for (const term of questionTerms) if (!passageTerms.has(term)) rarestMissingPassage = Math.max(rarestMissingPassage, idf(term));
  return {
    sentenceScore: ranked[0]?.score ?? -10,
    sentenceCosine: ranked[0]?.features.cosine ?? 0,
    quoteCoverage: termCoverage(questionTerms, best, idf),
    topCoverage: termCoverage(questionTerms, all, idf),
    missingRare: rarest > 0 ? rarestMissing / rarest : 0,
    typeMissing: probe.type !== 'none' && !top.some((q) => probe.holds(q.text)) ? 1 : 0,
    negationMissing: NEGATION.test(question) && !(top[0] && NEGATION.test(top[0].text)) ? 1 : 0,
    missingRarePassage: rarest > 0 ? rarestMissingPassage / rarest : 0,
  };
}

/**
 * Logistic model of "the best quotes answer the question" over two of the signals above, and the
 * log-odds below which a question is declined as a near miss. The weights were fitted by
 * `npm run fit:abstention` on the SQuAD v2.0 dev articles at even positions; the other signals
 * added little there (README). The threshold is set so that no answerable question of the seed
 * dev set is declined: on SQuAD's crowd-written near misses a higher one declines more (21% of
 * them at 4% false declines), but it also declined 7 of the 61 answerable seed questions, which
 * are shorter and looser paraphrases of their answer, like real members' questions. In words: a
 * question is declined when its best sentence scores below 8.3, or below 12.6 when the question
 * is negated ("not", "never", "can't") and the quote is not.
 */
export const NEAR_MISS_MODEL = {
  bias: -5.663,
  weights: { sentenceScore: 0.442, negationMissing: -1.883 } as Partial<Record<keyof NearMissSignals, number>>,
  /** The threshold for bge-small; each model has its own (ModelProfile.nearMissThreshold). */
  threshold: -2,
} as const;

/** The near-miss model's log-odds for a question's signals. */
export function nearMissScore(signals: NearMissSignals): number {
  let score = NEAR_MISS_MODEL.bias;
  for (const [name, weight] of Object.entries(NEAR_MISS_MODEL.weights)) score += weight * signals[name as keyof NearMissSignals];
  return score;
}

/** True when a question is to be declined as a near miss (see NEAR_MISS_MODEL), at the model's threshold. */
export function isNearMiss(signals: NearMissSignals, threshold: number = NEAR_MISS_MODEL.threshold): boolean {
  return nearMissScore(signals) < threshold;
}
