import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceDocument, Span } from '../../src/corpus/document.js';
import { packPassages, quotableSentences, splitLongSentence } from '../../src/corpus/passages.js';
import { readCorpus, type Corpus } from '../../src/corpus/read.js';
import { splitSentences } from '../../src/corpus/sentences.js';
import type { IndexSnapshot } from '../../src/index/snapshot.js';
import { loadSnapshot } from '../../src/index/store.js';
import { cachedFootnote, seedIndexedWorkspace, testModel, type TestModel } from '../helpers/footnote.js';
import { FURNITURE, furnitureIn, lineOf } from '../helpers/quotes.js';
import { seededRandom } from '../helpers/random.js';
import { SEED_DOC_IDS, createWorkspace, removeTempDirs, type Workspace } from '../helpers/workspace.js';

const random = seededRandom;

function expectTrimmedSlice(text: string, span: Span, what: string): void {
  const slice = text.slice(span.start, span.end);
  expect(span.start, what).toBeGreaterThanOrEqual(0);
  expect(span.end, what).toBeLessThanOrEqual(text.length);
  expect(slice.length, `${what} is empty`).toBeGreaterThan(0);
  expect(slice.trim(), `${what} is not trimmed: ${JSON.stringify(slice)}`).toBe(slice);
}

let ws: Workspace;
let corpus: Corpus;
let snapshot: IndexSnapshot;
let model: TestModel;
const doc = (id: string): SourceDocument => corpus.documents.find((d) => d.id === id)!;

beforeAll(async () => {
  ws = await seedIndexedWorkspace();
  corpus = await readCorpus(ws.corpusDir, ws.root);
  model = await testModel();
  await cachedFootnote(ws.config());
  snapshot = (await loadSnapshot(ws.indexDir)).snapshot;
});
afterAll(removeTempDirs);

describe('the seed corpus', () => {
  it('is read as five documents, none skipped, each byte for byte', () => {
    expect(corpus.skipped).toEqual([]);
    expect(corpus.documents.map((d) => d.id)).toEqual([...SEED_DOC_IDS]);
    for (const d of corpus.documents) {
      expect(d.source).toBe(`corpus/${d.id}.txt`);
      expect(d.text).toBe(fs.readFileSync(ws.corpusFile(`${d.id}.txt`), 'utf8'));
    }
  });
});

describe.each(SEED_DOC_IDS)('document %s', (id) => {
  const passagesOf = () => {
    const number = snapshot.documents.findIndex((d) => d.id === id);
    return snapshot.passages.filter((p) => p.doc === number);
  };

  it('has sentences that are non-empty, trimmed, ordered, non-overlapping slices of its text', () => {
    const { text } = doc(id);
    for (const sentences of [splitSentences(text), quotableSentences(doc(id))]) {
      expect(sentences.length).toBeGreaterThan(3);
      sentences.forEach((s, i) => {
        expectTrimmedSlice(text, s, `sentence ${i}`);
        if (i > 0) expect(s.start).toBeGreaterThanOrEqual(sentences[i - 1]!.end);
      });
    }
  });

  it('has passages whose spans are trimmed slices running from their first sentence to their last', () => {
    const { text } = doc(id);
    const passages = passagesOf();
    expect(passages.length).toBeGreaterThan(0);
    for (const [i, p] of passages.entries()) {
      expectTrimmedSlice(text, p, `passage ${i}`);
      expect(p.sentences.length).toBeGreaterThan(0);
      expect(p.start).toBe(p.sentences[0]!.start);
      expect(p.end).toBe(p.sentences[p.sentences.length - 1]!.end);
      p.sentences.forEach((s, k) => {
        expectTrimmedSlice(text, s, `passage ${i} sentence ${k}`);
        if (k > 0) expect(s.start).toBeGreaterThanOrEqual(p.sentences[k - 1]!.end);
      });
    }
  });

  it('has passage line numbers that match a manual count of the lines of the file', () => {
    const { text } = doc(id);
    const lines = fs.readFileSync(ws.corpusFile(`${id}.txt`), 'utf8').split('\n');
    for (const p of passagesOf()) {
      expect(p.lineStart).toBe(lineOf(text, p.start));
      expect(p.lineEnd).toBe(lineOf(text, p.end - 1));
      // The first and last sentences are on the cited lines of the file itself.
      expect(lines[p.lineStart - 1]).toContain(text.slice(p.sentences[0]!.start, p.sentences[0]!.end));
      const last = p.sentences[p.sentences.length - 1]!;
      expect(lines[p.lineEnd - 1]).toContain(text.slice(last.start, last.end));
    }
  });

  it('never has a passage over the token budget (PASSAGE_MAX_TOKENS, title included within the model limit)', () => {
    const { text, title } = doc(id);
    const { embedder } = model;
    const titleTokens = Math.min(32, embedder.tokenize(title).length);
    for (const p of passagesOf()) {
      const tokens = p.sentences.reduce((n, s) => n + embedder.tokenize(text.slice(s.start, s.end)).length, 0);
      expect(tokens).toBeLessThanOrEqual(ws.config().passageMaxTokens);
      expect(titleTokens + tokens).toBeLessThanOrEqual(embedder.maxContentTokens);
    }
  });

  it('puts every quotable sentence in at least one passage', () => {
    const { text } = doc(id);
    const inPassages = passagesOf().flatMap((p) => p.sentences);
    for (const s of quotableSentences(doc(id))) {
      // A sentence too long for one passage is cut into pieces: together they cover it.
      const pieces = inPassages.filter((q) => q.start >= s.start && q.end <= s.end);
      expect(pieces.length, `sentence not in any passage: ${text.slice(s.start, s.end)}`).toBeGreaterThan(0);
      expect(Math.min(...pieces.map((q) => q.start))).toBe(s.start);
      expect(Math.max(...pieces.map((q) => q.end))).toBe(s.end);
    }
  });

  it('never has page furniture inside a sentence or a passage sentence', () => {
    const { text } = doc(id);
    const spans = [...quotableSentences(doc(id)), ...passagesOf().flatMap((p) => p.sentences)];
    for (const s of spans) expect(furnitureIn(text.slice(s.start, s.end)), text.slice(s.start, s.end)).toEqual([]);
  });
});

