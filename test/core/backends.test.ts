/**
 * The core suite, run against both index backends (INDEX_BACKEND=embedded and lancedb): building,
 * answering with exact quotes, browsing, incremental updates, failed and killed reindexes, one
 * writer at a time, and readers following a version another process published. Then the two
 * backends' answers are compared question by question.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { isFootnoteError } from '../../src/errors.js';
import type { BackendKind } from '../../src/index/backend.js';
import { openCorpora } from '../../src/corpora.js';
import { indexStore } from '../../src/index/stores.js';
import { silentLogger } from '../../src/log.js';
import type { Answer } from '../../src/search/answer.js';
import { openFootnote, type Footnote } from '../../src/service.js';
import { spawn } from 'node:child_process';
import { cliEnv as cliEnvOf, collect, ownStderr, runCli } from '../helpers/cli.js';
import { UNPUBLISHED_MARK } from '../helpers/crash-mark.js';
import { expectExactFileQuote, forgetFiles } from '../helpers/quotes.js';
import { MODEL_DIR, PROJECT_ROOT, createWorkspace, removeTempDirs, seedQuestions, type Workspace } from '../helpers/workspace.js';

const BACKENDS: readonly BackendKind[] = ['embedded', 'lancedb'];
const QUESTION = 'What did Lightfoot tell ICE?';
const CHANGED = 'lightfoot-tells-police-not-to-assist-ice';

afterAll(removeTempDirs);

const configOf = (ws: Workspace, backend: BackendKind): Config => ws.config({ INDEX_BACKEND: backend });
const cliEnv = (ws: Workspace, backend: BackendKind) => ({ CORPUS_DIR: ws.corpusDir, INDEX_DIR: ws.indexDir, MODEL_DIR, INDEX_BACKEND: backend });
const quotesOf = (a: Answer) => a.quotes.map((q) => [q.docId, q.start, q.end, q.text]);
const open = (config: Config) => openFootnote({ config, log: silentLogger });

describe.each(BACKENDS)('the core suite on the %s backend', (backend) => {
  let ws: Workspace;
  let footnote: Footnote;

  beforeAll(async () => {
    ws = createWorkspace({ seed: true });
    footnote = await open(configOf(ws, backend));
  });

  it('builds the seed corpus on first open and answers with exact quotes from the document each question is about', async () => {
    expect(footnote.builtOnOpen).toMatchObject({ documents: 5, wrote: true });
    expect(footnote.index.backend).toBe(backend);
    const answerable = seedQuestions().filter((q) => q.doc !== null);
    let docHits = 0;
    for (const q of answerable) {
      const answer = await footnote.ask(q.question);
      for (const quote of [...answer.quotes, ...answer.closest]) expectExactFileQuote(quote, ws.root, q.question);
      if (answer.quotes.slice(0, 3).some((quote) => quote.docId === q.doc)) docHits++;
    }
    // The seed eval's doc-hit@3 is 100% on the embedded backend (README).
    expect(docHits / answerable.length).toBeGreaterThanOrEqual(0.95);
  });

  it('lists the documents, shows one whole, and finds the passage an answer quoted', async () => {
    expect(footnote.sources().map((s) => s.id).sort()).toHaveLength(5);
    const answer = await footnote.ask(QUESTION);
    const quote = answer.quotes[0]!;
    const doc = await footnote.document(quote.docId);
    expect(doc.text.slice(quote.start, quote.end)).toBe(quote.text);
    const found = await footnote.passage(answer.version, quote.passage);
    expect(found?.document.id).toBe(quote.docId);
    expect(found!.passage.start).toBeLessThanOrEqual(quote.start);
    expect(found!.passage.end).toBeGreaterThanOrEqual(quote.end);
    await expect(footnote.document('no-such-document')).rejects.toSatisfy((e) => isFootnoteError(e, 'DOCUMENT_NOT_FOUND'));
  });

  it('GIVEN a reindex that fails before it publishes THEN the live version and the answers are unchanged, here and for a reader opened after', async () => {
    const before = footnote.index.version;
    const answerBefore = await footnote.ask(QUESTION);
    fs.appendFileSync(ws.corpusFile(`${CHANGED}.txt`), '\n\nThe letter was delivered to the White House by courier.\n');
    forgetFiles();
    await expect(footnote.reindex({ hooks: { beforeCommit: () => Promise.reject(new Error('injected')) } })).rejects.toThrow('injected');
    expect(footnote.index.version).toBe(before);
    expect(await indexStore(configOf(ws, backend)).liveVersion()).toBe(before);
    expect(quotesOf(await footnote.ask(QUESTION))).toEqual(quotesOf(answerBefore));
    const reader = await open(configOf(ws, backend));
    expect(reader.index.version).toBe(before);
    expect(quotesOf(await reader.ask(QUESTION))).toEqual(quotesOf(answerBefore));
  });

  it('GIVEN one changed document THEN only its passages are embedded again, and the new text answers', async () => {
    const report = await footnote.reindex();
    expect(report).toMatchObject({ changed: [CHANGED], removed: [], wrote: true });
    expect(report.unchanged).toHaveLength(4);
    expect(report.embeddedPassages).toBe(footnote.sources().find((s) => s.id === CHANGED)!.passages);
    const answer = await footnote.ask('How was the letter delivered to the White House?');
    expect(answer.quotes.map((q) => q.text).join(' ')).toContain('courier');
  });

  it('GIVEN another writer holds the lease THEN a reindex is refused with INDEX_BUSY and the live version stays', async () => {
    const before = footnote.index.version;
    const release = await indexStore(configOf(ws, backend)).lease();
    try {
      await expect(footnote.reindex({ full: true })).rejects.toSatisfy((e) => isFootnoteError(e, 'INDEX_BUSY'));
    } finally {
      await release();
    }
    expect(footnote.index.version).toBe(before);
  });

  it('GIVEN `npm run index` publishes a new version in another process THEN a reader follows it between questions', async () => {
    const before = footnote.index.version;
    ws.writeCorpusFile('library-hours.txt', 'Chicago Public Library extends weekend hours\n\nThe Harold Washington Library Center will stay open until 9 p.m. on Saturdays starting in March.\n');
    const result = await runCli(['index'], { env: cliEnv(ws, backend) });
    expect(result.code, ownStderr(result.stderr)).toBe(0);
    const live = await indexStore(configOf(ws, backend)).liveVersion();
    expect(live).not.toBe(before);
    expect(footnote.index.version).toBe(before);
    expect(await footnote.followCurrent()).toBe(true);
    expect(footnote.index.version).toBe(live);
    expect(await footnote.followCurrent()).toBe(false);
    const answer = await footnote.ask('How late is the Harold Washington Library open on Saturdays?');
    expect(answer.quotes[0]?.docId).toBe('library-hours');
  });

  it('GIVEN a writer SIGKILLed after writing a whole new version, before publishing it THEN readers keep the live version, and the next reindex takes the dead writer\'s lease over', async () => {
    const before = await indexStore(configOf(ws, backend)).liveVersion();
    const answerBefore = await footnote.ask(QUESTION);
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/crash-writer.ts'], { cwd: PROJECT_ROOT, env: cliEnvOf(cliEnv(ws, backend)), stdio: ['ignore', 'pipe', 'pipe'] });
    const result = await collect(child);
    expect(result.signal, result.stderr).toBe('SIGKILL');
    expect(await indexStore(configOf(ws, backend)).liveVersion()).toBe(before);
    const reader = await open(configOf(ws, backend));
    expect(reader.index.version).toBe(before);
    expect(reader.sources().some((s) => s.title.endsWith(UNPUBLISHED_MARK))).toBe(false);
    expect(quotesOf(await reader.ask(QUESTION))).toEqual(quotesOf(answerBefore));
    const report = await reader.reindex({ full: true });
    expect(report.wrote).toBe(true);
    expect(await indexStore(configOf(ws, backend)).liveVersion()).toBe(report.version);
  });
});

describe('per-server corpora on the lancedb backend', () => {
  it('GIVEN CORPORA THEN each server has a dataset of its own under LANCEDB_URI, answers only from it, and a reindex of one leaves the other', async () => {
    const ws = createWorkspace({ files: { 'lighthouse.txt': 'The Harbour Lighthouse\n\nThe harbour lighthouse was built in 1874 from granite blocks quarried on the island.\n' } });
    const serverCorpus = ws.corpusFile('../server-b');
    fs.mkdirSync(serverCorpus, { recursive: true });
    fs.writeFileSync(`${serverCorpus}/bakery.txt`, 'The Village Bakery\n\nThe village bakery opens at six in the morning and sells rye bread baked in a wood-fired oven.\n');
    const SERVER = '3000000000000000100';
    const config = ws.config({ INDEX_BACKEND: 'lancedb', CORPORA: `${SERVER}:${serverCorpus}` });
    const corpora = await openCorpora({ config, log: silentLogger });
    const own = corpora.forGuild(SERVER);
    expect(own.config.index.lancedbUri).toBe(`${config.index.lancedbUri}/servers/${SERVER}`);
    expect(own.sources().map((s) => s.id)).toEqual(['bakery']);
    expect(corpora.forGuild('9000000000000000000').sources().map((s) => s.id)).toEqual(['lighthouse']);
    expect((await own.ask('When was the harbour lighthouse built?')).quotes.every((q) => q.docId === 'bakery')).toBe(true);

    const before = corpora.default.index.version;
    fs.appendFileSync(`${serverCorpus}/bakery.txt`, '\nOn Sundays it closes at noon.\n');
    forgetFiles();
    expect(await own.reindex()).toMatchObject({ changed: ['bakery'], wrote: true });
    expect(await indexStore(config).liveVersion()).toBe(before);
  });
});

describe('the two backends agree', () => {
  const answers = new Map<BackendKind, Answer[]>();
  const questions = seedQuestions();

  beforeAll(async () => {
    for (const backend of BACKENDS) {
      const footnote = await open(configOf(createWorkspace({ seed: true }), backend));
      const list: Answer[] = [];
      for (const q of questions) list.push(await footnote.ask(q.question));
      answers.set(backend, list);
    }
  });

  it('quotes exactly the same excerpts for at least 95% of the seed questions, and answers or declines the same ones', () => {
    const embedded = answers.get('embedded')!;
    const lancedb = answers.get('lancedb')!;
    const same = questions.filter((_, i) => JSON.stringify(quotesOf(embedded[i]!)) === JSON.stringify(quotesOf(lancedb[i]!))).length;
    expect(same / questions.length).toBeGreaterThanOrEqual(0.95);
    const answered = (list: Answer[]) => list.filter((a) => a.answered).length;
    expect(Math.abs(answered(embedded) - answered(lancedb))).toBeLessThanOrEqual(1);
  });
});
