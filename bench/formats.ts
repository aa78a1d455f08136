/**
 * The `formats` part: what HTML and PDF documents cost. Made-up docs-site pages and two-column
 * PDFs are generated (seeded, the same every run), their extraction is timed alone, then a full
 * `buildIndex` of each set is timed with its phases (reading = read + extract + split + tokenize,
 * then embedding, indexing, writing), to show how much of a build extraction takes beside the model.
 */
import fs from 'node:fs';
import path from 'node:path';
import { extractHtml } from '../src/corpus/html/extract.js';
import { extractPdf } from '../src/corpus/pdf/extract.js';
import { splitSentences } from '../src/corpus/sentences.js';
import { linkToQuote } from '../src/corpus/textFragment.js';
import { buildIndex, type BuildProgress } from '../src/index/build.js';
import { interleave, setBalancedColumns, setColumn, writePdf, type PdfTextRun } from '../test/helpers/pdf.js';
import { seededRandom } from '../test/helpers/random.js';
import { WORK } from './corpora.js';
import type { Shared } from './footnote.js';

export interface FormatsSizes {
  readonly htmlPages: number;
  readonly pdfFiles: number;
  readonly pdfPagesPerFile: number;
  /** Extraction passes over all files; the median is reported. */
  readonly extractionRounds: number;
}

export const FORMATS_SIZES: FormatsSizes = { htmlPages: 200, pdfFiles: 20, pdfPagesPerFile: 10, extractionRounds: 3 };
export const FORMATS_QUICK_SIZES: FormatsSizes = { htmlPages: 40, pdfFiles: 4, pdfPagesPerFile: 5, extractionRounds: 3 };

export interface FormatBuild {
  readonly seconds: number;
  /** Seconds from the start of each BuildProgress phase to the start of the next (the last to the end). */
  readonly phases: Record<string, number>;
  /** The 'reading' phase: reading files, extracting text, splitting into sentences, tokenizing. */
  readonly readingSeconds: number;
  readonly embeddingSeconds: number;
  readonly embeddingShare: number;
  readonly documents: number;
  readonly passages: number;
  readonly skipped: number;
  readonly pagesPerSecond: number;
  readonly passagesPerSecond: number;
}

export interface FormatRow {
  readonly format: 'html' | 'pdf';
  readonly files: number;
  readonly pages: number;
  readonly bytes: number;
  /** Characters of extracted text (one pass). */
  readonly extractedChars: number;
  /** Files extraction refused (with a reason) in one pass. */
  readonly extractionFailures: number;
  readonly extraction: { readonly rounds: number[]; readonly seconds: number; readonly pagesPerSecond: number; readonly mbPerSecond: number };
  readonly build?: FormatBuild;
  readonly error?: string;
}

/** Building a quote's text-fragment link (linkToQuote), in ms per quote. */
export interface LinkTiming {
  readonly documents: string;
  readonly meanChars: number;
  readonly quotes: number;
  readonly medianMs: number;
  readonly p95Ms: number;
}

export interface FormatsResult {
  readonly sizes: FormatsSizes;
  readonly rows: FormatRow[];
  readonly links?: LinkTiming[];
  readonly errors: { part: string; error: string }[];
}

