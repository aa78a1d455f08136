/**
 * Issue 10, item 9: what reading the corpus says about what it skips. Symlinks inside the corpus
 * are followed (once per file), the others reported with the reason; UTF-16 with a byte-order mark
 * is read, and quotes from it are exact slices of the stored text with the right line numbers;
 * duplicate ids name both places, with line numbers for JSONL records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SkippedSource } from '../../src/corpus/document.js';
import { readCorpus, type Corpus } from '../../src/corpus/read.js';
import { silentLogger } from '../../src/log.js';
import { openFootnote, type Footnote } from '../../src/service.js';
import { createWorkspace, removeTempDirs, type Workspace } from '../helpers/workspace.js';

const note = (topic: string) => `${topic}\n\nThe ${topic.toLowerCase()} committee met on Monday and approved the plan for the coming year.\n`;

/** A Byte-order mark and the text in UTF-16, little or big endian. */
function utf16(text: string, endian: 'le' | 'be', bom = true): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const body = endian === 'le' ? le : Buffer.from(le).swap16();
  return Buffer.concat([bom ? Buffer.from(endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]) : Buffer.alloc(0), body]);
}

const TIDE_TEXT = 'Tide Tables of Gullhaven\n\nThe harbour master of Gullhaven publishes the tide tables every March.\nHigh water at Gullhaven pier comes about forty minutes after high water at the river mouth.\nNaïve sailors who ignore the tables run aground on the Gullhaven sandbar — «every spring».\n';
const KILN_TEXT = 'Brickworks of Ostmere\n\nThe Ostmere brickworks fired its kilns with peat until 1931.\nAfter 1931 the Ostmere kilns burned coal brought by barge from the north.\n';

let ws: Workspace;
let corpus: Corpus;
let outside: string;
const reason = (source: string): string | undefined => corpus.skipped.find((s) => s.source === `corpus/${source}`)?.reason;

beforeAll(async () => {
  ws = createWorkspace({
    files: {
      'good.txt': note('Harbour Lights'),
      'zzz-target.txt': note('Ferry Timetable'),
      '.drafts/hidden-note.txt': note('Orchard Pruning'),
      '.archive/old-minutes.txt': note('Bridge Repairs'),
      'tides-le.txt': utf16(TIDE_TEXT, 'le'),
      'kilns-be.md': utf16(KILN_TEXT, 'be'),
      'no-bom.txt': utf16(note('Chess Club'), 'le', false),
      'utf32.txt': Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from('a\0\0\0b\0\0\0')]),
      'odd-utf16.txt': Buffer.concat([utf16('Broken', 'le'), Buffer.from([0x41])]),
      'records.jsonl': [
        JSON.stringify({ id: 'pier', text: 'The pier opens at dawn.' }),
        JSON.stringify({ id: 'lamp', text: 'The lamps are lit at dusk.' }),
        JSON.stringify({ id: 'pier', text: 'A second record with the same id.' }),
        JSON.stringify({ id: 'mentions', text: 'A record whose id is also a file name.' }),
        JSON.stringify({ id: 'lamp', text: 'And another.' }),
      ].join('\n'),
      'mentions.txt': note('Mentions in the Press'),
    },
  });
  outside = path.join(ws.root, 'outside');
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.txt'), note('Private Diary'));
  const link = (target: string, at: string) => fs.symlinkSync(target, ws.corpusFile(at));
  link('.drafts/hidden-note.txt', 'inside-link.txt');
  link('good.txt', 'again.txt');
  link('zzz-target.txt', 'aaa-link.txt');
  link('../outside/secret.txt', 'outside.txt');
  link('../outside', 'outside-folder');
  link('missing.txt', 'dangling.txt');
  link('loop-b.txt', 'loop-a.txt');
  link('loop-a.txt', 'loop-b.txt');
  link('.archive', 'linked-folder');
  fs.mkdirSync(ws.corpusFile('sub'));
  fs.writeFileSync(ws.corpusFile('sub/inner.txt'), note('Choir Practice'));
  link('..', 'sub/back-to-top');
  link('missing-image.png', 'dangling.png');
  corpus = await readCorpus(ws.corpusDir, ws.root);
});

afterAll(removeTempDirs);

