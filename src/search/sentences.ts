import type { Span } from '../corpus/document.js';
import { analyze } from '../index/analyze.js';
import type { PassageView } from '../index/backend.js';
import { SENTENCE_SCALE } from '../index/snapshot.js';
import type { AnswerTypeProbe } from './answerType.js';
import type { Candidate } from './fuse.js';
import { SENTENCE_WEIGHTS, type SentenceFeatures, type SentenceWeights } from './sentenceWeights.js';

export type { SentenceFeatures } from './sentenceWeights.js';

/** One sentence of a top passage, with the evidence that it answers the question. */
export interface SentenceCandidate {
  /** Number of the passage it was found in (the best-ranked one holding it). */
  readonly passage: number;
  /** Rank of that passage in the fused ranking, 0 = best. */
  readonly passageRank: number;
  readonly doc: number;
  readonly span: Span;
  /** The sentence before it in the same paragraph, when there is one. */
  readonly previous?: Span;
  /** The sentence after it in the same paragraph, when there is one. */
  readonly next?: Span;
  readonly features: SentenceFeatures;
  /** w · features + bias: the log-odds that this sentence holds the answer. */
  readonly score: number;
}

export interface QuestionEvidence {
  readonly vector: Float32Array;
  /** The question's analysed terms (stop words out, stemmed). */
  readonly terms: ReadonlySet<string>;
  readonly probe: AnswerTypeProbe;
}

/** A sentence opening like this leans on the one before it ("He…", "This…", "The latter…"). */
const LEANS_BACK = /^\W*(he|she|it|they|him|her|them|his|hers|its|their|this|these|those|that|such|there|here|the latter|the former|both|thus|however|also|then|later|afterwards)\b/i;

export function leansBack(sentence: string): boolean {
  return LEANS_BACK.test(sentence);
}

/**
 * Every sentence of the best passages, scored as a whole ranking rather than passage by passage:
 * the question may be answered by the third sentence of the fourth passage. The evidence is the
 * cosine of the sentence's own vector (taken from its passage's forward pass at index time), the
 * IDF-weighted share of the question's terms it contains, what the sentence before it adds when
 * it leans back on it ("He…"), whether it holds the kind of answer asked for, and how well its
 * passage ranked. The weights were fitted on public dev data by scripts/fit-sentences.ts.
 */
export function rankSentences(
  view: PassageView,
  passages: readonly Candidate[],
  question: QuestionEvidence,
  weights: SentenceWeights = SENTENCE_WEIGHTS,
): SentenceCandidate[] {
  const seen = new Set<string>();
  const out: SentenceCandidate[] = [];
  const topFused = passages[0]?.fused ?? 1;
  const idf = (term: string) => view.idf(term);
  let idfTotal = 0;
  for (const term of question.terms) idfTotal += idf(term);
  const termsOf = memoTerms();

  passages.forEach((candidate, passageRank) => {
    const passage = view.passages[candidate.passage]!;
    const doc = view.documents[passage.doc]!;
    const text = doc.text;
    const sentences = passage.sentences;
    for (let i = 0; i < sentences.length; i++) {
      const span = sentences[i]!;
      const key = `${passage.doc}:${span.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const previous = i > 0 ? sentences[i - 1] : previousPassageSentence(view, candidate.passage, span);
      const next = i + 1 < sentences.length ? sentences[i + 1] : undefined;
      const joinedPrevious = previous && sameParagraph(text, previous, span) ? previous : undefined;
      const joinedNext = next && sameParagraph(text, span, next) ? next : undefined;
      const sentenceText = text.slice(span.start, span.end);
      const terms = termsOf(passage.doc, text, span);
      const coverage = weightedCoverage(question.terms, terms, idf, idfTotal);
      let contextGain = 0;
      if (joinedPrevious && leansBack(sentenceText)) {
        const withPrevious = new Set([...terms, ...termsOf(passage.doc, text, joinedPrevious)]);
        contextGain = weightedCoverage(question.terms, withPrevious, idf, idfTotal) - coverage;
      }
      const features: SentenceFeatures = {
        cosine: sentenceCosine(view, question.vector, passage.sentenceRow + i),
        coverage,
        contextGain,
        passageScore: topFused > 0 ? candidate.fused / topFused : 0,
        typeMiss: question.probe.type !== 'none' && question.probe.holds(sentenceText) === 0 ? 1 : 0,
      };
      out.push({
        passage: candidate.passage,
        passageRank,
        doc: passage.doc,
        span,
        ...(joinedPrevious && { previous: joinedPrevious }),
        ...(joinedNext && { next: joinedNext }),
        features,
        score: scoreOf(features, weights),
      });
    }
  });
  return out.sort((a, b) => b.score - a.score || a.passageRank - b.passageRank || a.span.start - b.span.start);
}

function scoreOf(features: SentenceFeatures, weights: SentenceWeights): number {
  let score = weights.bias;
  for (const name of Object.keys(features) as (keyof SentenceFeatures)[]) score += weights[name] * features[name];
  return score;
}

function sentenceCosine(view: PassageView, question: Float32Array, row: number): number {
  const dimension = question.length;
  const base = row * dimension;
  const vectors = view.sentenceVectors;
  let cosine = 0;
  for (let d = 0; d < dimension; d++) cosine += question[d]! * vectors[base + d]!;
  return cosine / SENTENCE_SCALE;
}

/** IDF-weighted share of the question's terms found among `terms`, in [0, 1]. */
function weightedCoverage(questionTerms: ReadonlySet<string>, terms: ReadonlySet<string>, idf: (t: string) => number, total: number): number {
  if (total <= 0) return 0;
  let found = 0;
  for (const term of questionTerms) if (terms.has(term)) found += idf(term);
  return found / total;
}

/** The sentence before `span` when it sits at the start of its passage: the one before it in the previous passage of the same document. */
function previousPassageSentence(view: PassageView, passageIndex: number, span: Span): Span | undefined {
  const before = view.passages[passageIndex - 1];
  if (!before || before.doc !== view.passages[passageIndex]!.doc) return undefined;
  let found: Span | undefined;
  for (const s of before.sentences) if (s.end <= span.start) found = s;
  return found;
}

/** Nothing but spaces between two sentences: never across a line break, a heading or skipped furniture. */
function sameParagraph(text: string, first: Span, second: Span): boolean {
  return /^[ \t\u00a0]*$/.test(text.slice(first.end, second.start));
}

/** Analysed terms of a sentence, once per question (a sentence is the previous one of another too). */
function memoTerms(): (doc: number, text: string, span: Span) => Set<string> {
  const cache = new Map<string, Set<string>>();
  return (doc, text, span) => {
    const key = `${doc}:${span.start}:${span.end}`;
    let terms = cache.get(key);
    if (!terms) {
      terms = new Set(analyze(text.slice(span.start, span.end)));
      cache.set(key, terms);
    }
    return terms;
  };
}
