import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildProgress, BuildReport } from '../../src/index/build.js';
import type { IndexSnapshot, StoredPassage } from '../../src/index/snapshot.js';
import { loadSnapshot, readPassageVectors } from '../../src/index/store.js';
import type { Footnote } from '../../src/service.js';
import { cachedFootnote, seedIndexedWorkspace, testModel } from '../helpers/footnote.js';
import { expectExactFileQuote, forgetFiles } from '../helpers/quotes.js';
import { SEED_DOC_IDS, indexEntries, readCurrent, removeTempDirs, seedQuestions, type Workspace } from '../helpers/workspace.js';

/**
 * One index, updated step by step as a moderator would: change a document, delete one, add one,
 * then reindex with nothing to do. The tests run in order and each starts from the state the
 * one before left.
 */
const CHANGED = 'lightfoot-tells-police-not-to-assist-ice';
const REMOVED = 'johnson-orders-cpd-to-document-immigration-agents';
const ADDED = 'library-hours';

let ws: Workspace;
let footnote: Footnote;
let first: IndexSnapshot;

beforeAll(async () => {
  ws = await seedIndexedWorkspace();
  footnote = await cachedFootnote(ws.config());
  first = (await loadSnapshot(ws.indexDir)).snapshot;
});
afterAll(removeTempDirs);

function passagesOf(snapshot: IndexSnapshot, id: string): { passage: StoredPassage; number: number }[] {
  const doc = snapshot.documents.findIndex((d) => d.id === id);
  return snapshot.passages.flatMap((passage, number) => (passage.doc === doc ? [{ passage, number }] : []));
}

function sentenceRows(snapshot: IndexSnapshot, passage: StoredPassage): Int8Array {
  const dim = snapshot.manifest.dimension;
  return snapshot.sentenceVectors.slice(passage.sentenceRow * dim, (passage.sentenceRow + passage.sentences.length) * dim);
}

async function reindex(): Promise<{ report: BuildReport; progress: BuildProgress[] }> {
  const progress: BuildProgress[] = [];
  const report = await footnote.reindex({ onProgress: (p) => progress.push(p) });
  forgetFiles();
  return { report, progress };
}