describe('symlinks', () => {
  it('REGRESSION: symlinks were skipped without a word: a link whose real target is inside the corpus is followed', () => {
    const ids = corpus.documents.map((d) => d.id);
    expect(ids).toContain('inside-link');
    expect(corpus.documents.find((d) => d.id === 'inside-link')).toMatchObject({ source: 'corpus/inside-link.txt', title: 'Orchard Pruning' });
    // A linked folder is read through its link's name.
    expect(ids).toContain('linked-folder/old-minutes');
    expect(ids).toContain('sub/inner');
  });

  it('REGRESSION: symlinks were skipped without a word: links outside the corpus, dangling links and loops are reported with the reason', () => {
    expect(reason('outside.txt')).toMatch(/symlink points outside the corpus folder \(to \.\.\/outside\/secret\.txt\)/);
    expect(reason('outside-folder')).toMatch(/symlink points outside the corpus folder/);
    expect(reason('dangling.txt')).toMatch(/dangling symlink: its target missing\.txt does not exist/);
    expect(reason('loop-a.txt')).toMatch(/symlink loop/);
    expect(reason('loop-b.txt')).toMatch(/symlink loop/);
    expect(reason('sub/back-to-top')).toMatch(/symlink loop: it points back to the corpus folder, a folder that contains it/);
    expect(corpus.documents.map((d) => d.title)).not.toContain('Private Diary');
    // A link whose name says it is not a document is ignored, as such a file would be.
    expect(corpus.skipped.some((s) => s.source.endsWith('.png'))).toBe(false);
  });

  it('a file reached directly and through a link is indexed once, under its own name, whichever sorts first', () => {
    const ids = corpus.documents.map((d) => d.id);
    expect(ids).toContain('good');
    expect(ids).toContain('zzz-target');
    expect(ids).not.toContain('again');
    expect(ids).not.toContain('aaa-link');
    expect(reason('again.txt')).toBe('symlink to good.txt, which is read already (a file is indexed once)');
    expect(reason('aaa-link.txt')).toBe('symlink to zzz-target.txt, which is read already (a file is indexed once)');
    const files = corpus.documents.filter((d) => !d.source.endsWith('.jsonl'));
    expect(new Set(files.map((d) => d.text)).size, 'no file is indexed twice').toBe(files.length);
  });
});

describe('UTF-16', () => {
  it('REGRESSION: UTF-16 files were reported as "binary": with a byte-order mark (LE or BE) they are read', () => {
    const tides = corpus.documents.find((d) => d.id === 'tides-le');
    const kilns = corpus.documents.find((d) => d.id === 'kilns-be');
    expect(tides).toMatchObject({ title: 'Tide Tables of Gullhaven', text: `\uFEFF${TIDE_TEXT}` });
    expect(kilns).toMatchObject({ title: 'Brickworks of Ostmere', text: `\uFEFF${KILN_TEXT}` });
    expect(reason('tides-le.txt')).toBeUndefined();
    expect(reason('kilns-be.md')).toBeUndefined();
  });

  it('UTF-16 without a byte-order mark, UTF-32 and broken UTF-16 are reported as such, not as "binary"', () => {
    expect(reason('no-bom.txt')).toMatch(/UTF-16 text without a byte-order mark is not supported/);
    expect(reason('utf32.txt')).toMatch(/UTF-32 text is not supported/);
    expect(reason('odd-utf16.txt')).toMatch(/not valid UTF-16LE text/);
  });

  describe('answers from UTF-16 documents', () => {
    let footnote: Footnote;
    beforeAll(async () => {
      footnote = await openFootnote({ config: ws.config(), log: silentLogger });
    });

    it('quote exact slices of the stored (decoded) text, citing the lines of the decoded file', async () => {
      for (const [question, id, text] of [
        ['When does high water come at Gullhaven pier?', 'tides-le', TIDE_TEXT],
        ['What did the Ostmere kilns burn after 1931?', 'kilns-be', KILN_TEXT],
        ['Who runs aground on the Gullhaven sandbar?', 'tides-le', TIDE_TEXT],
      ] as const) {
        const answer = await footnote.ask(question);
        expect(answer.answered, question).toBe(true);
        const quote = answer.quotes[0]!;
        expect(quote.docId).toBe(id);
        const stored = (await footnote.document(id)).text;
        expect(stored).toBe(`\uFEFF${text}`);
        expect(stored.slice(quote.start, quote.end)).toBe(quote.text);
        const lines = stored.split('\n');
        expect(lines.slice(quote.lineStart - 1, quote.lineEnd).join('\n')).toContain(quote.text);
        // The same lines as in the file on disk, decoded.
        const decoded = new TextDecoder(id === 'tides-le' ? 'utf-16le' : 'utf-16be').decode(fs.readFileSync(ws.corpusFile(id === 'tides-le' ? 'tides-le.txt' : 'kilns-be.md')));
        expect(decoded.split('\n')[quote.lineStart - 1]).toContain(quote.text.split('\n')[0]);
      }
    });
  });
});

