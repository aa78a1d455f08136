import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DocumentMetadata, SourceDocument } from '../../src/corpus/document.js';
import { parseHtml } from '../../src/corpus/formats/html.js';
import type { ParsedFile } from '../../src/corpus/formats/types.js';
import { extractHtml, type ExtractedHtml } from '../../src/corpus/html/extract.js';
import { trimSiteName } from '../../src/corpus/html/metadata.js';
import { locate } from '../../src/corpus/location.js';
import { quotableSentences } from '../../src/corpus/passages.js';
import { readCorpus } from '../../src/corpus/read.js';
import { splitSentences } from '../../src/corpus/sentences.js';

const TEST_DIR = path.dirname(new URL(import.meta.url).pathname);
const PROJECT_ROOT = path.resolve(TEST_DIR, '../..');
const SITE_DIR = path.resolve(TEST_DIR, '../fixtures/html/docs-site');
const PAGES = ['index', 'install', 'config', 'faq'] as const;

function page(name: (typeof PAGES)[number]): string {
  return fs.readFileSync(path.join(SITE_DIR, `${name}.html`), 'utf8');
}

function extract(html: string, baseUrl?: string): ExtractedHtml {
  const result = extractHtml(html, baseUrl);
  if ('reason' in result) throw new Error(`expected text, got: ${result.reason}`);
  return result;
}

async function parse(html: string, sidecar: DocumentMetadata = {}, idBase = 'site/page'): Promise<ParsedFile> {
  return parseHtml({ source: `corpus/${idBase}.html`, idBase, text: html, bytes: new Uint8Array(0), sidecar });
}

async function parseOne(html: string, sidecar: DocumentMetadata = {}): Promise<SourceDocument> {
  const { documents } = await parse(html, sidecar);
  expect(documents).toHaveLength(1);
  return documents[0]!;
}

/** The whole line of `text` holding `phrase`. */
function lineWith(text: string, phrase: string): string {
  const line = text.split('\n').find((l) => l.includes(phrase));
  if (line === undefined) throw new Error(`no line contains ${JSON.stringify(phrase)} in:\n${text}`);
  return line;
}

