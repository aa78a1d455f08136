import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SourceDocument } from '../../src/corpus/document.js';
import { parsePdf } from '../../src/corpus/formats/pdf.js';
import { quotableSentences } from '../../src/corpus/passages.js';
import { cleanItemText } from '../../src/corpus/pdf/clean.js';
import { ENCRYPTED, extractPdf, NO_TEXT, UNREADABLE, type ExtractedPdf } from '../../src/corpus/pdf/extract.js';
import { toTextItems, type TextItem } from '../../src/corpus/pdf/items.js';
import { layoutPage } from '../../src/corpus/pdf/layout.js';
import { composePage } from '../../src/corpus/pdf/paragraphs.js';
import { pickPdfTitle } from '../../src/corpus/pdf/title.js';
import { readCorpus } from '../../src/corpus/read.js';
import { splitSentences } from '../../src/corpus/sentences.js';
import { HYPHENATED_TITLE, PDF_FIXTURES, TWO_COLUMN_TITLE } from '../fixtures/pdf/fixtures.js';
import { interleave, setBalancedColumns, setColumn, textWidth, writePdf, type PdfPage, type PdfTextRun } from '../helpers/pdf.js';

const FIXTURE_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/pdf');

/** A synthetic text item as `toTextItems` would make it, with a Helvetica width. */
function item(text: string, x: number, y: number, size = 10): TextItem {
  return { text, x, y, width: textWidth(text, size), size };
}

/** Synthetic lines, one item each, top to bottom from `top`. */
function lines(texts: readonly string[], options: { x?: number; top?: number; leading?: number; size?: number } = {}): TextItem[] {
  const { x = 72, top = 700, leading = 12, size = 10 } = options;
  return texts.map((text, i) => item(text, x, top - i * leading, size));
}

/** The text of a page of synthetic items, as the reader composes it. */
function pageText(items: readonly TextItem[]): string {
  return composePage(layoutPage(items)).text;
}

async function extract(pages: readonly PdfPage[], options: Parameters<typeof writePdf>[1] = {}): Promise<ExtractedPdf> {
  const result = await extractPdf(writePdf(pages, options));
  if ('reason' in result) throw new Error(`expected text, got: ${result.reason}`);
  return result;
}

/** 1-based page of `offset`, from `pageStarts`. */
function pageOf(pageStarts: readonly number[], offset: number): number {
  let page = 0;
  while (page + 1 < pageStarts.length && pageStarts[page + 1]! <= offset) page++;
  return page + 1;
}

/** The sentence of `text` that contains `phrase`. */
function sentenceWith(text: string, phrase: string): { start: number; end: number; sentence: string } {
  const span = splitSentences(text).find((s) => text.slice(s.start, s.end).includes(phrase));
  if (!span) throw new Error(`no sentence contains ${JSON.stringify(phrase)} in:\n${text}`);
  return { ...span, sentence: text.slice(span.start, span.end) };
}

const BODY = { width: 222, size: 10, leading: 12, paragraphGap: 6 };
const LEFT_PARAGRAPHS = [
  'The canal trust was formed in 1962 to save the Ashby locks from being filled in. Its volunteers cleared twelve miles of towpath in the first summer alone.',
  'Boat traffic returned in 1971, when the top lock was rebuilt with oak gates.',
];
const RIGHT_PARAGRAPHS = [
  'Today the trust counts about 3,100 members and runs a small museum at Hollin Wharf. The museum keeps the original lock keeper’s ledger from 1839.',
  'Its annual boat rally is held on the last weekend of May.',
];

/** A page with a full-width heading and intro, then two columns written line by line across both columns. */
function interleavedTwoColumnPage(): PdfPage {
  const left = setColumn(LEFT_PARAGRAPHS, 640, { x: 72, ...BODY }).runs;
  const right = setColumn(RIGHT_PARAGRAPHS, 640, { x: 318, ...BODY }).runs;
  return {
    runs: [
      { text: 'The Ashby Canal Trust', x: 72, y: 720, size: 16, font: 'Helvetica-Bold' },
      ...setColumn(['A short account of the trust that restored the canal, written for its sixtieth anniversary by the members’ committee.'], 690, { x: 72, width: 468, size: 10, leading: 12 }).runs,
      ...interleave([left, right]),
    ],
  };
}