describe('incremental reindexing', () => {
  it('GIVEN one changed document THEN only it is reported changed and only its passages are embedded again', async () => {
    const unchangedIds = SEED_DOC_IDS.filter((id) => id !== CHANGED);
    const questions = seedQuestions().filter((q) => q.doc !== null && q.doc !== CHANGED);
    const before = await Promise.all(questions.map((q) => footnote.ask(q.question)));

    fs.appendFileSync(ws.corpusFile(`${CHANGED}.txt`), '\n\nThe letter was delivered to the White House by courier on Monday morning.\n');
    const { report, progress } = await reindex();

    expect(report).toMatchObject({ added: [], changed: [CHANGED], removed: [], unchanged: unchangedIds, wrote: true, documents: 5 });
    expect(report.rebuildReason).toBeUndefined();
    const second = (await loadSnapshot(ws.indexDir)).snapshot;
    expect(footnote.index.version).toBe(second.version);
    expect(second.version).toBe(report.version);
    expect(second.version).not.toBe(first.version);
    const changedDoc = second.documents.find((d) => d.id === CHANGED)!;
    expect(report.embeddedPassages).toBe(changedDoc.passageCount);
    expect(report.embeddedPassages).toBe(passagesOf(second, CHANGED).length);
    expect(report.passages).toBe(second.passages.length);
    expect(progress.filter((p) => p.phase === 'embedding').every((p) => p.total === changedDoc.passageCount)).toBe(true);

    // The unchanged documents keep their passages, passage vectors and sentence vectors exactly.
    const [oldVectors, newVectors] = await Promise.all([readPassageVectors(ws.indexDir, first), readPassageVectors(ws.indexDir, second)]);
    const dim = second.manifest.dimension;
    for (const id of unchangedIds) {
      const was = passagesOf(first, id);
      const is = passagesOf(second, id);
      expect(is.map(({ passage: { doc: _d, sentenceRow: _r, ...p } }) => p)).toEqual(was.map(({ passage: { doc: _d, sentenceRow: _r, ...p } }) => p));
      is.forEach(({ passage, number }, k) => {
        const old = was[k]!;
        expect(newVectors.slice(number * dim, (number + 1) * dim)).toEqual(oldVectors.slice(old.number * dim, (old.number + 1) * dim));
        expect(sentenceRows(second, passage)).toEqual(sentenceRows(first, old.passage));
      });
    }
    // …and so, for every question, they are exactly as similar to it as before, and whenever the
    // same passage is quoted before and after, the same sentences are. (Which passages rank first
    // may still shift a little: BM25 statistics and score scaling span the whole corpus.)
    const { embedder } = await testModel();
    const after = await Promise.all(questions.map((q) => footnote.ask(q.question)));
    let compared = 0;
    for (const [i, q] of questions.entries()) {
      expect(after[i]!.answered, q.question).toBe(before[i]!.answered);
      const vector = await embedder.embedQuery(q.question);
      for (const id of unchangedIds) {
        passagesOf(second, id).forEach(({ number }, k) => {
          expect(second.vectors.similarity(vector, number)).toBe(first.vectors.similarity(vector, passagesOf(first, id)[k]!.number));
        });
      }
      for (const quote of after[i]!.quotes.filter((x) => x.docId !== CHANGED)) {
        const was = before[i]!.quotes.find((x) => x.docId === quote.docId && x.start < quote.end && quote.start < x.end);
        if (!was) continue;
        expect([quote.start, quote.end, quote.text], q.question).toEqual([was.start, was.end, was.text]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(questions.length);

    // The new sentence is quotable, from the file as it is now.
    const answer = await footnote.ask('How was the letter delivered to the White House?');
    expect(answer.quotes[0]!.docId).toBe(CHANGED);
    expect(answer.quotes[0]!.text).toContain('delivered to the White House by courier');
    for (const q of answer.quotes) expectExactFileQuote(q, ws.root);
  });

  it('GIVEN a deleted document THEN it is reported removed and none of its passages remain', async () => {
    ws.removeCorpusFile(`${REMOVED}.txt`);
    const { report } = await reindex();
    expect(report).toMatchObject({ added: [], changed: [], removed: [REMOVED], wrote: true, documents: 4, embeddedPassages: 0 });
    const snapshot = (await loadSnapshot(ws.indexDir)).snapshot;
    expect(footnote.index.version).toBe(snapshot.version);
    expect(snapshot.documents.map((d) => d.id)).not.toContain(REMOVED);
    expect(snapshot.manifest.documents).not.toHaveProperty(REMOVED);
    expect(snapshot.passages.every((p) => p.doc >= 0 && p.doc < snapshot.documents.length)).toBe(true);
    expect(snapshot.passages.length).toBe(snapshot.documents.reduce((n, d) => n + d.passageCount, 0));
    expect(footnote.sources().map((s) => s.id)).not.toContain(REMOVED);

    // Even the questions written for it never quote it now.
    for (const q of seedQuestions().filter((x) => x.doc === REMOVED)) {
      const answer = await footnote.ask(q.question);
      for (const quote of [...answer.quotes, ...answer.closest]) {
        expect(quote.docId, q.question).not.toBe(REMOVED);
        expectExactFileQuote(quote, ws.root, q.question);
      }
    }
    // The stored copy on disk agrees.
    const stored = (await loadSnapshot(ws.indexDir)).snapshot;
    expect(stored.version).toBe(snapshot.version);
    expect(stored.documents.map((d) => d.id)).not.toContain(REMOVED);
  });

  it('GIVEN a new document THEN it is reported added, embedded alone, and answers questions', async () => {
    ws.writeCorpusFile(
      `${ADDED}.txt`,
      'Chicago Public Library extends weekend hours\n\nThe Harold Washington Library Center will stay open until 9 p.m. on Saturdays starting in March.\nLibrary commissioner Chris Brown said the change follows a survey of 4,000 patrons.\n',
    );
    const { report } = await reindex();
    const snapshot = (await loadSnapshot(ws.indexDir)).snapshot;
    expect(footnote.index.version).toBe(snapshot.version);
    const added = snapshot.documents.find((d) => d.id === ADDED)!;
    expect(report).toMatchObject({ added: [ADDED], changed: [], removed: [], wrote: true, documents: 5 });
    expect(report.unchanged).toHaveLength(4);
    expect(report.embeddedPassages).toBe(added.passageCount);
    expect(added.title).toBe('Chicago Public Library extends weekend hours');

    const answer = await footnote.ask('How late will the Harold Washington Library stay open on Saturdays?');
    expect(answer.answered).toBe(true);
    expect(answer.quotes[0]!.docId).toBe(ADDED);
    expect(answer.quotes[0]!.text).toContain('until 9 p.m. on Saturdays');
    expectExactFileQuote(answer.quotes[0]!, ws.root);
  });

  it('GIVEN no change THEN nothing is written: wrote false, same version, nothing embedded', async () => {
    const version = footnote.index.version;
    const entriesBefore = indexEntries(ws.indexDir).all;
    const { report } = await reindex();
    expect(report).toMatchObject({ added: [], changed: [], removed: [], wrote: false, version, embeddedPassages: 0, documents: 5 });
    expect(report.unchanged).toHaveLength(5);
    expect(footnote.index.version).toBe(version);
    expect(readCurrent(ws.indexDir)).toBe(version);
    expect(indexEntries(ws.indexDir).all).toEqual(entriesBefore);
  });

  it('keeps only the current version and one fallback, and leaves no temporary folder or lock behind', () => {
    const { versions, tmp, all } = indexEntries(ws.indexDir);
    expect(versions).toHaveLength(2);
    expect(versions).toContain(readCurrent(ws.indexDir));
    expect(tmp).toEqual([]);
    expect(all).not.toContain('index.lock');
    expect(all).not.toContain('CURRENT.tmp');
    expect(fs.existsSync(path.join(ws.indexDir, readCurrent(ws.indexDir), 'manifest.json'))).toBe(true);
  });
});