describe('extractHtml on a docs site', () => {
  const CHROME = [
    'Skip to content',
    'Search the docs',
    'We use cookies',
    'Accept all',
    'release notes',
    'Docs version 4.2',
    'trademark of Harbor Owl Labs',
    'Privacy policy',
    'Service status',
    'Edit this page',
    'Last updated',
    'window.dataLayer',
    'position: fixed',
  ];

  it.each(PAGES)('leaves navigation, cookie banner, sidebar, footer, scripts and styles out of %s', (name) => {
    const { text } = extract(page(name));
    for (const phrase of CHROME) expect(text, phrase).not.toContain(phrase);
    expect(text.split('\n')[0]).not.toBe('Quillmate Docs');
  });

  it('keeps the main content: paragraphs, lists, the quote and the address', () => {
    const { text } = extract(page('index'));
    expect(text).toContain('Quillmate is a command-line tool that turns folders of plain-text journals into a searchable archive.');
    expect(text).toContain('\n- Tags written as +word anywhere in an entry, listed with qm tags.\n');
    expect(text).toContain('\n2. Run qm init ~/journal to create the archive.\n');
    expect(text).toContain('“I found a recipe I wrote down in 2011 in four seconds.” — an early Quillmate user');
    expect(text).toContain('Harbor Owl Labs\nPier 9, Unit 14\nTidewater, NS B0J 2K0');
  });

  it('lays blocks out one per line with blank lines between, list items and table rows on consecutive lines', () => {
    const { text } = extract(page('config'));
    expect(text).toContain(
      'Settings\n\nSetting | Default | Meaning\nmax_tabs | 12 | How many search results open at once in the viewer.\nautosave_interval | 90 seconds | How often the index is written to disk while you type.\n',
    );
    expect(text).toContain('[viewer]\nmax_tabs = 8\n\n[digest]\nenabled = true\nday = "monday"');
    expect(text).toContain('QM_HOME\nMoves the whole ~/.quillmate folder elsewhere, for instance to an encrypted volume.\nQM_NO_COLOR\n');
    expect(text).not.toMatch(/\n{3}/);
    expect(text).not.toMatch(/[ \t]\n|\n[ \t]+\S/);
  });

  it('keeps every paragraph on one line, so the sentence splitter can quote across its source line breaks', () => {
    const { text } = extract(page('install'));
    const paragraph =
      'Quillmate needs at least 2 GB of free disk space for the archive index, plus about 150 MB for the program itself. It runs on Linux with glibc 2.31 or newer, on macOS 12 Monterey or later, and on Windows 11.';
    expect(lineWith(text, '2 GB of free disk space')).toBe(paragraph);
    const sentences = splitSentences(text).map((s) => text.slice(s.start, s.end));
    expect(sentences).toContain('Quillmate needs at least 2 GB of free disk space for the archive index, plus about 150 MB for the program itself.');
  });

  it('makes every heading of the main content a section, with the id a link can jump to', () => {
    const { text, sections, headings } = extract(page('install'));
    expect(sections.map(({ title, anchor }) => ({ title, anchor }))).toEqual([
      { title: 'Installing Quillmate', anchor: 'installing-quillmate' },
      { title: 'System requirements', anchor: 'requirements' },
      { title: 'Using the install script', anchor: 'install-script' },
      { title: 'Installing with Homebrew', anchor: 'homebrew' }, // <a name> just before it
      { title: 'Verifying the download', anchor: 'verifying' }, // the <section> it heads
      { title: 'Uninstalling', anchor: undefined }, // no id anywhere
    ]);
    for (const [i, section] of sections.entries()) {
      expect(text.slice(section.start, section.start + section.title.length)).toBe(section.title);
      expect(headings[i]).toEqual({ start: section.start, end: section.start + section.title.length });
    }
  });

  it('drops permalink marks from headings and keeps ids Readability would have dropped with the heading', () => {
    const config = extract(page('config'));
    expect(config.sections.find((s) => s.title === 'An example file')).toMatchObject({ anchor: 'example' });
    expect(config.text).not.toContain('¶');
    // Readability removes a heading whose id sounds like page chrome ("contact"), but not its text.
    const index = extract(page('index'));
    expect(index.sections.map((s) => s.anchor)).toEqual(['overview', 'features', 'quick-start', 'contact']);
  });

  it('takes the title from og:title, else <title> without the site name, and the canonical link', () => {
    expect(extract(page('index'))).toMatchObject({ title: 'Quillmate: plain-text journals, searchable', url: 'https://docs.quillmate.example/' });
    expect(extract(page('install'))).toMatchObject({ title: 'Installing Quillmate', url: 'https://docs.quillmate.example/install/' });
    expect(extract(page('faq'))).toMatchObject({ title: 'FAQ | Quillmate Docs', url: 'https://docs.quillmate.example/faq/' });
    // A relative canonical link needs the page's address.
    expect(extract(page('config')).url).toBeUndefined();
    expect(extract(page('config'), 'https://docs.quillmate.example/config.html').url).toBe('https://docs.quillmate.example/config/');
  });

  it('reads a short FAQ page whole, questions as sections', () => {
    const { text, sections } = extract(page('faq'));
    expect(text).toBe(
      [
        'Frequently asked questions',
        'Does Quillmate sync to the cloud?',
        'No. The archive stays on your disk.',
        'How many notebooks are free?',
        'The free tier allows 3 notebooks.',
        'Can I export to PDF?',
        'Yes, with the qm-print plugin.',
      ].join('\n\n'),
    );
    expect(sections.map((s) => s.anchor)).toEqual(['faq', 'cloud', 'notebooks', 'pdf']);
  });
});

