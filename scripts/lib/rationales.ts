/**
 * The SciFact rationale benchmark (../shared/bench/scifact-rationales/README.md): a claim is hit
 * when a quote overlaps one of the sentences annotators marked as its evidence.
 */
import { askAll, msPerQuestion, type Ask, type Asked } from './ask.js';
import { atK, meanLength, overlapsAny, share, shareAtK, shareOf, type AtK, type QuoteRef, type Share, type ShareAtK, type Span } from './metrics.js';
import { quoteRecord } from './report.js';

export interface RationaleClaim {
  /** SciFact's claim id (a number in the file), as a string. */
  readonly id: string;
  readonly claim: string;
  /** BEIR document id → its rationale sentences, offsets into that document's text. Empty: no evidence. */
  readonly evidence: ReadonlyMap<string, readonly Span[]>;
}

/** Parses claims.jsonl: one claim per line. */
export function parseClaims(text: string): RationaleClaim[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const raw = JSON.parse(line) as { id: number | string; claim: string; evidence: Record<string, { start: number; end: number }[]> };
      const evidence = new Map(Object.entries(raw.evidence).map(([docId, spans]) => [docId, spans.map(({ start, end }) => ({ start, end }))]));
      return { id: String(raw.id), claim: raw.claim, evidence };
    });
}

export interface RationaleHits {
  /** A quote comes from a document with evidence for the claim. */
  readonly docHit: AtK;
  /** A quote overlaps one of that document's rationale sentences. */
  readonly rationaleHit: AtK;
}

/** A quote overlaps a rationale sentence of its own document (README "quote-hit"). */
export function isRationaleHit(claim: RationaleClaim, quote: QuoteRef): boolean {
  const spans = claim.evidence.get(quote.docId);
  return spans !== undefined && overlapsAny(quote, spans);
}

export function rationaleHits(claim: RationaleClaim, quotes: readonly QuoteRef[]): RationaleHits {
  return {
    docHit: atK(quotes, (quote) => claim.evidence.has(quote.docId)),
    rationaleHit: atK(quotes, (quote) => isRationaleHit(claim, quote)),
  };
}

export interface RationaleRow {
  readonly claim: RationaleClaim;
  readonly asked: Asked;
  readonly hits: RationaleHits;
  /** Counting a declined answer's closest excerpts as its quotes. */
  readonly hitsWithClosest: RationaleHits;
}

/** Asks every claim through `ask` (the claim is the question, as a user checking it would ask) and scores it. */
export async function runRationales(ask: Ask, claims: readonly RationaleClaim[], onProgress?: (done: number) => void): Promise<RationaleRow[]> {
  const asked = await askAll(ask, claims.map((c) => c.claim), onProgress);
  return claims.map((claim, i) => {
    const a = asked[i]!;
    return { claim, asked: a, hits: rationaleHits(claim, a.quotes), hitsWithClosest: rationaleHits(claim, a.answered ? a.quotes : a.closest) };
  });
}

export interface RationaleSummary {
  readonly claims: number;
  readonly withEvidence: number;
  readonly withoutEvidence: number;
  /** Over claims with evidence; a declined claim has no quotes, so it misses. */
  readonly docHit: ShareAtK;
  readonly rationaleHit: ShareAtK;
  /** Over claims with evidence, counting a declined answer's closest excerpts. */
  readonly withClosest: { readonly docHit: ShareAtK; readonly rationaleHit: ShareAtK };
  /** Claims with evidence that were declined. */
  readonly falselyDeclined: Share;
  /** Claims without evidence that were declined. */
  readonly noEvidenceDeclined: Share;
  /** Characters per quote, over the first three quotes (the @3 ones) returned to each answered claim with evidence. */
  readonly meanQuoteChars: number;
  readonly meanFirstQuoteChars: number;
  readonly quotesMeasured: number;
  readonly refused: number;
  readonly msPerQuestion: number;
}

export function summarizeRationales(rows: readonly RationaleRow[]): RationaleSummary {
  const withEvidence = rows.filter((r) => r.claim.evidence.size > 0);
  const withoutEvidence = rows.filter((r) => r.claim.evidence.size === 0);
  const answered = withEvidence.filter((r) => r.asked.answered);
  const quotes = answered.flatMap((r) => r.asked.quotes.slice(0, 3));
  return {
    claims: rows.length,
    withEvidence: withEvidence.length,
    withoutEvidence: withoutEvidence.length,
    docHit: shareAtK(withEvidence, (r) => r.hits.docHit),
    rationaleHit: shareAtK(withEvidence, (r) => r.hits.rationaleHit),
    withClosest: {
      docHit: shareAtK(withEvidence, (r) => r.hitsWithClosest.docHit),
      rationaleHit: shareAtK(withEvidence, (r) => r.hitsWithClosest.rationaleHit),
    },
    falselyDeclined: share(withEvidence.length - answered.length, withEvidence.length),
    noEvidenceDeclined: shareOf(withoutEvidence, (r) => !r.asked.answered),
    meanQuoteChars: meanLength(quotes),
    meanFirstQuoteChars: meanLength(answered.map((r) => r.asked.quotes[0]!)),
    quotesMeasured: quotes.length,
    refused: rows.filter((r) => r.asked.error !== undefined).length,
    msPerQuestion: msPerQuestion(rows.map((r) => r.asked)),
  };
}

/** One line of the --dump file. */
export function rationaleDumpRecord(row: RationaleRow): Record<string, unknown> {
  const { claim, asked } = row;
  return {
    id: claim.id,
    question: claim.claim,
    goldDocIds: [...claim.evidence.keys()],
    evidence: Object.fromEntries(claim.evidence),
    answered: asked.answered,
    bestSimilarity: asked.bestSimilarity,
    ...(asked.error !== undefined && { error: asked.error }),
    quotes: asked.quotes.map(quoteRecord),
    ...(!asked.answered && { closest: asked.closest.map(quoteRecord) }),
    hits: {
      docHit1: row.hits.docHit.at1,
      docHit3: row.hits.docHit.at3,
      rationaleHit1: row.hits.rationaleHit.at1,
      rationaleHit3: row.hits.rationaleHit.at3,
    },
    ms: Math.round(asked.ms * 10) / 10,
  };
}
