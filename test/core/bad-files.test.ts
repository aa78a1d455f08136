import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SkippedSource } from '../../src/corpus/document.js';
import { quotableSentences } from '../../src/corpus/passages.js';
import { readCorpus } from '../../src/corpus/read.js';
import { isFootnoteError } from '../../src/errors.js';
import type { BuildReport } from '../../src/index/build.js';
import { loadSnapshot } from '../../src/index/store.js';
import { openFootnote } from '../../src/service.js';
import { silentLogger } from '../../src/log.js';
import { build } from '../helpers/footnote.js';
import { createWorkspace, indexEntries, readCurrent, removeTempDirs, type Workspace } from '../helpers/workspace.js';

const GOOD_TEXT = 'Harbor ferry schedule changes\n\nThe harbor ferry will run every twenty minutes on weekends starting in June.\nThe transit board approved the new schedule on Tuesday.\n';

const RECORDS = [
  JSON.stringify({ id: 'pier-1', title: 'Pier repairs', text: 'Pier 7 reopened after a two-month repair of its pilings.' }),
  '{"id": "broken", "text": "this line was cut off',
  JSON.stringify({ id: 'no-text', title: 'A record without text' }),
  JSON.stringify({ id: 'pier-2', title: 'Pier lights', text: 'New lights were installed along Pier 9 in April.' }),
  JSON.stringify({ id: 'blank-text', text: '   ' }),
  JSON.stringify({ title: 'No id', text: 'A record with text but no id.' }),
  '[1, 2, 3]',
];

/** Runs as root? Then chmod 000 does not stop reads (root bypasses file permissions). */
const isRoot = process.getuid?.() === 0;

let ws: Workspace;
let report: BuildReport;
const skippedFor = (source: string): SkippedSource | undefined => report.skipped.find((s) => s.source === source);

beforeAll(async () => {
  ws = createWorkspace({
    files: {
      'good.txt': GOOD_TEXT,
      'binary.txt': Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14, 0x00, 0x08, 0x00, 0x41, 0x42, 0x43]),
      'empty.md': '',
      'blank.txt': '  \n\n\t\n',
      'latin1.txt': Buffer.from('Caf\xe9 au lait co\xfbte deux euros.\n', 'latin1'),
      'locked.txt': 'This file cannot be read by anyone but root.\n',
      'records.jsonl': RECORDS.join('\n') + '\n',
      'good.meta.json': '{ this is not json',
      'photo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00]),
    },
  });
  fs.chmodSync(ws.corpusFile('locked.txt'), 0o000);
  report = await build(ws.config());
});
// Removing a file needs write access to its folder, not to the file: chmod 000 does not get in the way.
afterAll(removeTempDirs);

describe('files that cannot be used', () => {
  it('never abort the build: the usable documents are indexed', () => {
    expect(report.wrote).toBe(true);
    expect(report.added).toEqual(expect.arrayContaining(['good', 'pier-1', 'pier-2']));
    for (const bad of ['binary', 'empty', 'blank', 'latin1', 'broken', 'no-text', 'blank-text']) expect(report.added).not.toContain(bad);
  });

  it('GIVEN a binary file (NUL bytes) THEN it is skipped as binary', () => {
    expect(skippedFor('corpus/binary.txt')?.reason).toMatch(/binary/i);
  });

  it('GIVEN an empty or blank file THEN it is skipped as empty', () => {
    expect(skippedFor('corpus/empty.md')?.reason).toMatch(/empty/i);
    expect(skippedFor('corpus/blank.txt')?.reason).toMatch(/empty/i);
  });

  it('GIVEN a file that is not valid UTF-8 THEN it is skipped, saying so', () => {
    expect(skippedFor('corpus/latin1.txt')?.reason).toMatch(/UTF-8/);
  });

  it('GIVEN an unreadable file (chmod 000) THEN it is skipped as unreadable', () => {
    if (isRoot) {
      // Root reads the file regardless of its mode, so there is nothing to skip: it is indexed.
      expect(report.added).toContain('locked');
      return;
    }
    expect(skippedFor('corpus/locked.txt')?.reason).toMatch(/unreadable|permission/i);
  });

  it('GIVEN a JSONL file with bad lines among good ones THEN the good records are indexed and each bad line is reported as file.jsonl:N with a reason', () => {
    expect(skippedFor('corpus/records.jsonl:2')?.reason).toMatch(/not valid JSON/);
    expect(skippedFor('corpus/records.jsonl:3')?.reason).toMatch(/"text"/);
    expect(skippedFor('corpus/records.jsonl:5')?.reason).toMatch(/"text"/);
    expect(skippedFor('corpus/records.jsonl:6')?.reason).toMatch(/"id"/);
    expect(skippedFor('corpus/records.jsonl:7')?.reason).toMatch(/JSON object/);
    expect(skippedFor('corpus/records.jsonl:1')).toBeUndefined();
    expect(skippedFor('corpus/records.jsonl:4')).toBeUndefined();
  });

  it('GIVEN a sidecar that is not JSON THEN it is reported and the document keeps its own title', async () => {
    expect(skippedFor('corpus/good.meta.json')?.reason).toMatch(/metadata ignored/);
    const { snapshot } = await loadSnapshot(ws.indexDir);
    expect(snapshot.documents.find((d) => d.id === 'good')?.title).toBe('Harbor ferry schedule changes');
  });

  it('ignores files of other types without complaint', () => {
    expect(report.skipped.some((s) => s.source.includes('photo.png'))).toBe(false);
  });

  it('gives every skipped source a non-empty reason, and nothing else', () => {
    const expected = ['binary.txt', 'empty.md', 'blank.txt', 'latin1.txt', 'records.jsonl:2', 'records.jsonl:3', 'records.jsonl:5', 'records.jsonl:6', 'records.jsonl:7', 'good.meta.json'];
    if (!isRoot) expected.push('locked.txt');
    expect(report.skipped.map((s) => s.source).sort()).toEqual(expected.map((e) => `corpus/${e}`).sort());
    for (const s of report.skipped) expect(s.reason.trim().length).toBeGreaterThan(5);
  });

  it('answers from the good records of the JSONL file', async () => {
    const footnote = await openFootnote({ config: ws.config(), log: silentLogger });
    const answer = await footnote.ask('When did Pier 7 reopen?');
    expect(answer.answered).toBe(true);
    expect(answer.quotes[0]).toMatchObject({ docId: 'pier-1', lineStart: 1, lineEnd: 1, source: 'corpus/records.jsonl' });
    const lights = await footnote.ask('Where were new lights installed?');
    expect(lights.quotes[0]).toMatchObject({ docId: 'pier-2', lineStart: 4, text: 'New lights were installed along Pier 9 in April.' });
  });
});

