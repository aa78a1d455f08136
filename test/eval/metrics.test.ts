import { describe, expect, it } from 'vitest';
import type { Asked } from '../../scripts/lib/ask.js';
import { containsAnswer, fixedSample, formatShare, hitAt, meanLength, normalizeForMatch, overlaps, share, type QuoteRef } from '../../scripts/lib/metrics.js';
import { isRationaleHit, parseClaims, rationaleHits, summarizeRationales, type RationaleRow } from '../../scripts/lib/rationales.js';
import { isSquadGoldDocQuoteHit, isSquadQuoteHit, parseSquadQuestions, squadHits, summarizeSquad, type SquadQuestion, type SquadRow } from '../../scripts/lib/squad.js';

const quote = (docId: string, start: number, end: number, text = 'x'.repeat(end - start)): QuoteRef => ({ docId, start, end, text });

describe('SQuAD matching (README: lowercased, whitespace collapsed)', () => {
  it('GIVEN case and whitespace differences THEN containment still holds', () => {
    expect(normalizeForMatch('The  Denver\n\tBroncos')).toBe('the denver broncos');
    expect(containsAnswer('won by the DENVER\nBroncos, 24–10', ['Denver Broncos'])).toBe(true);
    expect(containsAnswer('won by the Denver', ['Denver Broncos'])).toBe(false);
  });

  it('GIVEN an empty or blank answer THEN it matches nothing', () => {
    expect(containsAnswer('anything', ['', '  '])).toBe(false);
  });

  it('GIVEN ranges that touch but share no character THEN they do not overlap (end is exclusive)', () => {
    expect(overlaps({ start: 0, end: 10 }, { start: 10, end: 20 })).toBe(false);
    expect(overlaps({ start: 0, end: 11 }, { start: 10, end: 20 })).toBe(true);
    expect(overlaps({ start: 12, end: 13 }, { start: 10, end: 20 })).toBe(true);
  });

  const question: SquadQuestion = { id: 'q', question: 'Who won?', docId: 'gold', answerable: true, answers: ['Denver Broncos', '1889'], spans: [{ start: 100, end: 114 }] };

  it('GIVEN a quote from another document that contains an answer THEN it is a quote-hit but not a gold-doc quote-hit', () => {
    const q = quote('other', 0, 30, 'It opened in 1889 in Paris.');
    expect(isSquadQuoteHit(question, q)).toBe(true);
    expect(isSquadGoldDocQuoteHit(question, q)).toBe(false);
  });

  it('GIVEN a gold-document quote that overlaps the span without containing the text THEN it is a hit of both kinds', () => {
    const q = quote('gold', 90, 105, 'the champion Denver');
    expect(isSquadQuoteHit(question, q)).toBe(true);
    expect(isSquadGoldDocQuoteHit(question, q)).toBe(true);
  });

  it('GIVEN the same offsets in another document THEN the overlap does not count', () => {
    expect(isSquadQuoteHit(question, quote('other', 90, 105, 'unrelated words'))).toBe(false);
  });

  it('GIVEN quotes best first THEN @1 looks at the first only and @3 at the first three', () => {
    const quotes = [quote('other', 0, 5, 'none'), quote('gold', 0, 5, 'none'), quote('x', 0, 5, 'the 1889 fair'), quote('gold', 100, 114)];
    const hits = squadHits(question, quotes);
    expect(hits.docHit).toEqual({ at1: false, at3: true });
    expect(hits.quoteHit).toEqual({ at1: false, at3: true });
    expect(hits.quoteHitGoldDoc).toEqual({ at1: false, at3: false });
    expect(hitAt(quotes, 4, (q) => q.docId === 'gold' && q.start === 100)).toBe(true);
  });

  it('GIVEN v1.1 and v2.0 lines THEN both parse, v1.1 as answerable, spans as ranges', () => {
    const [v1, v2] = parseSquadQuestions(
      '{"id":"a","question":"Q?","docId":"d","answers":["x"],"answerStarts":[3],"spans":[[3,4]]}\n' +
        '{"id":"b","question":"R?","docId":"d","answerable":false,"answers":[]}\n',
    );
    expect(v1).toEqual({ id: 'a', question: 'Q?', docId: 'd', answerable: true, answers: ['x'], spans: [{ start: 3, end: 4 }] });
    expect(v2!.answerable).toBe(false);
    expect(v2!.spans).toEqual([]);
  });
});

const asked = (quotes: QuoteRef[], extra: Partial<Asked> = {}): Asked =>
  ({ answered: quotes.length > 0, quotes, closest: [], bestSimilarity: 0.7, ms: 10, ...extra }) as unknown as Asked;