const SITE = 'https://docs.tarnwick.example';
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function measureFormats(shared: Shared, sizes: FormatsSizes): Promise<FormatsResult> {
  const root = path.join(WORK, 'tmp', 'formats');
  fs.rmSync(root, { recursive: true, force: true });
  const rows: FormatRow[] = [];
  const errors: { part: string; error: string }[] = [];
  let links: LinkTiming[] | undefined;
  await shared.embedder.embedQuery('warm up the model');

  // HTML
  {
    shared.note(`formats: generating ${sizes.htmlPages} docs-site HTML pages…`);
    const pages = docsSite(sizes.htmlPages);
    const dir = writeFiles(path.join(root, 'html', 'corpus'), pages.map((p) => [p.path, p.html]));
    const bytes = pages.reduce((n, p) => n + Buffer.byteLength(p.html), 0);
    const once = () => {
      let chars = 0;
      let failures = 0;
      for (const page of pages) {
        const out = extractHtml(page.html, `${SITE}/${page.path.replace(/\.html$/, '')}`);
        if ('reason' in out) failures++;
        else chars += out.text.length;
      }
      return { chars, failures };
    };
    let row: FormatRow = { format: 'html', files: pages.length, pages: pages.length, bytes, ...(await timeExtraction(shared, 'html', once, sizes.extractionRounds, pages.length, bytes)) };
    row = await withBuild(shared, row, dir, path.join(root, 'html', 'index'));
    rows.push(row);
    const texts = pages.map((page) => extractHtml(page.html)).flatMap((out) => ('reason' in out ? [] : [out.text]));
    links = [timeLinks('each page', texts), timeLinks('all pages as one document', [texts.join('\n\n')])];
    for (const l of links) shared.note(`formats: text-fragment links, ${l.documents} (${Math.round(l.meanChars / 1000)} k characters): median ${l.medianMs.toFixed(2)} ms, p95 ${l.p95Ms.toFixed(2)} ms a quote`);
  }

  // PDF
  {
    const pageCount = sizes.pdfFiles * sizes.pdfPagesPerFile;
    shared.note(`formats: generating ${sizes.pdfFiles} two-column PDFs of ${sizes.pdfPagesPerFile} pages…`);
    const files = Array.from({ length: sizes.pdfFiles }, (_, i) => ({ path: `notes/volume-${String(i + 1).padStart(2, '0')}.pdf`, bytes: twoColumnPdf(i, sizes.pdfPagesPerFile) }));
    const dir = writeFiles(path.join(root, 'pdf', 'corpus'), files.map((f) => [f.path, f.bytes]));
    const bytes = files.reduce((n, f) => n + f.bytes.length, 0);
    const once = async () => {
      let chars = 0;
      let failures = 0;
      for (const file of files) {
        const out = await extractPdf(file.bytes);
        if ('reason' in out) failures++;
        else chars += out.text.length;
      }
      return { chars, failures };
    };
    let row: FormatRow = { format: 'pdf', files: files.length, pages: pageCount, bytes, ...(await timeExtraction(shared, 'pdf', once, sizes.extractionRounds, pageCount, bytes)) };
    row = await withBuild(shared, row, dir, path.join(root, 'pdf', 'index'));
    rows.push(row);
  }

  for (const row of rows) if (row.error) errors.push({ part: `formats/${row.format}`, error: row.error });
  return { sizes, rows, ...(links && { links }), errors };
}

/**
 * linkToQuote for 200 sentence quotes spread over `documents` (seeded), after 20 untimed ones: what a
 * quote's link costs on the question path for a document with a URL.
 */
function timeLinks(label: string, documents: readonly string[]): LinkTiming {
  const rand = seededRandom(7);
  const times: number[] = [];
  for (let k = 0; k < 220; k++) {
    const text = documents[Math.floor(rand() * documents.length)]!;
    const spans = splitSentences(text);
    const span = spans[Math.floor(rand() * spans.length)];
    if (!span) continue;
    const started = performance.now();
    linkToQuote(`${SITE}/page`, { documentText: text, start: span.start, end: span.end });
    if (k >= 20) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    documents: label,
    meanChars: documents.reduce((n, d) => n + d.length, 0) / documents.length,
    quotes: times.length,
    medianMs: times[Math.floor((times.length - 1) / 2)]!,
    p95Ms: times[Math.floor(times.length * 0.95)]!,
  };
}

type ExtractionFields = Pick<FormatRow, 'extraction' | 'extractedChars' | 'extractionFailures'>;
interface Extracted {
  chars: number;
  failures: number;
}

/** `rounds` timed passes of `once` over every file, after an untimed one (loading pdf.js, JIT, lazily built tables). */
async function timeExtraction(shared: Shared, format: string, once: () => Extracted | Promise<Extracted>, rounds: number, pages: number, bytes: number): Promise<ExtractionFields> {
  await once();
  const times: number[] = [];
  let last: Extracted = { chars: 0, failures: 0 };
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    last = await once();
    times.push((performance.now() - started) / 1000);
  }
  const seconds = median(times);
  const extraction = { rounds: times, seconds, pagesPerSecond: pages / seconds, mbPerSecond: bytes / 2 ** 20 / seconds };
  shared.note(`formats: ${format} extraction ${seconds.toFixed(2)} s (median of ${rounds}): ${extraction.pagesPerSecond.toFixed(1)} pages/s, ${extraction.mbPerSecond.toFixed(2)} MB/s${last.failures ? `; ${last.failures} files refused` : ''}`);
  return { extraction, extractedChars: last.chars, extractionFailures: last.failures };
}

async function withBuild(shared: Shared, row: FormatRow, corpusDir: string, indexDir: string): Promise<FormatRow> {
  try {
    return { ...row, build: await timedPhasedBuild(shared, row, corpusDir, indexDir) };
  } catch (error) {
    const failure = `build: ${message(error)}`;
    shared.note(`formats: ${row.format} ${failure}`);
    return { ...row, error: failure };
  }
}

