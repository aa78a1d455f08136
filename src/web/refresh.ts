import { type CachedPage, pruneCache, readPage, readSitemap, writePage, writeSitemap } from './cache.js';
import { expandSitemaps } from './expand.js';
import { createFetcher, type Fetch } from './fetcher.js';
import { createLimit } from './limit.js';
import type { WebSettings } from './settings.js';
import { parseSitemap, type SitemapEntries } from './sitemap.js';
import type { WebSourceList } from './sources.js';

export type { CachedPage } from './cache.js';

export interface WebFailure {
  readonly url: string;
  /** In words for a moderator: "the server answered 404 Not Found". */
  readonly reason: string;
  /** A copy from an earlier run is used instead. */
  readonly keptCopy: boolean;
}

export interface RefreshReport {
  /** Every listed page and sitemap page that has a copy: fresh, unchanged, or kept after a failure. */
  readonly pages: CachedPage[];
  readonly fetched: number;
  /** Answered 304 Not Modified, or sent the same bytes as the kept copy. */
  readonly unchanged: number;
  readonly failed: WebFailure[];
}

const PAGE_ACCEPT = 'text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.1';
const SITEMAP_ACCEPT = 'application/xml,text/xml;q=0.9,*/*;q=0.1';
const KEPT_TYPES = /^\s*(text\/html|application\/xhtml\+xml|application\/pdf)\s*(;|$)/i;

/**
 * Fetches every listed page and every page of the listed sitemaps again, with conditional
 * requests, and keeps the new copies. A page that cannot be fetched is reported and its last
 * good copy is used. Copies of pages no longer listed are removed.
 */
export async function refreshWebSources(list: WebSourceList, settings: WebSettings, onProgress?: (done: number, total: number) => void): Promise<RefreshReport> {
  const fetch = createFetcher(settings);
  const failed: WebFailure[] = [];
  const sitemapReads = new Map<string, Promise<SitemapEntries | undefined>>();
  const readSitemapOnce = (url: string) => {
    let entries = sitemapReads.get(url);
    if (!entries) {
      entries = refreshSitemap(url, settings, fetch, failed);
      sitemapReads.set(url, entries);
    }
    return entries;
  };
  const expanded = await expandSitemaps(list.sitemaps, settings.maxPagesPerSitemap, readSitemapOnce);
  const urls = [...new Set([...list.pages, ...expanded.pages])];

  let done = 0;
  let fetched = 0;
  let unchanged = 0;
  onProgress?.(0, urls.length);
  // Requests are limited by the fetcher; this only bounds the files open at once.
  const pageLimit = createLimit(Math.max(1, settings.concurrency) * 4);
  const results = await Promise.all(
    urls.map(async (url) => {
      const outcome = await pageLimit(() => refreshPage(url, settings, fetch));
      if (outcome.failure) failed.push(outcome.failure);
      if (outcome.state === 'fetched') fetched += 1;
      if (outcome.state === 'unchanged') unchanged += 1;
      done += 1;
      onProgress?.(done, urls.length);
      return outcome.page;
    }),
  );
  await pruneCache(settings.cacheDir, { pages: urls, sitemaps: expanded.sitemaps });
  // Reported in the order of the list (sitemaps first), not in the order requests happened to end.
  const order = new Map([...expanded.sitemaps, ...urls].map((url, index) => [url, index]));
  failed.sort((a, b) => (order.get(a.url) ?? 0) - (order.get(b.url) ?? 0));
  return { pages: results.filter((page) => page !== undefined), fetched, unchanged, failed };
}

/** The kept copies of the listed pages and of the pages the listed sitemaps last listed. No network. */
export async function readCachedPages(list: WebSourceList, settings: WebSettings): Promise<CachedPage[]> {
  const expanded = await expandSitemaps(list.sitemaps, settings.maxPagesPerSitemap, (url) => readSitemap(settings.cacheDir, url));
  const urls = [...new Set([...list.pages, ...expanded.pages])];
  const pages = await Promise.all(urls.map((url) => readPage(settings.cacheDir, url)));
  return pages.filter((page) => page !== undefined);
}

async function refreshPage(url: string, settings: WebSettings, fetch: Fetch): Promise<{ page?: CachedPage; state?: 'fetched' | 'unchanged'; failure?: WebFailure }> {
  const kept = await readPage(settings.cacheDir, url);
  const fail = (reason: string) => ({ ...(kept && { page: kept }), failure: { url, reason, keptCopy: kept !== undefined } });
  const result = await fetch(url, PAGE_ACCEPT, kept);
  if ('failed' in result) return fail(result.failed);
  if (result.status === 304) return kept ? { page: kept, state: 'unchanged' } : fail('the server answered 304 Not Modified to a request that was not conditional');
  const contentType = result.contentType || sniff(result.body);
  if (!KEPT_TYPES.test(contentType)) {
    return fail(contentType === '' ? 'the server did not say what kind of document it is, and it does not look like HTML or PDF' : `it is ${contentType.split(';')[0]!.trim().slice(0, 60)}, and only HTML and PDF pages are indexed`);
  }
  const page: CachedPage = {
    url,
    finalUrl: result.finalUrl,
    contentType,
    body: result.body,
    ...(result.etag && { etag: result.etag }),
    ...(result.lastModified && { lastModified: result.lastModified }),
    fetchedAt: new Date().toISOString(),
  };
  await writePage(settings.cacheDir, page);
  const same = kept !== undefined && Buffer.from(kept.body).equals(page.body);
  return { page, state: same ? 'unchanged' : 'fetched' };
}

/** A sitemap's entries, fetched again if it changed; on failure, those it had last time (reported). */
async function refreshSitemap(url: string, settings: WebSettings, fetch: Fetch, failed: WebFailure[]): Promise<SitemapEntries | undefined> {
  const kept = await readSitemap(settings.cacheDir, url);
  const fail = (reason: string) => {
    failed.push({ url, reason: `the sitemap could not be read: ${reason}`, keptCopy: kept !== undefined });
    return kept;
  };
  const result = await fetch(url, SITEMAP_ACCEPT, kept);
  if ('failed' in result) return fail(result.failed);
  if (result.status === 304) return kept ?? fail('the server answered 304 Not Modified to a request that was not conditional');
  const entries = parseSitemap(result.body);
  if ('problem' in entries) return fail(entries.problem);
  await writeSitemap(settings.cacheDir, {
    url,
    finalUrl: result.finalUrl,
    ...entries,
    ...(result.etag && { etag: result.etag }),
    ...(result.lastModified && { lastModified: result.lastModified }),
    fetchedAt: new Date().toISOString(),
  });
  return entries;
}

/** A page sent without a Content-Type: PDF or HTML by its first bytes, else unknown (''). */
function sniff(body: Uint8Array): string {
  const start = new TextDecoder('latin1').decode(body.subarray(0, 512)).trimStart().toLowerCase();
  if (start.startsWith('%pdf-')) return 'application/pdf';
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'text/html';
  return '';
}
