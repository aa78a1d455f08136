import { locate } from '../corpus/location.js';
import { quoteLink } from '../corpus/quoteLink.js';
import type { Embedder } from '../embed/embedder.js';
import { FootnoteError } from '../errors.js';
import { analyze } from '../index/analyze.js';
import type { CandidateHits, IndexVersion, PassageView } from '../index/backend.js';
import { lexicalText } from '../index/snapshot.js';
import { fuseScores, type Candidate } from './fuse.js';
import { answerability, isNearMiss, nearMissSignals, termCoverage } from './abstain.js';
import { answerTypeProbe, type AnswerTypeProbe } from './answerType.js';
import { quoteWindow, type WindowSettings } from './quotes.js';
import { rankSentences, type SentenceCandidate } from './sentences.js';
import type { SentenceWeights } from './sentenceWeights.js';

/** One verbatim excerpt and where it comes from. `text === documentText.slice(start, end)`. */
export interface Quote {
  readonly text: string;
  readonly docId: string;
  readonly title: string;
  /** File path relative to the project root. */
  readonly source: string;
  /** Offsets into the document's text (the file, or a JSONL record's `text`); end exclusive. */
  readonly start: number;
  readonly end: number;
  /** 1-based, inclusive lines of `source`. */
  readonly lineStart: number;
  readonly lineEnd: number;
  /** False when the document's lines mean nothing to a reader (HTML, PDF): it is cited by section or page. */
  readonly hasLines?: boolean;
  /** The heading of the section the quote is in (HTML). */
  readonly section?: string;
  /** 1-based, inclusive pages (PDF). */
  readonly pageStart?: number;
  readonly pageEnd?: number;
  /** Relevance in [0, 1], comparable within one answer. */
  readonly score: number;
  readonly url?: string;
  /** Where a reader lands at the quote: `url` with the section's anchor and a text fragment, or `#page=`. */
  readonly link?: string;
  /** The passage the quote was taken from (its number in the index version it was answered from). */
  readonly passage: number;
}

export interface Answer {
  readonly question: string;
  /** False when no passage is similar enough to the question to count as an answer. */
  readonly answered: boolean;
  /** Best first. Empty when not answered. */
  readonly quotes: Quote[];
  /** When not answered: the nearest excerpts, to be shown as such, never as an answer. */
  readonly closest: Quote[];
  /** The index version that answered (buttons refer to its passages). */
  readonly version: string;
  /** Answerability of the best passage mined for quotes: what abstention is decided on. */
  readonly bestSimilarity: number;
}

export interface AnswerSettings {
  /** How many quotes to return at most. */
  readonly limit: number;
  /** Minimum answerability (see abstain.ts) for a passage to count as answering. */
  readonly threshold: number;
  /** Near-miss threshold (abstain.ts) of the model; -Infinity declines no near miss. */
  readonly nearMissThreshold?: number;
  readonly denseWeight?: number;
}

export const MAX_QUESTION_LENGTH = 4000;
/** How many candidates each ranking contributes before fusion. */
const CANDIDATES = 100;
/** How many top passages are mined for quotes. */
const QUOTE_POOL = 12;
export const DEFAULT_DENSE_WEIGHT = 0.6;

/** Checks a question from a user; returns it trimmed or throws a FootnoteError saying what is wrong. */
export function validateQuestion(raw: string): string {
  const question = raw.replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(question)) throw new FootnoteError('QUESTION_INVALID', 'Please ask a question in words, for example: "What did Lightfoot tell ICE?"');
  if (question.length > MAX_QUESTION_LENGTH) {
    throw new FootnoteError('QUESTION_INVALID', `That question is ${question.length} characters long; please keep it under ${MAX_QUESTION_LENGTH}.`);
  }
  return question;
}

/**
 * Answers a question from one index version with verbatim quotes: dense and BM25 candidates are fused,
 * every sentence of the best passages is ranked against the question (sentences.ts), the best
 * ones become quotes (with the sentence before when they lean back on it), and the answer
 * abstains when even the best passage is not similar enough to the question. Costs one query
 * embedding; the rest is arithmetic on vectors computed at index time.
 */
export async function answerQuestion(index: IndexVersion, embedder: Embedder, rawQuestion: string, settings: AnswerSettings): Promise<Answer> {
  const question = validateQuestion(rawQuestion);
  return answerFromVector(index, question, await embedder.embedQuery(question), settings);
}

/** `answerQuestion` for a validated question whose vector is known (the eval scripts cache them). */
export async function answerFromVector(index: IndexVersion, question: string, vector: Float32Array, settings: AnswerSettings): Promise<Answer> {
  const explained = await explainQuestion(index, question, vector, settings);
  const { quotes } = explained;
  // A near miss (the right subject, not what was asked) is declined even when its passages are similar enough.
  const nearMiss = isNearMiss(nearMissSignals(explained.view, question, explained), settings.nearMissThreshold);
  const answering = nearMiss ? [] : quotes.filter((q) => q.evidence >= settings.threshold);
  const strip = ({ evidence: _evidence, ...quote }: QuoteWithEvidence): Quote => quote;
  return {
    question,
    answered: answering.length > 0,
    quotes: answering.slice(0, settings.limit).map(strip),
    closest: answering.length > 0 ? [] : quotes.slice(0, Math.min(3, settings.limit)).map(strip),
    version: index.version,
    bestSimilarity: round(Math.max(0, ...quotes.map((q) => q.evidence))),
  };
}

export interface QuoteWithEvidence extends Quote {
  /** Answerability of the quote's passage (abstain.ts). */
  readonly evidence: number;
}

