import { getResolvedPDFJS } from 'unpdf';
import type { Span } from '../document.js';
import { assemblePages } from './assemble.js';
import { toTextItems, type RawTextItem } from './items.js';
import { layoutPage, type PageLayout } from './layout.js';
import { pickPdfTitle } from './title.js';

export interface ExtractedPdf {
  /** What is indexed and quoted; every quote is an exact slice of it. */
  readonly text: string;
  /** Offset in `text` where page i + 1 starts; `pageStarts[0]` is 0; one entry per page, empty pages too. */
  readonly pageStarts: number[];
  /** The XMP or /Info title, when it looks like a real title. */
  readonly title?: string;
  /** Page furniture: bare page numbers, running headers and footers. */
  readonly unquotable: Span[];
}

export interface ExtractLimits {
  /** A file with more pages is not read at all. */
  readonly maxPages?: number;
  /** Reading stops (and the file is skipped) once this much time has passed. */
  readonly timeLimitMs?: number;
}

export const MAX_PAGES = 2000;
export const TIME_LIMIT_MS = 120_000;

export const ENCRYPTED = 'encrypted PDF: Footnote cannot read password-protected files; remove the password or export the text';
export const NO_TEXT = 'no text in this PDF (a scanned or image-only file?); run OCR first or add a text version';
export const UNREADABLE = 'not a readable PDF (damaged or not a PDF file)';

const EMPTY_PAGE: PageLayout = { lines: [], blocks: [] };

/**
 * The text of a PDF file in reading order, page by page, with its page starts, title and page
 * furniture; or why it cannot be used (password, no text layer, damaged, too many pages, too slow).
 * Never throws. A page that cannot be read counts as empty; the file is skipped only when no page can be.
 */
export async function extractPdf(bytes: Uint8Array, limits: ExtractLimits = {}): Promise<ExtractedPdf | { reason: string }> {
  const maxPages = limits.maxPages ?? MAX_PAGES;
  const deadline = Date.now() + (limits.timeLimitMs ?? TIME_LIMIT_MS);
  let pdfjs: Awaited<ReturnType<typeof getResolvedPDFJS>>;
  try {
    pdfjs = await getResolvedPDFJS();
  } catch (error) {
    return { reason: `PDF reader unavailable (${error instanceof Error ? error.message : String(error)})` };
  }
  const task = pdfjs.getDocument({
    // pdf.js takes ownership of (and may detach) the buffer it is given: hand it a copy.
    data: new Uint8Array(bytes),
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    stopAtErrors: false,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    return { reason: (error as { name?: unknown } | null)?.name === 'PasswordException' ? ENCRYPTED : UNREADABLE };
  }
  try {
    const total = doc.numPages;
    if (total > maxPages) return { reason: `too many pages (${total.toLocaleString('en-US')}; Footnote reads at most ${maxPages.toLocaleString('en-US')} pages of a PDF); split the file` };
    const pages: PageLayout[] = [];
    let unreadable = 0;
    for (let n = 1; n <= total; n++) {
      if (Date.now() > deadline) return { reason: tooSlow(limits.timeLimitMs ?? TIME_LIMIT_MS, n, total) };
      try {
        const page = await doc.getPage(n);
        const content = await page.getTextContent();
        pages.push(layoutPage(toTextItems((content.items as unknown[]).filter(isTextItem))));
        page.cleanup();
      } catch {
        unreadable++;
        pages.push(EMPTY_PAGE);
      }
    }
    if (total > 0 && unreadable === total) return { reason: UNREADABLE };
    const { text, pageStarts, unquotable } = assemblePages(pages);
    if (!hasWords(text, unquotable)) return { reason: NO_TEXT };
    const title = await readTitle(doc);
    return { text, pageStarts, ...(title !== undefined && { title }), unquotable };
  } catch {
    return { reason: UNREADABLE };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}

/** pdf.js mixes marked-content markers into the items when asked to; only items with `str` carry text. */
function isTextItem(item: unknown): item is RawTextItem {
  return typeof item === 'object' && item !== null && 'str' in item;
}

function tooSlow(limitMs: number, page: number, total: number): string {
  return `took more than ${Math.round(limitMs / 1000)} s to read (stopped at page ${page} of ${total}); split the file or export the text`;
}

/** Letters anywhere but in page furniture: a scan with only a stamped header has no text to quote. */
function hasWords(text: string, furniture: readonly Span[]): boolean {
  let from = 0;
  for (const span of [...furniture].sort((a, b) => a.start - b.start)) {
    if (/\p{L}/u.test(text.slice(from, span.start))) return true;
    from = Math.max(from, span.end);
  }
  return /\p{L}/u.test(text.slice(from));
}

async function readTitle(doc: { getMetadata(): Promise<{ info: unknown; metadata: { get(name: string): unknown } | null }> }): Promise<string | undefined> {
  try {
    const { info, metadata } = await doc.getMetadata();
    return pickPdfTitle([metadata?.get('dc:title'), (info as { Title?: unknown } | null)?.Title]);
  } catch {
    return undefined;
  }
}