describe('extractHtml on other pages', () => {
  it('falls back to <body> without its chrome when there is no <main> and little text', () => {
    const html = `<html><head><title>Opening hours</title></head><body>
      <header><a href="/">Lantern Library</a></header>
      <nav><a href="/a">Catalogue</a> <a href="/b">Events</a></nav>
      <div class="cookie-notice">This site uses cookies.</div>
      <h1>Opening hours</h1>
      <p>The reading room opens at 9:15 on weekdays.</p>
      <aside><p>Donate to the roof fund</p></aside>
      <footer>Lantern Library, 1 Quay Street</footer></body></html>`;
    expect(extract(html)).toMatchObject({ text: 'Opening hours\n\nThe reading room opens at 9:15 on weekdays.', title: 'Opening hours' });
  });

  it('decodes entities and collapses white space inside a block', () => {
    const { text } = extract('<main><p>Fish &amp; chips\n   cost &pound;4&nbsp;each &mdash; or &#x2153; off&hellip;</p><p>soft\u00adhyphen and zero\u200bwidth</p></main>');
    expect(text).toBe('Fish & chips cost £4 each — or ⅓ off…\n\nsofthyphen and zerowidth');
  });

  it('turns <br> into a line break and keeps nested list items as indented lines', () => {
    const { text } = extract('<main><p>Line one<br>line two<br><br>line three</p><ol start="3"><li>Third<ul><li>inner</li></ul></li><li>Fourth</li></ol></main>');
    expect(text).toBe('Line one\nline two\n\nline three\n\n3. Third\n  - inner\n4. Fourth');
  });

  it('reads malformed HTML without throwing, keeping whatever text there is', () => {
    const html = '<title>Broken</title><p>First <b>bold <i>nested</p><div>Second</span></div></td></tr><p>Third &amp stray &bogus; text<p>Fourth</body></html><p>After the end';
    const { text, title } = extract(html);
    expect(title).toBe('Broken');
    for (const phrase of ['First bold nested', 'Second', 'Third & stray &bogus; text', 'Fourth', 'After the end']) expect(text).toContain(phrase);
    for (const garbage of ['<<<>>>', '<scr<ipt>x', '\u0000\u0001', '<!-- never closed <p>hidden', '</html>', '<table><td>cell']) {
      expect(() => extractHtml(garbage)).not.toThrow();
    }
    expect(extract('<div>'.repeat(5000) + 'deep text').text).toBe('deep text');
  });

  it('gives a reason for a page without text', () => {
    const empty = extractHtml('<html><head><title>App</title><script>render()</script></head><body><div id="root"></div><img src="x.png"></body></html>');
    expect(empty).toEqual({ reason: expect.stringMatching(/^no text in this HTML page \(.+\)$/) });
    const chromeOnly = extractHtml('<html><body><nav><a href="/">Home</a></nav><footer>© 2024</footer></body></html>');
    expect(chromeOnly).toEqual({ reason: expect.stringMatching(/^no text in this HTML page \(.+\)$/) });
    expect(extractHtml('')).toEqual({ reason: expect.stringMatching(/^no text in this HTML page/) });
  });

  it('ignores a canonical link that is not http(s)', () => {
    expect(extract('<link rel="canonical" href="javascript:alert(1)"><meta property="og:url" content="ftp://x.example/a"><main><p>Text here.</p></main>').url).toBeUndefined();
    expect(extract('<link rel="Canonical Alternate" href="https://x.example/a"><main><p>Text here.</p></main>').url).toBe('https://x.example/a');
  });
});

describe('trimSiteName', () => {
  it('trims a short site name after the last separator, when what is left is a real title', () => {
    expect(trimSiteName('Installing Quillmate | Quillmate Docs')).toBe('Installing Quillmate');
    expect(trimSiteName('Configuration reference – Quillmate Docs')).toBe('Configuration reference');
    expect(trimSiteName('Spider-Man - Wikipedia')).toBe('Spider-Man');
    expect(trimSiteName('Quillmate Docs | Install', 'Quillmate Docs')).toBe('Install');
    expect(trimSiteName('Home | Quillmate')).toBe('Home | Quillmate');
    expect(trimSiteName('Quillmate - a quiet place for your long-form notes')).toBe('Quillmate - a quiet place for your long-form notes');
    expect(trimSiteName('No separator here')).toBe('No separator here');
  });
});