describe('PDF text cleaning', () => {
  it('expands ligatures and removes soft hyphens, NUL and other control characters', () => {
    expect(cleanItemText('\ufb00 \ufb01 \ufb02 \ufb03 \ufb04 \ufb05 \ufb06')).toBe('ff fi fl ffi ffl st st');
    expect(cleanItemText('hy\u00adphen\u0000ation\u0007 \u200bdone\ufeff')).toBe('hyphenation done');
    expect(cleanItemText('tab\there\u00a0and\r\nbreak')).toBe('tab here and break');
    // A soft hyphen at the very end may mark a word broken at the line end.
    expect(cleanItemText('hyphen\u00ad')).toBe('hyphen\u00ad');
  });
});

describe('PDF layout on positioned items', () => {
  it('orders items on a line by x and puts spaces only where the gaps are', () => {
    const hel = item('Hel', 72, 700);
    const lo = item('lo', 72 + hel.width, 700);
    const world = item('world', lo.x + lo.width + 3, 700);
    const raw = [world, lo, hel].map((i) => ({ str: i.text, transform: [10, 0, 0, 10, i.x, i.y], width: i.width }));
    // pdf.js reports white space as items of its own, sometimes as wide as a whole gutter.
    raw.push({ str: ' ', transform: [10, 0, 0, 10, 100, 700], width: 300 });
    expect(pageText(toTextItems(raw))).toBe('Hello world');
  });

  it('keeps a superscript on the line it belongs to', () => {
    const text = item('The rate fell by a third', 72, 700);
    const note = item('1', 72 + text.width, 703.5, 6);
    expect(pageText([text, note, item('over ten years.', 72, 688)])).toBe('The rate fell by a third1 over ten years.');
  });

  it('reads two columns column by column when the stream interleaves them, the full-width heading first', () => {
    const left = lines(['Left one begins here and', 'goes on to the end of', 'its sentence in three lines.'], { top: 660 });
    const right = lines(['Right one starts in the', 'second column and it also', 'needs three lines to end.'], { x: 320, top: 660 });
    const heading = item('A heading that spans both of the columns on the page below it', 72, 700, 14);
    const text = pageText([heading, ...interleave2(left, right)]);
    expect(text).toBe(
      'A heading that spans both of the columns on the page below it\n\n' +
        'Left one begins here and goes on to the end of its sentence in three lines.\n\n' +
        'Right one starts in the second column and it also needs three lines to end.',
    );
  });

  it('reads three columns left to right', () => {
    const columns = [72, 252, 432].map((x, c) => lines([`Column ${c + 1} line one`, `column ${c + 1} line two`, `column ${c + 1} line three.`], { x }));
    const text = pageText(interleave2(...columns));
    expect(text.split('\n\n')).toEqual([1, 2, 3].map((c) => `Column ${c} line one column ${c} line two column ${c} line three.`));
  });

  it('reads a form with a narrow label column row by row, not as columns', () => {
    const rows = ['Name:', 'Office:', 'Term:', 'Party:'].flatMap((label, i) => [item(label, 72, 700 - i * 14), item(['Ada Brandt', 'Harbour Commissioner', '2019 to 2023', 'Independent'][i]!, 180, 700 - i * 14)]);
    expect(pageText(rows).split('\n')).toEqual(['Name: Ada Brandt', 'Office: Harbour Commissioner', 'Term: 2019 to 2023', 'Party: Independent']);
  });

  it('reads a page drawn turned (landscape) and leaves out a tilted watermark', () => {
    // Text running up the page: each line is a quarter turn anticlockwise, later lines further right.
    const turned = ['The survey covered the whole', 'estuary in the summer of 1988.'].map((str, i) => ({ str, transform: [0, 10, -10, 0, 100 + i * 12, 100], width: textWidth(str, 10) }));
    const watermark = { str: 'DRAFT', transform: [7, 7, -7, 7, 300, 300], width: 40 };
    expect(pageText(toTextItems([...turned, watermark]))).toBe('The survey covered the whole estuary in the summer of 1988.');
  });
});

