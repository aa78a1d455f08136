/**
 * HTML files, PDF files and fetched web pages end to end: indexed with the real model, asked through
 * the service and through the real bot on the Discord stand-in. Each quote is an exact slice of the
 * stored (extracted) text, cited by section or page, and linked so the page opens at the quote.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quote } from '../../src/search/answer.js';
import { openFootnote, type Footnote } from '../../src/service.js';
import { recordingLogger } from '../helpers/footnote.js';
import { createWorkspace, PROJECT_ROOT, removeTempDirs, type Workspace } from '../helpers/workspace.js';
import { MODEL_WAIT_MS, slash, startBotRun, type BotRun } from './helpers.js';
import { unescapeMarkdown } from '../../src/format/markdown.js';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures');

/** A wiki page served by the test's own web server and listed in web.txt. */
const FERRY_PAGE = `<!doctype html><html><head><title>Lowmoor Ferry – Village Wiki</title></head><body>
<nav><a href="/">Home</a> · <a href="/wiki/">All pages</a> · <a href="/login">Log in</a></nav>
<main><h1 id="top">Lowmoor Ferry</h1>
<p>The Lowmoor ferry has linked the two halves of the village since 1897, when the first chain ferry was built by the parish.</p>
<h2 id="timetable">Timetable and capacity</h2>
<p>The Lowmoor ferry carries at most 42 passengers and crosses the estuary in eleven minutes. It runs every half hour from six in the morning until ten at night.</p>
<h2 id="fares">Fares</h2>
<p>A single crossing costs two pounds for adults; children under twelve and bicycles travel free of charge.</p>
</main><footer>Village Wiki · Privacy · Contact the editors</footer></body></html>`;

/** What the wiki serves for the ferry page now: its version (the ETag) and body, or a failure. */
let ferry: { etag: string; body: string } | 'down' = { etag: '"ferry-1"', body: FERRY_PAGE };
const ferryRequests: { ifNoneMatch: string | undefined; userAgent: string | undefined }[] = [];