/** `buildIndex({ full: true })` into an empty folder, as `npm run index` on a fresh corpus, with the time of each phase. */
async function timedPhasedBuild(shared: Shared, row: FormatRow, corpusDir: string, indexDir: string): Promise<FormatBuild> {
  fs.rmSync(indexDir, { recursive: true, force: true });
  shared.note(`formats: ${row.format}: buildIndex of ${row.files} files (${row.pages} pages)…`);
  const starts: [string, number][] = [];
  const onProgress = (p: BuildProgress) => {
    if (starts[starts.length - 1]?.[0] !== p.phase) starts.push([p.phase, performance.now()]);
  };
  const started = performance.now();
  const report = await buildIndex({ config: shared.config(corpusDir, indexDir), embedder: shared.embedder, profile: shared.loaded.profile, log: shared.log, full: true, onProgress });
  const ended = performance.now();
  const seconds = (ended - started) / 1000;
  const phases: Record<string, number> = {};
  starts.forEach(([phase, at], i) => (phases[phase] = (phases[phase] ?? 0) + ((starts[i + 1]?.[1] ?? ended) - at) / 1000));
  fs.rmSync(indexDir, { recursive: true, force: true });
  if (report.skipped.length) shared.note(`formats: ${row.format}: ${report.skipped.length} skipped, e.g. ${report.skipped[0]!.source}: ${report.skipped[0]!.reason}`);
  const embeddingSeconds = phases.embedding ?? 0;
  const build: FormatBuild = {
    seconds,
    phases,
    readingSeconds: phases.reading ?? 0,
    embeddingSeconds,
    embeddingShare: embeddingSeconds / seconds,
    documents: report.documents,
    passages: report.passages,
    skipped: report.skipped.length,
    pagesPerSecond: row.pages / seconds,
    passagesPerSecond: report.passages / seconds,
  };
  shared.note(`formats: ${row.format}: ${report.passages} passages in ${seconds.toFixed(1)} s (reading ${build.readingSeconds.toFixed(1)} s, embedding ${embeddingSeconds.toFixed(1)} s)`);
  return build;
}