/** Runs of several columns in the order some producers write them: line 1 of each, then line 2, ... */
function interleave2(...columns: TextItem[][]): TextItem[] {
  const out: TextItem[] = [];
  for (let i = 0; i < Math.max(...columns.map((c) => c.length)); i++) for (const c of columns) if (c[i]) out.push(c[i]!);
  return out;
}

describe('PDF paragraphs', () => {
  it('joins the wrapped lines of a paragraph so each sentence is one sentence for splitSentences', () => {
    const text = pageText(lines(['The ferry service started in 1899 and ran', 'every hour between the two piers until the', 'bridge opened in 1932. It was never revived.']));
    expect(text).toBe('The ferry service started in 1899 and ran every hour between the two piers until the bridge opened in 1932. It was never revived.');
    expect(splitSentences(text).map((s) => text.slice(s.start, s.end))).toEqual([
      'The ferry service started in 1899 and ran every hour between the two piers until the bridge opened in 1932.',
      'It was never revived.',
    ]);
  });

  it('makes a blank line of a paragraph gap, a line break of an indented first line', () => {
    const gap = [...lines(['First paragraph runs over two lines of', 'the page.']), ...lines(['Second paragraph after a gap.'], { top: 700 - 12 - 20 })];
    expect(pageText(gap)).toBe('First paragraph runs over two lines of the page.\n\nSecond paragraph after a gap.');
    const indented = [...lines(['Full line of text that reaches the right', 'margin and ends here.']), item('Next paragraph, indented like a', 87, 676), item('book sets it, with no gap above.', 72, 664)];
    expect(pageText(indented)).toBe('Full line of text that reaches the right margin and ends here.\nNext paragraph, indented like a book sets it, with no gap above.');
  });

  it('keeps headings on their own line: a larger font, or a line that stops where the next word would fit', () => {
    const larger = [item('Findings', 72, 700, 14), ...lines(['The audit found two errors in the ledger of', 'the harbour board.'], { top: 684 })];
    expect(pageText(larger)).toBe('Findings\nThe audit found two errors in the ledger of the harbour board.');
    const short = lines(['Background', 'The harbour board was set up by a law of 1921', 'to manage the docks.']);
    expect(pageText(short)).toBe('Background\nThe harbour board was set up by a law of 1921 to manage the docks.');
  });

  it('starts each list item on a new line and joins an item’s own wrapped lines', () => {
    const items = [item('The board must:', 72, 700), item('• publish its accounts every year, on or', 72, 688), item('before the first of June;', 82, 676), item('• meet in public at least four times a year.', 72, 664), item('2. Keep the minutes.', 72, 652)];
    expect(pageText(items)).toBe('The board must:\n• publish its accounts every year, on or before the first of June;\n• meet in public at least four times a year.\n2. Keep the minutes.');
  });

  it('joins words hyphenated at line ends and keeps real hyphens', () => {
    const text = pageText(
      lines([
        'The committee studied the hyphen-',
        'ated words, a well-',
        'Known problem for typesetters since the',
        'nineteenth century, and the soft hy\u00ad',
        'phen too, and the dash at the end—',
        'which stays.',
      ]),
    );
    expect(text).toBe('The committee studied the hyphenated words, a well-Known problem for typesetters since the nineteenth century, and the soft hyphen too, and the dash at the end—which stays.');
  });

  it('joins a sentence that runs on from the foot of one column to the head of the next', () => {
    const left = lines(['The left column has a first line here.', 'The dredging contract went to a firm from', 'the north coast, which finished the work in'], { top: 700 });
    const right = lines(['eleven weeks, well ahead of the schedule set', 'by the council. Costs stayed within budget.', 'A second paragraph follows here.'], { x: 320, top: 700 });
    const text = pageText(interleave2(left, right));
    expect(text).toContain('The dredging contract went to a firm from the north coast, which finished the work in eleven weeks, well ahead of the schedule set by the council.');
  });
});