describe('page furniture of the seed corpus', () => {
  it('is present in the files (so the tests above are not vacuous) and marked unquotable', () => {
    const all = corpus.documents.map((d) => d.text).join('\n');
    for (const f of FURNITURE) expect(all).toContain(f);
    const tells = doc('lightfoot-tells-police-not-to-assist-ice');
    for (const line of ['Related', 'Trending Now', 'Follow us', 'Join Our Newsletter']) {
      const at = tells.text.indexOf(`\n${line}\n`) + 1;
      expect(at).toBeGreaterThan(0);
      expect(tells.unquotable.some((u) => u.start <= at && u.end >= at + line.length), line).toBe(true);
    }
  });

  it('does not swallow an article sentence that merely mentions subscribing', () => {
    const text = 'Readers can subscribe to the newsletter for weekly updates, the editor said.\nSubscribe to our newsletter\n';
    const sentences = splitSentences(text, 0, text.length, [{ start: text.indexOf('Subscribe'), end: text.length - 1 }]);
    expect(sentences.map((s) => text.slice(s.start, s.end))).toEqual(['Readers can subscribe to the newsletter for weekly updates, the editor said.']);
  });
});

describe('sentence splitting', () => {
  it('keeps "U.S. Senator", "J.B. Pritzker" and "Dr. Martin Luther King" inside one sentence', () => {
    const cases: [string, string][] = [
      ['lightfoot-staff-lobbied-against-ending-qualified-immunity', 'U.S. Senator Dick Durbin'],
      ['lightfoot-staff-lobbied-against-ending-qualified-immunity', 'Governor J.B. Pritzker in February'],
      ['lightfoot-staff-lobbied-against-ending-qualified-immunity', 'passed by the U.S. House of Representatives'],
      ['mayors-police-reform-blueprint', 'assassination of Dr. Martin Luther King, have we seen'],
    ];
    for (const [id, phrase] of cases) {
      const { text } = doc(id);
      const sentences = quotableSentences(doc(id)).map((s) => text.slice(s.start, s.end));
      expect(sentences.filter((s) => s.includes(phrase)), phrase).toHaveLength(1);
    }
  });

  it('GIVEN abbreviations and initials in running text THEN only real sentence ends split', () => {
    const text = 'Gov. J.B. Pritzker met U.S. Senator Dick Durbin on Monday. Dr. King spoke at 3 p.m. in Washington, D.C. today! Did Mr. Smith agree? Yes.';
    const sentences = splitSentences(text).map((s) => text.slice(s.start, s.end));
    expect(sentences[0]).toBe('Gov. J.B. Pritzker met U.S. Senator Dick Durbin on Monday.');
    expect(sentences).toContain('Did Mr. Smith agree?');
    expect(sentences[sentences.length - 1]).toBe('Yes.');
  });

  it('ends a sentence at every line break and drops bullets and list numbers from the span', () => {
    const text = 'The plan:\n  • Trust and legitimacy\n- Document federal activities\n2. Preserve footage\nA headline without a stop\nLast line.';
    const sentences = splitSentences(text).map((s) => text.slice(s.start, s.end));
    expect(sentences).toEqual(['The plan:', 'Trust and legitimacy', 'Document federal activities', 'Preserve footage', 'A headline without a stop', 'Last line.']);
  });

  it('PROPERTY: spans are always exact, trimmed, ordered, non-overlapping slices that lose no letter', () => {
    const vocabulary = [
      'the', 'mayor', 'said', 'Chicago', 'police', 'ICE', 'U.S.', 'J.B.', 'Dr.', 'Gov.', 'e.g.', 'Inc.', 'No.', 'vs.', '3.5',
      '$1.8', '1,400', 'billion', '“quoted', 'words,”', '‘single’', '(parenthesis)', '—', '-', '…', 'é', 'naïve', '北京', '🙂',
      '.', '.', '!', '?', '?!', '...', ';', ':', ',',
    ];
    const separators = [' ', ' ', ' ', ' ', '  ', '\u00a0', '\n', '\n\n', '\r\n', '\n  • ', '\n- ', '\n1. ', '\t', ''];
    for (let seed = 1; seed <= 400; seed++) {
      const next = random(seed);
      const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
      let text = next() < 0.3 ? pick(separators) : '';
      const words = 1 + Math.floor(next() * 60);
      for (let w = 0; w < words; w++) text += pick(vocabulary) + pick(separators);

      // Exclude a random line, as furniture would be.
      const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
      const excludedStart = pick(lineStarts);
      const excludedEnd = text.indexOf('\n', excludedStart) === -1 ? text.length : text.indexOf('\n', excludedStart);
      const exclude = next() < 0.5 ? [{ start: excludedStart, end: excludedEnd }] : [];

      const spans = splitSentences(text, 0, text.length, exclude);
      const context = `seed ${seed}: ${JSON.stringify(text)}`;
      spans.forEach((s, i) => {
        const slice = text.slice(s.start, s.end);
        expect(s.start, context).toBeGreaterThanOrEqual(0);
        expect(s.end, context).toBeLessThanOrEqual(text.length);
        expect(s.end, context).toBeGreaterThan(s.start);
        expect(slice.trim(), context).toBe(slice);
        expect(slice, context).toMatch(/[\p{L}\p{N}]/u);
        expect(slice, context).not.toContain('\n');
        if (i > 0) expect(s.start, context).toBeGreaterThanOrEqual(spans[i - 1]!.end);
        for (const x of exclude) expect(s.end <= x.start || s.start >= x.end, context).toBe(true);
      });
      // No letter outside the excluded line is lost.
      for (const m of text.matchAll(/\p{L}/gu)) {
        const at = m.index!;
        if (exclude.some((x) => at >= x.start && at < x.end)) continue;
        expect(spans.some((s) => at >= s.start && at < s.end), `${context} lost ${JSON.stringify(m[0])} at ${at}`).toBe(true);
      }
    }
  });
});