/** Everything an answer is decided from: what `answerFromVector` uses, and what the fitting scripts study. */
export interface Explanation {
  readonly pool: readonly Candidate[];
  readonly ranked: readonly SentenceCandidate[];
  /** Best first, never overlapping, before abstention: at least three, `limit` if more. */
  readonly quotes: readonly QuoteWithEvidence[];
  readonly questionTerms: ReadonlySet<string>;
  readonly probe: AnswerTypeProbe;
  /** The pooled passages, their neighbours and documents: what the quotes were chosen from. */
  readonly view: PassageView;
}

/** What the fitting scripts vary; the bot always uses the defaults. */
export interface ExplainSettings extends Pick<AnswerSettings, 'limit' | 'denseWeight'> {
  readonly sentenceWeights?: SentenceWeights;
  readonly window?: WindowSettings;
}

/**
 * The two awaited steps are the only ones that reach the index (the candidates, then the pooled
 * passages with their neighbours and documents); quote selection after them is arithmetic on that view.
 */
export async function explainQuestion(index: IndexVersion, question: string, vector: Float32Array, settings: ExplainSettings): Promise<Explanation> {
  const candidates = await retrieve(index, vector, question, settings.denseWeight ?? DEFAULT_DENSE_WEIGHT);
  const pool = candidates.slice(0, QUOTE_POOL);
  const view = await index.view(pool.map((c) => c.passage));
  const questionTerms = new Set(analyze(question));
  const probe = answerTypeProbe(question);
  const ranked = rankSentences(view, pool, { vector, terms: questionTerms, probe }, settings.sentenceWeights);
  const scores = new Map(ranked.map((c) => [`${c.doc}:${c.span.start}`, c.score]));

  const evidenceOf = memoEvidence(view, vector, questionTerms, pool);
  const wanted = Math.max(settings.limit, 3);
  const quotes: QuoteWithEvidence[] = [];
  for (const sentence of ranked) {
    if (quotes.length >= wanted) break;
    const doc = view.documents[sentence.doc]!;
    const { start, end } = quoteWindow(doc.text, sentence, (span) => scores.get(`${sentence.doc}:${span.start}`) ?? -Infinity, settings.window);
    if (quotes.some((q) => q.docId === doc.id && q.start < end && start < q.end)) continue;
    const passage = pool[sentence.passageRank]!;
    const { anchor, ...location } = locate(doc, start, end);
    const link = quoteLink(doc, start, end, { anchor, pageStart: location.pageStart });
    quotes.push({
      text: doc.text.slice(start, end),
      docId: doc.id,
      title: doc.title,
      source: doc.source,
      start,
      end,
      ...location,
      score: round(passage.fused),
      ...(doc.url && { url: doc.url }),
      ...(link && { link }),
      passage: passageHolding(view, passage.passage, start, end),
      evidence: evidenceOf(sentence.passageRank),
    });
  }
  return { pool, ranked, quotes, questionTerms, probe, view };
}

/**
 * The passage that holds a whole quote, for "Show passage": the one its sentence was found in,
 * or a neighbour when the quote took in the sentence before (overlapping passages share it).
 */
function passageHolding(view: PassageView, found: number, start: number, end: number): number {
  const doc = view.passages[found]!.doc;
  for (const n of [found, found - 1, found + 1]) {
    const p = view.passages[n];
    if (p && p.doc === doc && p.start <= start && end <= p.end) return n;
  }
  return found;
}

/** Answerability (abstain.ts) of each pooled passage, computed when first needed. */
function memoEvidence(view: PassageView, vector: Float32Array, questionTerms: ReadonlySet<string>, pool: readonly Candidate[]): (rank: number) => number {
  const known = new Map<number, number>();
  return (rank) => {
    let evidence = known.get(rank);
    if (evidence === undefined) {
      const candidate = pool[rank]!;
      const passage = view.passages[candidate.passage]!;
      const doc = view.documents[passage.doc]!;
      const dense = candidate.denseExact ? candidate.dense : view.similarity(vector, candidate.passage);
      const terms = new Set(analyze(lexicalText(doc, passage)));
      evidence = answerability(dense, termCoverage(questionTerms, terms, view.idf));
      known.set(rank, evidence);
    }
    return evidence;
  };
}

/**
 * Passages ranked for a question: the union of both rankings' top `candidates`, fused. A passage
 * only BM25 found ranks below every dense hit in cosine, so it is given the lowest dense hit's
 * cosine: the bound costs nothing, where its exact cosine cost ~50 µs a passage from the HNSW
 * file (dozens per question), and ranks as well (README, experiments). Callers that need the
 * exact cosine of such a passage ask `PassageView.similarity`.
 */
export async function retrieve(index: IndexVersion, vector: Float32Array, question: string, denseWeight: number, candidates = CANDIDATES): Promise<Candidate[]> {
  return fuseHits(await index.search(vector, question, candidates), denseWeight);
}

/** Both rankings' hits, fused (see `retrieve`). */
export function fuseHits(hits: CandidateHits, denseWeight: number): Candidate[] {
  const byPassage = new Map<number, Omit<Candidate, 'fused'>>();
  const denseHits = hits.dense;
  const floor = denseHits.length > 0 ? Math.min(...denseHits.map((hit) => hit.score)) : 0;
  for (const hit of denseHits) byPassage.set(hit.passage, { passage: hit.passage, dense: hit.score, denseExact: true, lexical: 0 });
  for (const hit of hits.lexical) {
    const known = byPassage.get(hit.passage);
    byPassage.set(hit.passage, known ? { ...known, lexical: hit.score } : { passage: hit.passage, dense: floor, denseExact: false, lexical: hit.score });
  }
  return fuseScores([...byPassage.values()], denseWeight);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