describe('PDF titles', () => {
  it('uses a real title and passes over placeholders and file names', () => {
    expect(pickPdfTitle([undefined, 'Harbour Board Annual Report 2021'])).toBe('Harbour Board Annual Report 2021');
    expect(pickPdfTitle(['Untitled', 'The Real Title'])).toBe('The Real Title');
    for (const junk of ['Microsoft Word - report_final_v3.docx', 'untitled document', 'Document1', 'scan0042.pdf', 'C:\\Users\\ann\\report', 'Slide 1', '   ', '12345', 'PowerPoint Presentation']) {
      expect(pickPdfTitle([junk]), junk).toBeUndefined();
    }
  });
});

describe('extractPdf on generated files', () => {
  it('reads the two-column page column by column though the content stream interleaves the columns line by line', async () => {
    const { text } = await extract([interleavedTwoColumnPage()]);
    expect(text).toBe(
      'The Ashby Canal Trust\n\n' +
        'A short account of the trust that restored the canal, written for its sixtieth anniversary by the members’ committee.\n\n' +
        [...LEFT_PARAGRAPHS, ...RIGHT_PARAGRAPHS].join('\n\n'),
    );
  });

  it('turns ligature glyphs (a /Differences encoding naming /fi and /fl) into "fi" and "fl"', async () => {
    const { text } = await extract([{ runs: [{ text: 'The ﬁrst ﬂoor was ﬁnished in 1904.', x: 72, y: 700 }] }], { ligatures: true });
    expect(text).toBe('The first floor was finished in 1904.');
  });

  it('records where each page starts, empty pages too, and finds a page 2 sentence on page 2', async () => {
    const page = (n: number, fact: string): PdfPage => ({ runs: setColumn([`Page ${n} of the report. ${fact}`], 700, { x: 72, width: 300, size: 10, leading: 12 }).runs });
    const pages = [
      page(1, 'The pier was built in 1874.'),
      page(2, 'The lighthouse keeper, Oona Lisle, kept the light burning through the storm of 1901.'),
      page(3, 'The pier was extended in 1929.'),
    ];
    const { text, pageStarts } = await extract(pages);
    expect(pageStarts).toHaveLength(3);
    expect(pageStarts[0]).toBe(0);
    for (const n of [1, 2, 3]) expect(text.slice(pageStarts[n - 1]!).startsWith(`Page ${n} of the report.`)).toBe(true);
    expect(text.slice(pageStarts[1]! - 2, pageStarts[1])).toBe('\n\n');
    const { start, end, sentence } = sentenceWith(text, 'Oona Lisle');
    expect(sentence).toBe('The lighthouse keeper, Oona Lisle, kept the light burning through the storm of 1901.');
    expect([pageOf(pageStarts, start), pageOf(pageStarts, end - 1)]).toEqual([2, 2]);

    const withBlank = await extract([pages[0]!, { runs: [] }, pages[2]!, { runs: [] }]);
    expect(withBlank.pageStarts).toEqual([0, withBlank.text.indexOf('Page 3'), withBlank.text.indexOf('Page 3'), withBlank.text.length]);
    expect(pageOf(withBlank.pageStarts, withBlank.text.indexOf('extended'))).toBe(3);
  });

  it('makes the running header and the page numbers unquotable, and nothing else', async () => {
    const pages: PdfPage[] = [1, 2, 3].map((n) => ({
      runs: [
        { text: 'Harbour Board · Minutes of 2021', x: 72, y: 750, size: 8 },
        ...setColumn([`Item ${n}. The board approved item ${n} of the agenda by a vote of ${n + 4} to 2.`], 700, { x: 72, width: 400, size: 10, leading: 12 }).runs,
        { text: String(n + 10), x: 300, y: 40, size: 9 },
      ],
    }));
    const { text, unquotable } = await extract(pages);
    expect(unquotable.map((s) => text.slice(s.start, s.end))).toEqual(['Harbour Board · Minutes of 2021', '11', 'Harbour Board · Minutes of 2021', '12', 'Harbour Board · Minutes of 2021', '13']);
    const sentences = splitSentences(text, 0, text.length, unquotable).map((s) => text.slice(s.start, s.end));
    expect(sentences).toEqual([1, 2, 3].flatMap((n) => [`Item ${n}.`, `The board approved item ${n} of the agenda by a vote of ${n + 4} to 2.`]));
  });

  it('uses the Info title or the XMP title when it is a real one', async () => {
    const page: PdfPage = { runs: [{ text: 'Some text on the page.', x: 72, y: 700 }] };
    expect((await extract([page], { title: 'Tide Tables for Marrow Bay' })).title).toBe('Tide Tables for Marrow Bay');
    expect((await extract([page], { title: 'Microsoft Word - tides_v2.docx' })).title).toBeUndefined();
    expect((await extract([page], { title: 'Untitled', xmpTitle: 'Tide Tables, Second Edition' })).title).toBe('Tide Tables, Second Edition');
  });

  it('skips an encrypted file, an image-only file and garbage with their reasons, without throwing', async () => {
    const text: PdfPage = { runs: [{ text: 'Secret minutes of the board.', x: 72, y: 700 }] };
    expect(await extractPdf(writePdf([text], { encrypted: true }))).toEqual({ reason: ENCRYPTED });
    expect(await extractPdf(writePdf([{ runs: [], image: true }, { runs: [], image: true }]))).toEqual({ reason: NO_TEXT });
    const good = writePdf([text]);
    const garbage = [
      new TextEncoder().encode('This is a text file with a .pdf name.'),
      new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage'),
      good.slice(0, Math.floor(good.length / 3)),
      Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24),
    ];
    for (const bytes of garbage) expect(await extractPdf(bytes)).toEqual({ reason: UNREADABLE });
  });

  it('leaves the caller’s buffer intact', async () => {
    const bytes = writePdf([{ runs: [{ text: 'Still here.', x: 72, y: 700 }] }]);
    const copy = Uint8Array.from(bytes);
    await extractPdf(bytes);
    expect(bytes.byteLength).toBe(copy.byteLength);
    expect(Buffer.compare(bytes, copy)).toBe(0);
  });

  it('refuses a file with too many pages and stops at the time limit, saying so', async () => {
    const bytes = writePdf([1, 2, 3].map((n) => ({ runs: [{ text: `Page ${n}.`, x: 72, y: 700 }] })));
    expect(await extractPdf(bytes, { maxPages: 2 })).toEqual({ reason: 'too many pages (3; Footnote reads at most 2 pages of a PDF); split the file' });
    const slow = await extractPdf(bytes, { timeLimitMs: -1 });
    expect('reason' in slow && slow.reason).toMatch(/^took more than 0 s to read \(stopped at page 1 of 3\)/);
  });

  it('reads a 50-page two-column file at a useful speed', async () => {
    const filler = (p: number, k: number) => `On page ${p} paragraph ${k} records that the harbour board met ${k + 2} times and agreed the budget for dredging the channel.`;
    const pages: PdfPage[] = Array.from({ length: 50 }, (_, p) => ({
      runs: [
        { text: 'Harbour Board · Collected Minutes', x: 72, y: 750, size: 8 },
        ...interleave(setBalancedColumns(Array.from({ length: 12 }, (_, k) => filler(p + 1, k + 1)), 700, [{ x: 72 }, { x: 318 }], BODY)),
        { text: String(p + 1), x: 300, y: 40, size: 9 },
      ],
    }));
    const bytes = writePdf(pages);
    const started = performance.now();
    const result = await extract(pages);
    const seconds = (performance.now() - started) / 1000;
    console.log(`PDF extraction: 50 pages (${Math.round(bytes.length / 1024)} KiB) in ${seconds.toFixed(2)} s, ${Math.round(50 / seconds)} pages/s`);
    expect(result.pageStarts).toHaveLength(50);
    expect(sentenceWith(result.text, 'On page 37 paragraph 12').sentence).toBe(filler(37, 12));
    expect(seconds).toBeLessThan(60);
  });
});