function writeFiles(dir: string, files: readonly (readonly [string, string | Uint8Array])[]): string {
  for (const [name, content] of files) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Made-up content: a docs site for "Tarnwick", a fictional job queue, and its engineering notes.

const NOUNS = ['queue', 'worker', 'job', 'snapshot', 'replica', 'partition', 'lease', 'schedule', 'webhook', 'bucket', 'token', 'cluster', 'retry policy', 'dead-letter queue', 'checkpoint', 'namespace', 'payload', 'consumer group', 'rate limit', 'audit log', 'region', 'heartbeat', 'migration', 'batch', 'signing key'];
const VERBS = ['stores', 'retries', 'rejects', 'rotates', 'compacts', 'signs', 'forwards', 'expires', 'replays', 'throttles', 'pauses', 'drains', 'acknowledges', 'records', 'schedules', 'copies', 'validates', 'releases'];
const ADJECTIVES = ['idle', 'pending', 'stale', 'regional', 'encrypted', 'delayed', 'primary', 'standby', 'oversized', 'recurring', 'failed', 'archived', 'shared', 'default', 'temporary'];
const ADVERBS = ['quietly', 'at once', 'in order', 'within a minute', 'before the lease ends', 'on the next heartbeat', 'once a day', 'without a restart'];
const UNITS = ['seconds', 'minutes', 'hours', 'jobs', 'megabytes', 'requests'];
const PEOPLE = ['Orla Mendel', 'Piet Kasama', 'Runa Okafor', 'Teodor Vail', 'Ines Barrow', 'Hakon Ruiz'];
const SECTIONS = ['getting-started', 'guides', 'reference', 'operations', 'security', 'integrations'];

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const between = (rand: Rand, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const plural = (s: string) => (/[^aeiou]y$/.test(s) ? `${s.slice(0, -1)}ies` : /(s|x|ch|sh)$/.test(s) ? `${s}es` : `${s}s`);
const article = (s: string) => (/^[aeiou]/.test(s) ? `an ${s}` : `a ${s}`);
const ident = (rand: Rand) => `${pick(rand, ADJECTIVES)}_${pick(rand, NOUNS).replace(/[^a-z]+/g, '_')}`;

function sentence(rand: Rand): string {
  const n = () => pick(rand, NOUNS);
  switch (between(rand, 0, 5)) {
    case 0:
      return `The ${pick(rand, ADJECTIVES)} ${n()} ${pick(rand, VERBS)} every ${n()} ${pick(rand, ADVERBS)}.`;
    case 1:
      return `When ${article(n())} is ${pick(rand, ADJECTIVES)}, Tarnwick ${pick(rand, VERBS)} its ${n()} after ${between(rand, 2, 90)} ${pick(rand, UNITS)}.`;
    case 2:
      return `Set ${ident(rand)} to ${between(rand, 1, 500)} if the ${n()} ${pick(rand, VERBS)} more than ${between(rand, 10, 9000)} ${pick(rand, UNITS)} per hour.`;
    case 3:
      return `${cap(pick(rand, ADJECTIVES))} ${plural(n())} are kept for ${between(rand, 2, 60)} days, after which the ${n()} ${pick(rand, VERBS)} them ${pick(rand, ADVERBS)}.`;
    case 4:
      return `${pick(rand, PEOPLE)} added the ${pick(rand, ADJECTIVES)} ${n()} in release ${between(rand, 1, 4)}.${between(rand, 0, 19)}, because the old ${n()} ${pick(rand, VERBS)} too much.`;
    default:
      return `Each ${n()} belongs to one ${n()}, and ${article(pick(rand, ADJECTIVES))} ${n()} never ${pick(rand, VERBS)} it twice.`;
  }
}

const paragraph = (rand: Rand, lo = 3, hi = 6) => Array.from({ length: between(rand, lo, hi) }, () => sentence(rand)).join(' ');
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface HtmlPage {
  readonly path: string;
  readonly title: string;
  readonly html: string;
}

/** `count` pages of a docs site, 10–20 KB each: header nav, sidebar, breadcrumbs, article, on-page TOC, footer. */
export function docsSite(count: number, seed = 20_251_205): HtmlPage[] {
  const rand = seededRandom(seed);
  const titles = Array.from({ length: count }, (_, i) => `${cap(pick(rand, ['configuring', 'understanding', 'monitoring', 'scaling', 'securing', 'migrating']))} the ${pick(rand, ADJECTIVES)} ${pick(rand, NOUNS)} (${i + 1})`);
  const paths = titles.map((t, i) => `${SECTIONS[i % SECTIONS.length]}/${slug(t)}.html`);
  const sidebar = SECTIONS.map((s, k) => {
    const links = paths.map((p, i) => [p, titles[i]!] as const).filter((_, i) => i % SECTIONS.length === k).slice(0, 6);
    return `<h3>${cap(s.replace('-', ' '))}</h3><ul>${links.map(([p, t]) => `<li><a href="/${p.replace(/\.html$/, '')}">${escape(t)}</a></li>`).join('')}</ul>`;
  }).join('\n');
  const header = `<header class="site-header"><a class="logo" href="/">Tarnwick Docs</a><nav class="top-nav" aria-label="Main"><ul>${['Docs', 'API', 'Blog', 'Changelog', 'Status', 'Pricing', 'Community', 'Sign in'].map((l) => `<li><a href="/${slug(l)}">${l}</a></li>`).join('')}</ul></nav><form class="search" action="/search"><input type="search" name="q" placeholder="Search the docs"></form></header>`;
  const footer = `<footer class="site-footer"><div class="cols">${['Product', 'Resources', 'Company'].map((c) => `<div><h4>${c}</h4><ul>${Array.from({ length: 5 }, (_, i) => `<li><a href="/${slug(c)}/${i}">${c} link ${i + 1}</a></li>`).join('')}</ul></div>`).join('')}</div><p class="feedback">Was this page helpful? <button>Yes</button> <button>No</button></p><p>© 2025 Tarnwick Labs. All rights reserved. <a href="/privacy">Privacy</a> · <a href="/terms">Terms</a></p></footer>`;

  return titles.map((title, i) => {
    const target = between(rand, 10_000, 20_000);
    const sections: { id: string; heading: string; body: string }[] = [];
    const used = new Set<string>();
    const shell = (article: string, toc: string) =>
      `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escape(title)} — Tarnwick Docs</title><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="description" content="${escape(sentence(rand))}"><link rel="stylesheet" href="/assets/site.css"><script src="/assets/site.js" defer></script></head>\n<body>${header}\n<div class="layout"><aside class="sidebar"><nav aria-label="Docs">${sidebar}</nav></aside>\n<main><nav class="breadcrumbs"><a href="/">Docs</a> › <a href="/${paths[i]!.split('/')[0]}">${cap(paths[i]!.split('/')[0]!.replace('-', ' '))}</a></nav>\n<article>${article}</article>\n<nav class="pager"><a rel="prev" href="/${paths[(i + count - 1) % count]!.replace(/\.html$/, '')}">Previous</a><a rel="next" href="/${paths[(i + 1) % count]!.replace(/\.html$/, '')}">Next</a></nav></main>\n<aside class="toc"><h2>On this page</h2><ul>${toc}</ul></aside></div>\n${footer}</body></html>\n`;
    const render = () => {
      const article = `<h1 id="${slug(title)}">${escape(title)}</h1>\n<p class="lead">${escape(paragraph(rand, 2, 3))}</p>\n${sections.map((s) => `<section><h2 id="${s.id}">${escape(s.heading)}</h2>\n${s.body}</section>`).join('\n')}`;
      return shell(article, sections.map((s) => `<li><a href="#${s.id}">${escape(s.heading)}</a></li>`).join(''));
    };
    let html = render();
    while (html.length < target) {
      const heading = `${cap(pick(rand, ['how the', 'limits of the', 'troubleshooting the', 'choosing a', 'about the']))} ${pick(rand, ADJECTIVES)} ${pick(rand, NOUNS)}`;
      let id = slug(heading);
      while (used.has(id)) id += '-2';
      used.add(id);
      const parts = Array.from({ length: between(rand, 2, 4) }, () => `<p>${escape(paragraph(rand))}</p>`);
      if (rand() < 0.5) {
        const list = rand() < 0.5 ? 'ul' : 'ol';
        parts.push(`<${list}>${Array.from({ length: between(rand, 3, 6) }, () => `<li>${escape(sentence(rand))}</li>`).join('')}</${list}>`);
      }
      if (rand() < 0.4) {
        const rows = Array.from({ length: between(rand, 3, 6) }, () => `<tr><td><code>${ident(rand)}</code></td><td>${between(rand, 1, 1000)}</td><td>${escape(sentence(rand))}</td></tr>`).join('');
        parts.push(`<table><thead><tr><th>Setting</th><th>Default</th><th>Description</th></tr></thead><tbody>${rows}</tbody></table>`);
      }
      if (rand() < 0.3) parts.push(`<h3 id="${id}-example">Example</h3><pre><code>tarnwick set ${ident(rand)} ${between(rand, 1, 99)}\ntarnwick ${pick(rand, ['drain', 'pause', 'replay'])} --${pick(rand, NOUNS).replace(/\s+/g, '-')} ${between(rand, 1, 9)}</code></pre>`);
      sections.push({ id, heading, body: parts.join('\n') });
      html = render();
    }
    return { path: paths[i]!, title, html };
  });
}

/** Volume `n` of the engineering notes: `pages` US-letter pages, two balanced columns interleaved line by line, running header, page numbers. */
export function twoColumnPdf(n: number, pages: number): Uint8Array {
  const rand = seededRandom(7_000 + n);
  const title = `Tarnwick Engineering Notes, Volume ${n + 1}: the ${pick(rand, ADJECTIVES)} ${pick(rand, NOUNS)}`;
  const header = `Tarnwick Labs - Engineering Notes - Volume ${n + 1}`;
  const style = { width: 222, size: 10, leading: 12.5, paragraphGap: 6 };
  const bottom = 64;
  const out = Array.from({ length: pages }, (_, p) => {
    const runs: PdfTextRun[] = [{ text: header, x: 72, y: 750, size: 9 }];
    let top = 715;
    if (p === 0) {
      runs.push({ text: title, x: 72, y: 712, size: 16, font: 'Helvetica-Bold' });
      const intro = setColumn([paragraph(rand, 2, 3)], 685, { x: 72, width: 468, size: 11, leading: 14 });
      runs.push(...intro.runs);
      top = intro.next - 14;
    }
    // As many paragraphs as fill both columns down to the bottom margin.
    const paragraphs: string[] = [];
    let columns: PdfTextRun[][] = [[], []];
    for (;;) {
      const next = [...paragraphs, paragraph(rand)];
      const set = setBalancedColumns(next, top, [{ x: 72 }, { x: 318 }], style);
      if (Math.min(...set.flat().map((r) => r.y)) < bottom) break;
      paragraphs.push(next[next.length - 1]!);
      columns = set;
    }
    runs.push(...interleave(columns));
    runs.push({ text: `Page ${p + 1}`, x: 290, y: 40, size: 9 });
    return { runs };
  });
  return writePdf(out, { title });
}