describe('duplicate ids', () => {
  it('REGRESSION: a duplicate id inside a JSONL file was reported without its line number', () => {
    expect(reason('records.jsonl:3')).toBe("line 3 duplicates id 'pier' (first on line 1); only the first is indexed");
    expect(reason('records.jsonl:5')).toBe("line 5 duplicates id 'lamp' (first on line 2); only the first is indexed");
    expect(corpus.documents.filter((d) => d.id === 'pier').map((d) => d.firstLine)).toEqual([1]);
    expect(corpus.documents.filter((d) => d.id === 'lamp').map((d) => d.firstLine)).toEqual([2]);
  });

  it('REGRESSION: a JSONL record\'s id could collide with a file\'s id: both are named, the later one (in path order) is skipped', () => {
    const mentions = corpus.documents.filter((d) => d.id === 'mentions');
    expect(mentions).toHaveLength(1);
    // Files are read in path order: mentions.txt before records.jsonl, so the record is the later one.
    expect(mentions[0]!.source).toBe('corpus/mentions.txt');
    expect(reason('records.jsonl:4')).toBe("duplicate id 'mentions': already used by corpus/mentions.txt, which is kept (rename one of them)");
  });

  it('the other way round: a record read first keeps its id, and the file is skipped naming the record\'s line', async () => {
    const other = createWorkspace({
      files: {
        'a-records.jsonl': [JSON.stringify({ id: 'x', text: 'One.' }), JSON.stringify({ id: 'notes', text: 'The record.' })].join('\n'),
        'notes.txt': 'The file.\n',
      },
    });
    const read = await readCorpus(other.corpusDir, other.root);
    expect(read.documents.map((d) => [d.id, d.source])).toEqual([
      ['x', 'corpus/a-records.jsonl'],
      ['notes', 'corpus/a-records.jsonl'],
    ]);
    expect(read.skipped).toEqual<SkippedSource[]>([{ source: 'corpus/notes.txt', reason: "duplicate id 'notes': already used by corpus/a-records.jsonl:2, which is kept (rename one of them)" }]);
  });

  it('reading is deterministic: the same corpus gives the same documents and reports in the same order', async () => {
    const again = await readCorpus(ws.corpusDir, ws.root);
    expect(again.documents.map((d) => d.id)).toEqual(corpus.documents.map((d) => d.id));
    expect(again.skipped).toEqual(corpus.skipped);
  });
});

describe('other things that used to be skipped silently', () => {
  it('a FIFO named like a document is reported, not read (reading it would hang)', async () => {
    const other = createWorkspace({ files: { 'ok.txt': 'A fine document about the harbour.\n' } });
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [other.corpusFile('pipe.txt')]);
    const read = await readCorpus(other.corpusDir, other.root);
    expect(read.documents.map((d) => d.id)).toEqual(['ok']);
    expect(read.skipped).toEqual([{ source: 'corpus/pipe.txt', reason: 'not a regular file (a FIFO, socket or device), so it is not read' }]);
  });

  it('a JSONL id with a line break in it is reported, not indexed', async () => {
    const other = createWorkspace({ files: { 'r.jsonl': [JSON.stringify({ id: 'a\nb', text: 'Text.' }), JSON.stringify({ id: 'c', text: 'More.' })].join('\n') } });
    const read = await readCorpus(other.corpusDir, other.root);
    expect(read.documents.map((d) => d.id)).toEqual(['c']);
    expect(read.skipped).toEqual([{ source: 'corpus/r.jsonl:1', reason: 'the id "a\\nb" contains a line break or control character' }]);
  });
});