let server: http.Server;
let origin: string;
let ws: Workspace;
let footnote: Footnote;
const buildLog = recordingLogger();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/wiki/lowmoor-ferry') {
      ferryRequests.push({ ifNoneMatch: req.headers['if-none-match'], userAgent: req.headers['user-agent'] });
      if (ferry === 'down') res.writeHead(503).end();
      else if (req.headers['if-none-match'] === ferry.etag) res.writeHead(304, { etag: ferry.etag }).end();
      else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag: ferry.etag }).end(ferry.body);
    } else if (req.url === '/robots.txt') {
      res.writeHead(404).end();
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  ws = createWorkspace();
  fs.cpSync(path.join(FIXTURES, 'html', 'docs-site'), ws.corpusFile('docs'), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'pdf', 'two-column.pdf'), ws.corpusFile('festival.pdf'));
  ws.writeCorpusFile('festival.meta.json', JSON.stringify({ url: 'https://history.marrowbay.example/festival-notes.pdf' }));
  ws.writeCorpusFile('web.txt', `# Pages of the village wiki\n${origin}/wiki/lowmoor-ferry\n${origin}/wiki/missing-page\n`);
  footnote = await openFootnote({ config: ws.config({ WEB_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1' }), log: buildLog.log });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  removeTempDirs();
});

/** The first quote, checked to be an exact slice of the stored text of the document it cites. */
async function bestQuote(question: string): Promise<Quote> {
  const answer = await footnote.ask(question);
  expect(answer.answered, question).toBe(true);
  for (const q of answer.quotes) {
    const doc = await footnote.document(q.docId);
    expect(doc.text.slice(q.start, q.end)).toBe(q.text);
  }
  return answer.quotes[0]!;
}

/** The terms of a `#:~:text=` directive, decoded: [prefix-,]start[,end][,-suffix]. */
function fragmentTerms(link: string): string[] {
  const directive = link.split(':~:text=')[1];
  expect(directive, `${link} has a text fragment`).toBeDefined();
  return directive!
    .split(',')
    .map((term) => decodeURIComponent(term.replace(/^-|-$/g, '')))
    .filter((term) => term !== '');
}

/** Each term occurs in the text after the one before it (case and white space as browsers match). */
function expectInOrder(text: string, terms: readonly string[]): void {
  const haystack = text.replace(/\s+/g, ' ').toLowerCase();
  let at = 0;
  for (const term of terms) {
    const found = haystack.indexOf(term.replace(/\s+/g, ' ').toLowerCase(), at);
    expect(found, `"${term}" occurs after offset ${at}`).toBeGreaterThanOrEqual(at);
    at = found + term.length;
  }
}

describe('HTML, PDF and web pages through the service', () => {
  it('an HTML page: the quote is from the main content, cited by its section, linked to the heading with a text fragment', async () => {
    const q = await bestQuote('How much free disk space does Quillmate need?');
    expect(q.source).toBe('corpus/docs/install.html');
    expect(q.text).toContain('2 GB of free disk space');
    expect(q.hasLines).toBe(false);
    expect(q.section).toBe('System requirements');
    expect(q.link).toMatch(/^https:\/\/docs\.quillmate\.example\/install\/#requirements:~:text=/);
    expectInOrder((await footnote.document(q.docId)).text, fragmentTerms(q.link!));
    // Navigation, the cookie banner and the footer were left out of what is stored.
    expect((await footnote.document(q.docId)).text).not.toMatch(/We use cookies/);
  });

  it('a PDF: the quote is cited by page and linked with #page=', async () => {
    const q = await bestQuote('Who led the festival committee for twenty-six years?');
    expect(q.source).toBe('corpus/festival.pdf');
    expect(q.text).toContain('Edda Varrow');
    expect(q).toMatchObject({ hasLines: false, pageStart: 2, pageEnd: 2 });
    expect(q.link).toBe('https://history.marrowbay.example/festival-notes.pdf#page=2');
  });

  it('a listed web page: fetched, cited by its address and section, linked at the quote; a page that failed is reported', async () => {
    const q = await bestQuote('How many passengers can the Lowmoor ferry carry?');
    expect(q.source).toBe(`${origin}/wiki/lowmoor-ferry`);
    expect(q.text).toContain('at most 42 passengers');
    expect(q.section).toBe('Timetable and capacity');
    expect(q.link).toMatch(new RegExp(`^${origin}/wiki/lowmoor-ferry#timetable:~:text=`));
    expectInOrder((await footnote.document(q.docId)).text, fragmentTerms(q.link!));
    expect((await footnote.document(q.docId)).text).not.toContain('Log in');
    expect(buildLog.messages().join('\n')).toMatch(/missing-page: .*404/);
  });
});

describe('web pages on reindex', () => {
  it('an unchanged page costs one conditional request and no embedding; a changed one is re-read; one that fails keeps its last good copy', async () => {
    const id = `${origin}/wiki/lowmoor-ferry`;
    const unchanged = await footnote.reindex();
    expect(unchanged.web).toMatchObject({ fetched: 0, unchanged: 1, failed: 1 });
    expect(unchanged.embeddedPassages).toBe(0);
    expect(ferryRequests.at(-1)).toMatchObject({ ifNoneMatch: '"ferry-1"', userAgent: expect.stringMatching(/^FootnoteBot\//) });

    ferry = { etag: '"ferry-2"', body: FERRY_PAGE.replace('two pounds for adults', 'three pounds for adults') };
    const changed = await footnote.reindex();
    expect(changed.web).toMatchObject({ fetched: 1, unchanged: 0 });
    expect(changed.changed).toEqual([id]);
    expect((await bestQuote('How much does a single crossing on the Lowmoor ferry cost?')).text).toContain('three pounds');

    ferry = 'down';
    const failed = await footnote.reindex();
    expect(failed.skipped.find((s) => s.source === id)?.reason).toMatch(/503.*copy fetched before is indexed instead/);
    expect(failed.changed).toEqual([]);
    expect((await bestQuote('How much does a single crossing on the Lowmoor ferry cost?')).text).toContain('three pounds');
    ferry = { etag: '"ferry-2"', body: FERRY_PAGE.replace('two pounds for adults', 'three pounds for adults') };
  });
});

describe('HTML and PDF citations on Discord', () => {
  let run: BotRun;
  beforeAll(async () => {
    run = await startBotRun({ workspace: ws, footnote, env: { WEB_ALLOW_PRIVATE_ADDRESSES: '127.0.0.1', QUESTIONS_PER_MINUTE: '1000' } });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('/ask: the embed names the section or page and links to the quote', async () => {
    const html = await slash(run, 'ask', { question: 'How much free disk space does Quillmate need?' }).waitForReply(MODEL_WAIT_MS);
    const first = html.embeds[0]!;
    expect(unescapeMarkdown(first.description!)).toMatch(/\n— corpus\/docs\/install\.html, § System requirements$/);
    expect(first.url).toMatch(/^https:\/\/docs\.quillmate\.example\/install\/#requirements:~:text=/);

    const pdf = await slash(run, 'ask', { question: 'Who led the festival committee for twenty-six years?' }).waitForReply(MODEL_WAIT_MS);
    expect(unescapeMarkdown(pdf.embeds[0]!.description!)).toMatch(/\n— corpus\/festival\.pdf, p\. 2$/);
    expect(pdf.embeds[0]!.url).toBe('https://history.marrowbay.example/festival-notes.pdf#page=2');
  });

  it('/source shows the text extracted from an HTML page', async () => {
    const reply = await slash(run, 'source', { document: 'docs/install' }).waitForReply(MODEL_WAIT_MS);
    const shown = JSON.stringify(reply);
    expect(shown).toContain('Installing Quillmate');
    expect(shown).not.toContain('We use cookies');
  });
});
