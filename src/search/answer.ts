import { lineOf } from '../corpus/lines.js';
import type { Embedder } from '../embed/embedder.js';
import { FootnoteError } from '../errors.js';
import { analyze } from '../index/analyze.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { fuseScores, type Candidate } from './fuse.js';
import { answerability, termCoverage } from './abstain.js';
import { chooseSentences } from './quotes.js';

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
  /** Relevance in [0, 1], comparable within one answer. */
  readonly score: number;
  readonly url?: string;
  /** The passage the quote was taken from (position in the snapshot it was answered from). */
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
  /** The snapshot version that answered (buttons refer to its passages). */
  readonly version: string;
  /** Answerability of the best passage mined for quotes: what abstention is decided on. */
  readonly bestSimilarity: number;
}

export interface AnswerSettings {
  /** How many quotes to return at most. */
  readonly limit: number;
  /** Minimum answerability (see abstain.ts) for a passage to count as answering. */
  readonly threshold: number;
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
 * Answers a question from one snapshot with verbatim quotes: dense and BM25 candidates are fused,
 * the best passages are mined for their best one to three sentences, and the answer abstains when
 * even the best passage is not similar enough to the question. Costs one query embedding; the
 * rest is arithmetic on vectors computed at index time.
 */
export async function answerQuestion(snapshot: IndexSnapshot, embedder: Embedder, rawQuestion: string, settings: AnswerSettings): Promise<Answer> {
  const question = validateQuestion(rawQuestion);
  const vector = await embedder.embedQuery(question);
  const candidates = retrieve(snapshot, vector, question, settings.denseWeight ?? DEFAULT_DENSE_WEIGHT);
  const questionTerms = new Set(analyze(question));
  const exactDense = (c: Candidate) => (c.denseExact ? c.dense : snapshot.vectors.similarity(vector, c.passage));

  const quotes: (Quote & { evidence: number })[] = [];
  for (const candidate of candidates.slice(0, QUOTE_POOL)) {
    const passage = snapshot.passages[candidate.passage]!;
    const doc = snapshot.documents[passage.doc]!;
    const sentenceTerms = passage.sentences.map((s) => new Set(analyze(doc.text.slice(s.start, s.end))));
    const choice = chooseSentences({
      text: doc.text,
      sentences: passage.sentences,
      sentenceVectors: snapshot.sentenceVectors,
      firstRow: passage.sentenceRow,
      question: vector,
      questionTerms,
      sentenceTerms,
    });
    const overlaps = quotes.some((q) => q.docId === doc.id && q.start < choice.end && choice.start < q.end);
    if (overlaps) continue;
    quotes.push({
      text: doc.text.slice(choice.start, choice.end),
      docId: doc.id,
      title: doc.title,
      source: doc.source,
      start: choice.start,
      end: choice.end,
      lineStart: lineOf(doc, choice.start),
      lineEnd: lineOf(doc, choice.end - 1),
      score: round(candidate.fused),
      ...(doc.url && { url: doc.url }),
      passage: candidate.passage,
      evidence: answerability(exactDense(candidate), termCoverage(questionTerms, passageTerms(doc.title, sentenceTerms), snapshot.lexical.idf)),
    });
  }

  const answering = quotes.filter((q) => q.evidence >= settings.threshold);
  const strip = ({ evidence: _evidence, ...quote }: Quote & { evidence: number }): Quote => quote;
  return {
    question,
    answered: answering.length > 0,
    quotes: answering.slice(0, settings.limit).map(strip),
    closest: answering.length > 0 ? [] : quotes.slice(0, Math.min(3, settings.limit)).map(strip),
    version: snapshot.version,
    bestSimilarity: round(Math.max(0, ...quotes.map((q) => q.evidence))),
  };
}

/**
 * Passages ranked for a question: the union of both rankings' top `candidates`, fused. A passage
 * only BM25 found ranks below every dense hit in cosine, so it is given the lowest dense hit's
 * cosine: the bound costs nothing, where its exact cosine cost ~50 µs a passage from the HNSW
 * file (dozens per question), and ranks as well (README, experiments). Callers that need the
 * exact cosine of such a passage ask `snapshot.vectors.similarity`.
 */
export function retrieve(snapshot: IndexSnapshot, vector: Float32Array, question: string, denseWeight: number, candidates = CANDIDATES): Candidate[] {
  const byPassage = new Map<number, Omit<Candidate, 'fused'>>();
  const denseHits = snapshot.vectors.search(vector, candidates);
  const floor = denseHits.length > 0 ? Math.min(...denseHits.map((hit) => hit.score)) : 0;
  for (const hit of denseHits) byPassage.set(hit.passage, { passage: hit.passage, dense: hit.score, denseExact: true, lexical: 0 });
  for (const hit of snapshot.lexical.search(question, candidates)) {
    const known = byPassage.get(hit.passage);
    byPassage.set(hit.passage, known ? { ...known, lexical: hit.score } : { passage: hit.passage, dense: floor, denseExact: false, lexical: hit.score });
  }
  return fuseScores([...byPassage.values()], denseWeight);
}

/** The terms BM25 saw for a passage (its title and its sentences), from the sentences' terms. */
function passageTerms(title: string, sentenceTerms: readonly ReadonlySet<string>[]): Set<string> {
  const terms = new Set(analyze(title));
  for (const set of sentenceTerms) for (const term of set) terms.add(term);
  return terms;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
