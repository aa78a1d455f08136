import type { SitemapEntries } from './sitemap.js';

/** A listed sitemap's index may point at indexes, up to this many levels below it. */
export const MAX_SITEMAP_DEPTH = 3;

/**
 * The pages of the listed sitemaps, in order, without repeats: at most `maxPages` from each
 * listed sitemap, nested ones included, reading breadth first and stopping once it has enough.
 * `read` gives a sitemap's entries (undefined: none known). Also returns every sitemap read.
 */
export async function expandSitemaps(
  listed: readonly string[],
  maxPages: number,
  read: (url: string) => Promise<SitemapEntries | undefined>,
): Promise<{ pages: string[]; sitemaps: string[] }> {
  const expanded = await Promise.all(listed.map((url) => expandOne(url, maxPages, read)));
  return {
    pages: [...new Set(expanded.flatMap((one) => one.pages))],
    sitemaps: [...new Set(expanded.flatMap((one) => one.sitemaps))],
  };
}

async function expandOne(root: string, maxPages: number, read: (url: string) => Promise<SitemapEntries | undefined>) {
  const pages = new Set<string>();
  const seen = new Set([root]);
  let level = [root];
  for (let depth = 0; depth <= MAX_SITEMAP_DEPTH && level.length > 0 && pages.size < maxPages; depth += 1) {
    const next: string[] = [];
    for (const url of level) {
      if (pages.size >= maxPages) break;
      const entries = await read(url);
      for (const page of entries?.pages ?? []) {
        if (pages.size >= maxPages) break;
        pages.add(page);
      }
      for (const child of entries?.sitemaps ?? []) {
        if (!seen.has(child) && depth < MAX_SITEMAP_DEPTH) {
          seen.add(child);
          next.push(child);
        }
      }
    }
    level = next;
  }
  return { pages: [...pages], sitemaps: [...seen] };
}