describe('packing sentences into passages', () => {
  it('PROPERTY: every sentence is in a passage, passages advance, overlap as asked, and stay within budget', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const next = random(seed);
      const maxTokens = 16 + Math.floor(next() * 120);
      const overlap = Math.floor(next() * 4);
      const counts = Array.from({ length: Math.floor(next() * 40) }, () => 1 + Math.floor(next() * (next() < 0.1 ? maxTokens * 1.5 : maxTokens / 2)));
      const passages = packPassages(counts, maxTokens, overlap);
      const context = `seed ${seed}: max ${maxTokens}, overlap ${overlap}, counts ${JSON.stringify(counts)}`;
      const covered = new Set<number>();
      passages.forEach((p, i) => {
        expect(p.first, context).toBeLessThanOrEqual(p.last);
        const tokens = counts.slice(p.first, p.last + 1).reduce((a, b) => a + b, 0);
        // Only a single over-long sentence may exceed the budget (build.ts cuts those beforehand).
        if (p.last > p.first) expect(tokens, context).toBeLessThanOrEqual(maxTokens);
        for (let s = p.first; s <= p.last; s++) covered.add(s);
        if (i > 0) {
          const before = passages[i - 1]!;
          expect(p.first, context).toBeGreaterThan(before.first);
          expect(p.first, context).toBeLessThanOrEqual(before.last + 1);
          expect(before.last + 1 - p.first, context).toBeLessThanOrEqual(overlap);
        }
      });
      expect(covered.size, context).toBe(counts.length);
    }
  });

  it('cuts a sentence longer than the budget into trimmed pieces at spaces, each within the budget, losing no word', () => {
    const { embedder } = model;
    const count = (s: string) => embedder.tokenize(s).length;
    const text = `An intro sentence. Then ${Array.from({ length: 120 }, (_, i) => `word${i} and`).join(' ')} the end. Outro.`;
    const [, long] = splitSentences(text);
    expect(count(text.slice(long!.start, long!.end))).toBeGreaterThan(100);
    const pieces = splitLongSentence(text, long!, count, 32);
    expect(pieces.length).toBeGreaterThan(3);
    pieces.forEach((p, i) => {
      expectTrimmedSlice(text, p, `piece ${i}`);
      expect(count(text.slice(p.start, p.end))).toBeLessThanOrEqual(32);
      if (i > 0) expect(p.start).toBeGreaterThan(pieces[i - 1]!.end);
    });
    expect(pieces[0]!.start).toBe(long!.start);
    expect(pieces[pieces.length - 1]!.end).toBe(long!.end);
    expect(pieces.map((p) => text.slice(p.start, p.end)).join(' ')).toBe(text.slice(long!.start, long!.end));
  });
});