describe('SQuAD summary', () => {
  const answerable = (id: string): SquadQuestion => ({ id, question: `${id}?`, docId: 'gold', answerable: true, answers: ['needle'], spans: [{ start: 50, end: 56 }] });
  const unanswerable = (id: string): SquadQuestion => ({ id, question: `${id}?`, docId: 'gold', answerable: false, answers: [], spans: [] });
  const row = (question: SquadQuestion, a: Asked): SquadRow => ({
    question,
    asked: a,
    hits: squadHits(question, a.quotes),
    hitsWithClosest: squadHits(question, a.answered ? a.quotes : a.closest),
  });

  it('GIVEN answered, missed, declined and unanswerable questions THEN every share and the mean length are as defined', () => {
    const rows = [
      // hit at 1: 10 + 20 characters
      row(answerable('a'), asked([quote('gold', 45, 55, 'a needle!!'), quote('other', 0, 20)])),
      // hit at 2 only, by overlap: 30 + 40 + 50 characters
      row(answerable('b'), asked([quote('other', 0, 30), quote('gold', 52, 92), quote('gold', 200, 250)])),
      // declined, though its closest excerpt would have hit
      row(answerable('c'), asked([], { closest: [quote('gold', 50, 56, 'needle')] as never })),
      // unanswerable: one declined, one answered (its quotes are not in the mean length)
      row(unanswerable('d'), asked([])),
      row(unanswerable('e'), asked([quote('other', 0, 1000)])),
    ];
    const s = summarizeSquad(rows);
    expect([s.questions, s.answerable, s.unanswerable]).toEqual([5, 3, 2]);
    expect(s.docHit.at1).toEqual(share(1, 3));
    expect(s.docHit.at3).toEqual(share(2, 3));
    expect(s.quoteHit.at1).toEqual(share(1, 3));
    expect(s.quoteHit.at3).toEqual(share(2, 3));
    expect(s.quoteHitGoldDoc.at3).toEqual(share(2, 3));
    expect(s.withClosest.quoteHit.at3).toEqual(share(3, 3));
    expect(s.falselyDeclined).toEqual(share(1, 3));
    expect(s.unanswerableDeclined).toEqual(share(1, 2));
    expect(s.quotesMeasured).toBe(5);
    expect(s.meanQuoteChars).toBe((10 + 20 + 30 + 40 + 50) / 5);
    expect(s.meanFirstQuoteChars).toBe((10 + 30) / 2);
    expect(s.msPerQuestion).toBe(10);
    expect(formatShare(s.docHit.at3)).toBe('66.7% (2/3)');
  });
});

describe('SciFact rationales', () => {
  const [withEvidence, without] = parseClaims(
    '{"id": 3, "claim": "A causes B.", "evidence": {"14717500": [{"start": 10, "end": 40, "text": "…", "sentence": 1, "label": "SUPPORT"}]}, "citedDocIds": ["14717500"]}\n' +
      '{"id": 1, "claim": "C causes D.", "evidence": {}, "citedDocIds": ["31715818"]}\n',
  );

  it('GIVEN claims.jsonl lines THEN ids become strings and evidence a map of spans', () => {
    expect(withEvidence!.id).toBe('3');
    expect([...withEvidence!.evidence]).toEqual([['14717500', [{ start: 10, end: 40 }]]]);
    expect(without!.evidence.size).toBe(0);
  });

  it('GIVEN a quote of the evidence document THEN it is a rationale hit only if it overlaps a rationale sentence', () => {
    expect(isRationaleHit(withEvidence!, quote('14717500', 39, 80))).toBe(true);
    expect(isRationaleHit(withEvidence!, quote('14717500', 40, 80))).toBe(false);
    expect(isRationaleHit(withEvidence!, quote('31715818', 10, 40))).toBe(false);
    expect(rationaleHits(withEvidence!, [quote('14717500', 40, 80), quote('14717500', 0, 11)])).toEqual({
      docHit: { at1: true, at3: true },
      rationaleHit: { at1: false, at3: true },
    });
  });

  it('GIVEN one hit claim and one declined claim without evidence THEN the summary counts them apart', () => {
    const rows: RationaleRow[] = [
      { claim: withEvidence!, asked: asked([quote('14717500', 10, 40)]), hits: rationaleHits(withEvidence!, [quote('14717500', 10, 40)]), hitsWithClosest: rationaleHits(withEvidence!, [quote('14717500', 10, 40)]) },
      { claim: without!, asked: asked([]), hits: rationaleHits(without!, []), hitsWithClosest: rationaleHits(without!, []) },
    ];
    const s = summarizeRationales(rows);
    expect([s.withEvidence, s.withoutEvidence]).toEqual([1, 1]);
    expect(s.rationaleHit.at1).toEqual(share(1, 1));
    expect(s.noEvidenceDeclined).toEqual(share(1, 1));
    expect(s.falselyDeclined).toEqual(share(0, 1));
    expect(s.meanQuoteChars).toBe(30);
  });
});

describe('fixed sample', () => {
  const items = Array.from({ length: 200 }, (_, i) => ({ id: `q${i}` }));

  it('GIVEN the same items THEN the sample is the same every time, in file order, whatever the file order', () => {
    const a = fixedSample(items, 20, (x) => x.id);
    expect(a).toHaveLength(20);
    expect(fixedSample(items, 20, (x) => x.id)).toEqual(a);
    expect(a.map((x) => items.indexOf(x))).toEqual([...a.map((x) => items.indexOf(x))].sort((x, y) => x - y));
    const reversed = fixedSample([...items].reverse(), 20, (x) => x.id);
    expect(new Set(reversed.map((x) => x.id))).toEqual(new Set(a.map((x) => x.id)));
  });

  it('GIVEN a larger n THEN the smaller sample is part of it; n beyond the count returns everything', () => {
    const small = new Set(fixedSample(items, 20, (x) => x.id).map((x) => x.id));
    const large = new Set(fixedSample(items, 80, (x) => x.id).map((x) => x.id));
    expect([...small].every((id) => large.has(id))).toBe(true);
    expect(fixedSample(items, 500, (x) => x.id)).toEqual(items);
  });

  it('GIVEN no quotes THEN the mean length is NaN and prints as n/a', () => {
    expect(meanLength([])).toBeNaN();
    expect(formatShare(share(0, 0))).toBe('n/a (0/0)');
  });
});