describe('parseHtml', () => {
  it('makes a document without lines, with sections, headings unquotable and page metadata', async () => {
    const doc = await parseOne(page('install'));
    expect(doc).toMatchObject({ id: 'site/page', hasLines: false, title: 'Installing Quillmate', url: 'https://docs.quillmate.example/install/' });
    expect(doc.sections?.length).toBe(6);
    const quotable = quotableSentences(doc).map((s) => doc.text.slice(s.start, s.end));
    for (const section of doc.sections!) expect(quotable).not.toContain(section.title);
    expect(quotable).toContain('Every release is signed with the Harbor Owl Labs key whose fingerprint ends in 7F3A 19C2.');
  });

  it('lets the sidecar win over the page', async () => {
    const doc = await parseOne(page('install'), { title: 'Quillmate install guide', url: 'https://mirror.example/quillmate/install' });
    expect(doc).toMatchObject({ title: 'Quillmate install guide', url: 'https://mirror.example/quillmate/install' });
  });

  it('drops a canonical link Discord would refuse, says so, and still indexes the page', async () => {
    const html = '<link rel="canonical" href="https://user:secret@docs.example/page"><main><h1>Page</h1><p>Some text worth quoting here.</p></main>';
    const { documents, skipped } = await parse(html);
    expect(documents).toHaveLength(1);
    expect(documents[0]!.url).toBeUndefined();
    expect(skipped).toEqual([{ source: 'corpus/site/page.html', reason: expect.stringMatching(/^canonical url ignored: a link with a user name or password .*indexed without a link$/) }]);
    expect((await parse(html, { url: 'https://docs.example/page' })).skipped).toEqual([]);
  });

  it('derives a title from the text, else from the file name', async () => {
    expect((await parseOne('<main><h2>Tide tables</h2><p>High water at 06:12.</p></main>')).title).toBe('Tide tables');
    expect((await parseOne('<p>06:12 — 18:40</p>')).title).toBe('page');
  });

  it('skips a page without text, with the reason', async () => {
    const { documents, skipped } = await parse('<html><body><nav>Menu</nav></body></html>');
    expect(documents).toEqual([]);
    expect(skipped).toEqual([{ source: 'corpus/site/page.html', reason: expect.stringMatching(/^no text in this HTML page \(/) }]);
  });
});

describe('readCorpus on an HTML folder', () => {
  it('reads every page as a document with sections and no line numbers', async () => {
    const { documents, skipped } = await readCorpus(SITE_DIR, PROJECT_ROOT);
    expect(skipped).toEqual([]);
    expect(documents.map((d) => d.id).sort()).toEqual(['config', 'faq', 'index', 'install']);
    for (const doc of documents) {
      expect(doc.source).toBe(`test/fixtures/html/docs-site/${doc.id}.html`);
      expect(doc.hasLines).toBe(false);
      expect(doc.sections?.length).toBeGreaterThan(0);
    }
  });

  it('locates an offset in a paragraph in its section, with the anchor', async () => {
    const { documents } = await readCorpus(SITE_DIR, PROJECT_ROOT);
    const install = documents.find((d) => d.id === 'install')!;
    const at = (phrase: string) => {
      const start = install.text.indexOf(phrase);
      expect(start).toBeGreaterThan(0);
      return locate(install, start, start + phrase.length);
    };
    expect(at('fingerprint ends in 7F3A 19C2')).toMatchObject({ hasLines: false, section: 'Verifying the download', anchor: 'verifying' });
    expect(at('2 GB of free disk space')).toMatchObject({ section: 'System requirements', anchor: 'requirements' });
    const uninstall = at('unless you also pass --purge');
    expect(uninstall.section).toBe('Uninstalling');
    expect(uninstall.anchor).toBeUndefined();
  });
});
