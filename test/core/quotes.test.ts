import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer, Quote } from '../../src/search/answer.js';
import type { Footnote } from '../../src/service.js';
import { cachedFootnote, seedIndexedWorkspace } from '../helpers/footnote.js';
import { expectExactFileQuote, furnitureIn } from '../helpers/quotes.js';
import { createWorkspace, removeTempDirs, seedQuestions, type Workspace } from '../helpers/workspace.js';

afterAll(removeTempDirs);

/** The quote starts at a sentence of its passage, ends at one, and spans one to three of them. */
async function expectWholeSentences(footnote: Footnote, answer: Answer, quote: Quote): Promise<void> {
  const found = await footnote.passage(answer.version, quote.passage);
  expect(found, 'the passage a quote came from').toBeDefined();
  const { passage, document } = found!;
  expect(document.id).toBe(quote.docId);
  const inside = passage.sentences.filter((s) => s.start >= quote.start && s.end <= quote.end);
  expect(inside.length, quote.text).toBeGreaterThanOrEqual(1);
  expect(inside.length, quote.text).toBeLessThanOrEqual(3);
  expect(inside[0]!.start, quote.text).toBe(quote.start);
  expect(inside[inside.length - 1]!.end, quote.text).toBe(quote.end);
}

describe('quotes over the seed corpus', () => {
  let ws: Workspace;
  let footnote: Footnote;
  const answers: Answer[] = [];

  beforeAll(async () => {
    ws = await seedIndexedWorkspace();
    footnote = await cachedFootnote(ws.config());
    for (const q of seedQuestions()) answers.push(await footnote.ask(q.question));
  });

  it('answers or abstains on every seed question with at least one quote to show', () => {
    expect(answers).toHaveLength(seedQuestions().length);
    for (const a of answers) expect([...a.quotes, ...a.closest].length, a.question).toBeGreaterThan(0);
  });

  it('GIVEN every seed question THEN every quote and every closest excerpt is readFileSync(source).slice(start, end), on the cited lines', () => {
    let checked = 0;
    for (const a of answers) {
      for (const quote of [...a.quotes, ...a.closest]) {
        expectExactFileQuote(quote, ws.root, a.question);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('never quotes page furniture', () => {
    for (const a of answers) for (const q of [...a.quotes, ...a.closest]) expect(furnitureIn(q.text), `${a.question}: ${q.text}`).toEqual([]);
  });

  it('quotes one to three whole sentences of the passage found', async () => {
    for (const a of answers) for (const q of [...a.quotes, ...a.closest]) await expectWholeSentences(footnote, a, q);
  });

  it('cites the document a quote comes from by its id, title and source, and never quotes overlapping text twice', () => {
    const docs = new Map(footnote.sources().map((s) => [s.id, s]));
    for (const a of answers) {
      const shown = [...a.quotes, ...a.closest];
      for (const q of shown) {
        expect(docs.get(q.docId)).toMatchObject({ title: q.title, source: q.source });
        expect(q.source).toBe(`corpus/${q.docId}.txt`);
        expect(q.score).toBeGreaterThanOrEqual(0);
        expect(q.score).toBeLessThanOrEqual(1);
      }
      for (const [i, q] of shown.entries()) {
        for (const other of shown.slice(i + 1)) {
          if (other.docId === q.docId) expect(other.start >= q.end || q.start >= other.end, `${a.question}: overlapping quotes`).toBe(true);
        }
      }
      expect(a.quotes.length).toBeLessThanOrEqual(footnote.config.maxQuotes);
    }
  });

  it('respects a smaller limit on the number of quotes', async () => {
    const answer = await footnote.ask('What did Lightfoot say about police reform?', { limit: 1 });
    expect(answer.answered).toBe(true);
    expect(answer.quotes).toHaveLength(1);
  });
});

describe('quotes from a JSONL corpus', () => {
  // The "text" of a record, not the raw line, is what offsets refer to: the escapes (\u2019, \n, \")
  // make the two differ, so a quote taken from the raw line would not match.
  const records = [
    { id: 'water-1', title: 'Reservoir levels', url: 'https://example.org/water', text: 'The Jardine reservoir held 40 billion gallons in May. Officials\u2019 statement said the level was normal for spring.\nThe intake pumps were replaced in 2019 after a decade of service.' },
    null,
    { _id: 'bridge-2', title: 'Bridge closure', text: 'The Elm Street bridge will close for repairs on Monday. Detours will send traffic along Oak Avenue for three weeks.' },
    { id: 3, title: 'Library hours', text: 'The central library now opens at 8 a.m. on weekdays. It closes at 9 p.m., the city said. "Quiet rooms" can be booked online.' },
  ];
  const lines = records.map((r) => (r === null ? '' : JSON.stringify(r)));
  let ws: Workspace;
  let footnote: Footnote;

  beforeAll(async () => {
    ws = createWorkspace({ files: { 'city/notices.jsonl': lines.join('\n') + '\n' } });
    footnote = await cachedFootnote(ws.config());
  });

  it('indexes one document per record, with the record id and title', () => {
    expect(footnote.sources().map((s) => [s.id, s.title, s.source])).toEqual([
      ['water-1', 'Reservoir levels', 'corpus/city/notices.jsonl'],
      ['bridge-2', 'Bridge closure', 'corpus/city/notices.jsonl'],
      ['3', 'Library hours', 'corpus/city/notices.jsonl'],
    ]);
  });

  it.each([
    ['When will the Elm Street bridge close?', 'bridge-2', 3],
    ['When were the intake pumps replaced?', 'water-1', 1],
    ['What time does the central library open on weekdays?', '3', 4],
  ] as const)('GIVEN "%s" THEN the quote is the record text sliced at start/end, cited on the record\'s line', async (question, id, line) => {
    const answer = await footnote.ask(question);
    expect(answer.answered).toBe(true);
    expect(answer.quotes[0]!.docId).toBe(id);
    for (const quote of answer.quotes) {
      const index = records.findIndex((r) => r !== null && String(r.id ?? (r as { _id?: string })._id) === quote.docId);
      const record = records[index]!;
      expect(quote.text).toBe(record.text.slice(quote.start, quote.end));
      expect(quote.lineStart).toBe(index + 1);
      expect(quote.lineEnd).toBe(index + 1);
      expect(quote.source).toBe('corpus/city/notices.jsonl');
    }
    expect(answer.quotes[0]!.lineStart).toBe(line);
    if (id === 'water-1') expect(answer.quotes[0]!.url).toBe('https://example.org/water');
  });
});