describe('PDF files in the corpus', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  function tempProject(): { root: string; corpus: string } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'footnote-pdf-'));
    dirs.push(root);
    const corpus = path.join(root, 'corpus');
    fs.mkdirSync(corpus);
    return { root, corpus };
  }

  it('indexes readable PDFs beside other files and skips the unreadable ones with their reasons', async () => {
    const { root, corpus } = tempProject();
    fs.mkdirSync(path.join(corpus, 'reports'));
    fs.writeFileSync(path.join(corpus, 'reports', 'canal-trust.pdf'), writePdf([interleavedTwoColumnPage()], { title: 'The Ashby Canal Trust at Sixty' }));
    fs.writeFileSync(path.join(corpus, 'locked.pdf'), writePdf([{ runs: [{ text: 'Hidden.', x: 72, y: 700 }] }], { encrypted: true }));
    fs.writeFileSync(path.join(corpus, 'scan.pdf'), writePdf([{ runs: [], image: true }]));
    fs.writeFileSync(path.join(corpus, 'broken.pdf'), 'not a pdf at all');
    fs.writeFileSync(path.join(corpus, 'notes.txt'), 'Harbour notes\n\nThe ferry runs hourly in summer.\n');

    const { documents, skipped } = await readCorpus(corpus, root);
    expect(documents.map((d) => d.id).sort()).toEqual(['notes', 'reports/canal-trust']);
    expect(skipped).toEqual([
      { source: 'corpus/broken.pdf', reason: UNREADABLE },
      { source: 'corpus/locked.pdf', reason: ENCRYPTED },
      { source: 'corpus/scan.pdf', reason: NO_TEXT },
    ]);
    const doc = documents.find((d) => d.id === 'reports/canal-trust')!;
    expect(doc).toMatchObject({ source: 'corpus/reports/canal-trust.pdf', title: 'The Ashby Canal Trust at Sixty', hasLines: false, pageStarts: [0] });
    expect(quotedSentences(doc)).toContain('The museum keeps the original lock keeper’s ledger from 1839.');
  });

  it('lets a sidecar title win over the file’s, and derives one when the file has only a placeholder', async () => {
    const file = (title: string) => writePdf([{ runs: [{ text: 'Harbour Dues', x: 72, y: 720, size: 16 }, { text: 'Dues rose by a tenth in 2022.', x: 72, y: 700 }] }], { title });
    const common = { text: '', sidecar: {} };
    const plain = await parsePdf({ ...common, source: 'corpus/dues.pdf', idBase: 'dues', bytes: file('Microsoft Word - dues.docx') });
    expect(plain.documents[0]!.title).toBe('Harbour Dues');
    const sidecar = await parsePdf({ ...common, source: 'corpus/dues.pdf', idBase: 'dues', bytes: file('Harbour Dues 2022'), sidecar: { title: 'Dues, as the sidecar says' } });
    expect(plain.skipped).toEqual([]);
    expect(sidecar.documents[0]!.title).toBe('Dues, as the sidecar says');
  });
});

