/**
 * The SQuAD quote benchmark (../shared/bench/squad/README.md): each article is one document; a
 * question is answered when a quote contains an answer text or overlaps an answer span.
 */
import { askAll, msPerQuestion, type Ask, type Asked } from './ask.js';
import { quoteRecord } from './report.js';
import { atK, containsAnswer, meanLength, overlapsAny, share, shareAtK, shareOf, type AtK, type QuoteRef, type Share, type ShareAtK, type Span } from './metrics.js';

export interface SquadQuestion {
  readonly id: string;
  readonly question: string;
  /** The article the question was written against (for v2.0 unanswerable ones too). */
  readonly docId: string;
  /** Always true in v1.1. */
  readonly answerable: boolean;
  readonly answers: readonly string[];
  /** Every annotated answer span in the gold document. */
  readonly spans: readonly Span[];
}

/** Parses questions.jsonl (v1.1) or questions-v2.jsonl (v2.0): one question per line. */
export function parseSquadQuestions(text: string): SquadQuestion[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const raw = JSON.parse(line) as { id: string; question: string; docId: string; answerable?: boolean; answers: string[]; spans?: [number, number][] };
      return {
        id: raw.id,
        question: raw.question,
        docId: raw.docId,
        answerable: raw.answerable ?? true,
        answers: raw.answers,
        spans: (raw.spans ?? []).map(([start, end]) => ({ start, end })),
      };
    });
}

export interface SquadHits {
  /** A quote comes from the gold document. */
  readonly docHit: AtK;
  /** A quote contains an answer text (any document), or overlaps an answer span in the gold document. */
  readonly quoteHit: AtK;
  /** The same, counting only quotes from the gold document. */
  readonly quoteHitGoldDoc: AtK;
}

/** A quote contains or overlaps an answer (README "quote-hit"). */
export function isSquadQuoteHit(question: SquadQuestion, quote: QuoteRef): boolean {
  return containsAnswer(quote.text, question.answers) || (quote.docId === question.docId && overlapsAny(quote, question.spans));
}

/** The stricter variant: only quotes from the gold document count (README "quote-hit-gold-doc"). */
export function isSquadGoldDocQuoteHit(question: SquadQuestion, quote: QuoteRef): boolean {
  return quote.docId === question.docId && isSquadQuoteHit(question, quote);
}

/** Scores quotes (best first) against one question. */
export function squadHits(question: SquadQuestion, quotes: readonly QuoteRef[]): SquadHits {
  return {
    docHit: atK(quotes, (quote) => quote.docId === question.docId),
    quoteHit: atK(quotes, (quote) => isSquadQuoteHit(question, quote)),
    quoteHitGoldDoc: atK(quotes, (quote) => isSquadGoldDocQuoteHit(question, quote)),
  };
}

export interface SquadRow {
  readonly question: SquadQuestion;
  readonly asked: Asked;
  /** Of the returned quotes (none when declined). */
  readonly hits: SquadHits;
  /** Of the quotes, or of the closest excerpts when declined: retrieval without abstention. */
  readonly hitsWithClosest: SquadHits;
}

/** Asks every question through `ask` and scores what it returned. */
export async function runSquad(ask: Ask, questions: readonly SquadQuestion[], onProgress?: (done: number) => void): Promise<SquadRow[]> {
  const asked = await askAll(ask, questions.map((q) => q.question), onProgress);
  return questions.map((question, i) => {
    const a = asked[i]!;
    return { question, asked: a, hits: squadHits(question, a.quotes), hitsWithClosest: squadHits(question, a.answered ? a.quotes : a.closest) };
  });
}

export interface SquadSummary {
  readonly questions: number;
  readonly answerable: number;
  readonly unanswerable: number;
  /** Over answerable questions; a declined question has no quotes, so it misses. */
  readonly docHit: ShareAtK;
  readonly quoteHit: ShareAtK;
  readonly quoteHitGoldDoc: ShareAtK;
  /** Over answerable questions, counting a declined answer's closest excerpts as its quotes. */
  readonly withClosest: { readonly docHit: ShareAtK; readonly quoteHit: ShareAtK };
  /** Answerable questions declined. */
  readonly falselyDeclined: Share;
  /** Unanswerable questions declined (v2.0; 0/0 for v1.1). */
  readonly unanswerableDeclined: Share;
  /** Characters per quote, over the first three quotes (the @3 ones) returned to each answered answerable question. */
  readonly meanQuoteChars: number;
  /** Characters of the first quote, over the answered answerable questions. */
  readonly meanFirstQuoteChars: number;
  /** How many quotes meanQuoteChars is over. */
  readonly quotesMeasured: number;
  /** Questions the program refused to ask (QUESTION_INVALID). */
  readonly refused: number;
  readonly msPerQuestion: number;
}

export function summarizeSquad(rows: readonly SquadRow[]): SquadSummary {
  const answerable = rows.filter((r) => r.question.answerable);
  const unanswerable = rows.filter((r) => !r.question.answerable);
  const over = (pick: (r: SquadRow) => AtK): ShareAtK => shareAtK(answerable, pick);
  const answered = answerable.filter((r) => r.asked.answered);
  const quotes = answered.flatMap((r) => r.asked.quotes.slice(0, 3));
  return {
    questions: rows.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    docHit: over((r) => r.hits.docHit),
    quoteHit: over((r) => r.hits.quoteHit),
    quoteHitGoldDoc: over((r) => r.hits.quoteHitGoldDoc),
    withClosest: { docHit: over((r) => r.hitsWithClosest.docHit), quoteHit: over((r) => r.hitsWithClosest.quoteHit) },
    falselyDeclined: share(answerable.length - answered.length, answerable.length),
    unanswerableDeclined: shareOf(unanswerable, (r) => !r.asked.answered),
    meanQuoteChars: meanLength(quotes),
    meanFirstQuoteChars: meanLength(answered.map((r) => r.asked.quotes[0]!)),
    quotesMeasured: quotes.length,
    refused: rows.filter((r) => r.asked.error !== undefined).length,
    msPerQuestion: msPerQuestion(rows.map((r) => r.asked)),
  };
}

/** One line of the --dump file: everything needed to look at a miss. */
export function squadDumpRecord(row: SquadRow): Record<string, unknown> {
  const { question: q, asked } = row;
  return {
    id: q.id,
    question: q.question,
    goldDocId: q.docId,
    answerable: q.answerable,
    answers: q.answers,
    answered: asked.answered,
    bestSimilarity: asked.bestSimilarity,
    ...(asked.error !== undefined && { error: asked.error }),
    quotes: asked.quotes.map(quoteRecord),
    ...(!asked.answered && { closest: asked.closest.map(quoteRecord) }),
    hits: flatHits(row.hits),
    ms: Math.round(asked.ms * 10) / 10,
  };
}

function flatHits(hits: SquadHits): Record<string, boolean> {
  return {
    docHit1: hits.docHit.at1,
    docHit3: hits.docHit.at3,
    quoteHit1: hits.quoteHit.at1,
    quoteHit3: hits.quoteHit.at3,
    quoteHitGoldDoc1: hits.quoteHitGoldDoc.at1,
    quoteHitGoldDoc3: hits.quoteHitGoldDoc.at3,
  };
}