describe('titles', () => {
  it('uses the headline on the first line when there is one', () => {
    expect(doc('johnson-orders-cpd-to-document-immigration-agents').title).toBe('Chicago mayor orders CPD to document illegal activity by immigration agents');
    expect(doc('lightfoot-tells-police-not-to-assist-ice').title).toBe('Chicago Mayor Lori Lightfoot Tells Police Not to Assist ICE');
    expect(doc('lightfoot-will-not-cooperate-with-ice').title).toBe('Chicago Mayor ‘Will Not Cooperate’ With ICE To Deport Illegal Immigrants');
  });

  it('GIVEN a file that starts with body text THEN the title is its opening, shortened at a word', () => {
    const { title, text } = doc('lightfoot-staff-lobbied-against-ending-qualified-immunity');
    expect(title.startsWith('As widespread efforts from the far-left gained momentum')).toBe(true);
    expect(title.length).toBeLessThanOrEqual(100);
    expect(text.startsWith(title.replace(/…$/, ''))).toBe(true);
    expect(title).not.toMatch(/[\s,;]…?$/);
  });

  it('GIVEN a file that starts with a photo caption THEN the title is not the caption but the lede, without its dateline', () => {
    const { title, text } = doc('mayors-police-reform-blueprint');
    const caption = text.split('\n')[0]!;
    expect(caption).toContain('Credit:');
    expect(title).not.toContain('Credit');
    expect(title).not.toContain('Merlo Library');
    expect(title).not.toMatch(/^CHICAGO/);
    expect(title.length).toBeGreaterThan(20);
    expect(title.length).toBeLessThanOrEqual(100);
    expect(text.slice(caption.length)).toContain(title.replace(/…$/, ''));
  });

  it('takes the title (and url) from Markdown front matter, which is never quoted', async () => {
    const md = createWorkspace({
      files: {
        'notes/budget.md': '---\ntitle: "Budget Hearing Notes"\nurl: https://example.org/budget\ndate: 2024-03-01\n---\n# A Heading That Is Not The Title\n\nThe council approved the budget on Tuesday.\n',
        'plain.md': '# Heading Title\n\nBody sentence one. Body sentence two.\n',
      },
    });
    const read = await readCorpus(md.corpusDir, md.root);
    const budget = read.documents.find((d) => d.id === 'notes/budget')!;
    expect(budget.title).toBe('Budget Hearing Notes');
    expect(budget.url).toBe('https://example.org/budget');
    expect(budget.date).toBe('2024-03-01');
    const quotable = quotableSentences(budget).map((s) => budget.text.slice(s.start, s.end));
    expect(quotable).toEqual(['The council approved the budget on Tuesday.']);
    expect(read.documents.find((d) => d.id === 'plain')!.title).toBe('Heading Title');
  });

  it('GIVEN a name.meta.json sidecar THEN its title and url win over the text and over front matter', async () => {
    const side = createWorkspace({
      files: {
        'mayors-police-reform-blueprint.txt': fs.readFileSync(ws.corpusFile('mayors-police-reform-blueprint.txt')),
        'mayors-police-reform-blueprint.meta.json': JSON.stringify({ title: 'Mayors Release Police Reform Blueprint', url: 'https://example.org/blueprint', publisher: 'Block Club Chicago' }),
        'memo.md': '---\ntitle: Front Matter Title\nurl: https://example.org/front\n---\nThe memo says the plan is ready.\n',
        'memo.meta.json': JSON.stringify({ title: 'Sidecar Title', url: 'https://example.org/sidecar' }),
      },
    });
    const read = await readCorpus(side.corpusDir, side.root);
    expect(read.skipped).toEqual([]);
    const blueprint = read.documents.find((d) => d.id === 'mayors-police-reform-blueprint')!;
    expect(blueprint).toMatchObject({ title: 'Mayors Release Police Reform Blueprint', url: 'https://example.org/blueprint', publisher: 'Block Club Chicago' });
    expect(read.documents.find((d) => d.id === 'memo')).toMatchObject({ title: 'Sidecar Title', url: 'https://example.org/sidecar' });
    // The sidecar is metadata, not a document.
    expect(read.documents.map((d) => d.id).sort()).toEqual(['mayors-police-reform-blueprint', 'memo']);
  });
});