function quotedSentences(doc: SourceDocument): string[] {
  return quotableSentences(doc).map((s) => doc.text.slice(s.start, s.end));
}

describe('committed PDF fixtures', () => {
  it('are exactly what test/fixtures/pdf/generate.ts writes', () => {
    for (const [name, build] of Object.entries(PDF_FIXTURES)) {
      expect(Buffer.compare(fs.readFileSync(path.join(FIXTURE_DIR, name)), build()), `${name} is stale: run npx tsx test/fixtures/pdf/generate.ts`).toBe(0);
    }
  });

  it('two-column.pdf: columns in order, facts on their pages, header and page numbers unquotable', async () => {
    const parsed = await parsePdf({ source: 'test/fixtures/pdf/two-column.pdf', idBase: 'two-column', text: '', bytes: fs.readFileSync(path.join(FIXTURE_DIR, 'two-column.pdf')), sidecar: {} });
    const doc = parsed.documents[0]!;
    expect(doc.title).toBe(TWO_COLUMN_TITLE);
    expect(doc.pageStarts).toHaveLength(3);
    const facts: [string, number][] = [
      ['The festival was first held in 1911 by the fishermen’s guild of Marrow Bay, to mark the safe return of the herring fleet after a season of storms.', 1],
      ['The procession route runs 2.4 kilometres, from the Old Customs House to the lighthouse on Gull Point, where the lanterns are set afloat on the tide.', 1],
      ['Its longest-serving chair, Edda Varrow, led the committee for twenty-six years, from 1958 to 1984, and wrote the rules for the lantern competition that are still used.', 2],
      ['The committee meets in the back room of the Anchor and Net, a pub on Quay Lane, on the last Tuesday of every month.', 2],
      ['The prize for the best lantern, the Copper Gull trophy, was first awarded in 1936 and is kept in a glass case at the town hall.', 2],
      ['About 18,000 visitors came in 2019, the record year, and the town now runs extra trains from Kelham Junction on festival night.', 3],
    ];
    const sentences = quotedSentences(doc);
    for (const [fact, page] of facts) {
      expect(sentences).toContain(fact);
      expect(pageOf(doc.pageStarts!, doc.text.indexOf(fact)), fact).toBe(page);
    }
    expect(doc.text.indexOf('Origins.')).toBeLessThan(doc.text.indexOf('In 1923'));
    expect(sentences.some((s) => s.includes('Festival Notes') || /^Page \d$/.test(s))).toBe(false);
  });

  it('hyphenated.pdf: hyphenated words joined, real hyphens and ligatures right, facts on their pages', async () => {
    const bytes = fs.readFileSync(path.join(FIXTURE_DIR, 'hyphenated.pdf'));
    const result = await extractPdf(bytes);
    if ('reason' in result) throw new Error(result.reason);
    expect(result.title).toBe(HYPHENATED_TITLE);
    const { text, pageStarts } = result;
    // The file does break words at line ends (so the test means something) ...
    const runs = hyphenatedRuns();
    expect(runs.filter((r) => /\p{L}-$/u.test(r.text)).length).toBeGreaterThan(5);
    // ... and none of those breaks survives.
    expect(text).not.toMatch(/\p{L}- \p{Ll}|\p{L}-\n/u);
    expect(text).not.toMatch(/[\ufb00-\ufb06\u00ad]/);
    for (const [phrase, page] of [
      ['Its first telescope, a 38-centimetre refractor, was hauled up the mountain by a team of eleven mules over three summers.', 1],
      ['The observatory is best known for the comet Ossery–Lind, discovered on photographic plates in March 1978 by the night assistant Tomas Lind.', 2],
      ['Its staff today is seven people, and a well-known series of public lectures fills the library hall every spring.', 2],
      ['Public nights are held on the second Friday of each month, and the waiting list for a place is about fourteen months long.', 3],
      ['A campaign against light pollution led by the observatory persuaded three nearby villages to switch to amber street lamps in 2016, which halved the glow on the western horizon.', 3],
    ] as const) {
      expect(sentenceWith(text, phrase.slice(0, 40)).sentence).toBe(phrase);
      expect(pageOf(pageStarts, text.indexOf(phrase))).toBe(page);
    }
  });
});

/** The lines as the hyphenated fixture prints them (what a reader of the PDF sees). */
function hyphenatedRuns(): PdfTextRun[] {
  const latin1 = Buffer.from(PDF_FIXTURES['hyphenated.pdf']!()).toString('latin1');
  return [...latin1.matchAll(/\((.*?)\) Tj/g)].map((m) => ({ text: m[1]!, x: 0, y: 0 }));
}