describe('a corpus with no usable documents', () => {
  it('GIVEN only bad files THEN CORPUS_EMPTY, and the previous index is untouched and still served', async () => {
    const footnote = await openFootnote({ config: ws.config(), log: silentLogger });
    const before = readCurrent(ws.indexDir);
    const entriesBefore = indexEntries(ws.indexDir).all;
    for (const file of ['good.txt', 'records.jsonl', 'locked.txt']) fs.rmSync(ws.corpusFile(file));

    const error = await footnote.reindex().catch((e: unknown) => e);
    expect(isFootnoteError(error, 'CORPUS_EMPTY')).toBe(true);
    expect((error as Error).message).toContain(ws.corpusDir);
    expect(readCurrent(ws.indexDir)).toBe(before);
    expect(indexEntries(ws.indexDir).all).toEqual(entriesBefore);
    expect((await loadSnapshot(ws.indexDir)).snapshot.version).toBe(before);
    expect(footnote.index.version).toBe(before);
    expect((await footnote.ask('When did Pier 7 reopen?')).answered).toBe(true);
  });

  it('GIVEN an empty corpus folder and no index THEN opening reports CORPUS_EMPTY and writes no version', async () => {
    const empty = createWorkspace();
    const error = await openFootnote({ config: empty.config(), log: silentLogger }).catch((e: unknown) => e);
    expect(isFootnoteError(error, 'CORPUS_EMPTY')).toBe(true);
    expect(indexEntries(empty.indexDir).versions).toEqual([]);
  });

  it('GIVEN a corpus folder that does not exist THEN CORPUS_NOT_FOUND names it', async () => {
    const missing = path.join(createWorkspace().root, 'no-such-folder');
    const error = await readCorpus(missing, path.dirname(missing)).catch((e: unknown) => e);
    expect(isFootnoteError(error, 'CORPUS_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain(missing);
  });
});

describe('files saved by other editors', () => {
  it('GIVEN a .txt file with a UTF-8 BOM and CRLF line ends THEN its title and sentences are clean and still exact slices', async () => {
    const win = createWorkspace({ files: { 'win.txt': '\uFEFFCity budget vote delayed\r\n\r\nThe council delayed the budget vote until Friday.\r\nMembers asked for more time.\r\n' } });
    const { documents, skipped } = await readCorpus(win.corpusDir, win.root);
    expect(skipped).toEqual([]);
    const [doc] = documents;
    expect(doc!.title).toBe('City budget vote delayed');
    expect(doc!.text).toBe(fs.readFileSync(win.corpusFile('win.txt'), 'utf8'));
    const sentences = quotableSentences(doc!).map((s) => doc!.text.slice(s.start, s.end));
    // The headline is the title, shown with every citation, so it is not quoted as an answer.
    expect(sentences).toEqual(['The council delayed the budget vote until Friday.', 'Members asked for more time.']);
  });

  it('GIVEN a JSONL file with a UTF-8 BOM (as Windows editors save it) THEN its first record is indexed like the others', async () => {
    const lines = [JSON.stringify({ id: 'first', text: 'The first record of the file.' }), JSON.stringify({ id: 'second', text: 'The second record of the file.' })];
    const bom = createWorkspace({ files: { 'records.jsonl': '\uFEFF' + lines.join('\r\n') + '\r\n' } });
    const { documents, skipped } = await readCorpus(bom.corpusDir, bom.root);
    expect(skipped).toEqual([]);
    expect(documents.map((d) => [d.id, d.firstLine])).toEqual([['first', 1], ['second', 2]]);
  });

  it('GIVEN two files or records with the same id THEN the second is skipped, naming the first', async () => {
    const dup = createWorkspace({
      files: {
        'notes.md': 'Notes in Markdown.\n',
        'notes.txt': 'Notes in plain text.\n',
        'records.jsonl': [JSON.stringify({ id: 'r', text: 'One.' }), JSON.stringify({ id: 'r', text: 'Two.' })].join('\n'),
      },
    });
    const { documents, skipped } = await readCorpus(dup.corpusDir, dup.root);
    expect(documents.map((d) => d.id)).toEqual(['notes', 'r']);
    expect(skipped).toEqual([
      { source: 'corpus/notes.txt', reason: "duplicate id 'notes': already used by corpus/notes.md, which is kept (rename one of them)" },
      { source: 'corpus/records.jsonl:2', reason: "line 2 duplicates id 'r' (first on line 1); only the first is indexed" },
    ]);
  });
});
