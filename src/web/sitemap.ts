import zlib from 'node:zlib';
import { checkUrl } from '../corpus/metadata.js';
import { withoutFragment } from './sources.js';

/** What one sitemap lists: pages (`<urlset>`) or further sitemaps (`<sitemapindex>`). */
export interface SitemapEntries {
  readonly pages: string[];
  readonly sitemaps: string[];
}

/** The protocol caps a sitemap at 50 MB uncompressed; more is refused rather than inflated. */
const MAX_INFLATED_BYTES = 50 * 2 ** 20;

/**
 * Reads a sitemap (XML, or the protocol's plain-text form: one address per line), gzipped or
 * not (told by its first bytes, whatever the server calls it). Only http(s) addresses are kept,
 * without fragments and without repeats; `<image:loc>` and other extensions are ignored.
 */
export function parseSitemap(body: Uint8Array): SitemapEntries | { problem: string } {
  let bytes = body;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = zlib.gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
    } catch (error) {
      return { problem: error instanceof RangeError ? 'the sitemap is larger than 50 MB once uncompressed' : 'the gzipped sitemap is damaged' };
    }
  }
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '').trim();
  if (!text.startsWith('<')) return { pages: addresses(text.split(/\r?\n/)), sitemaps: [] };
  const locs = [...text.matchAll(/<loc(?:\s[^>]*)?>([\s\S]*?)<\/loc\s*>/g)].map((match) => xmlText(match[1]!));
  if (/<sitemapindex[\s>]/.test(text)) return { pages: [], sitemaps: addresses(locs) };
  if (/<urlset[\s>]/.test(text)) return { pages: addresses(locs), sitemaps: [] };
  return { problem: 'not a sitemap (no <urlset> or <sitemapindex> in it)' };
}

function addresses(candidates: readonly string[]): string[] {
  const found = new Set<string>();
  for (const candidate of candidates) {
    const checked = checkUrl(candidate.trim());
    if ('url' in checked) found.add(withoutFragment(checked.url));
  }
  return [...found];
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlText(raw: string): string {
  const cdata = /^\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*$/.exec(raw);
  if (cdata) return cdata[1]!;
  return raw.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name] ?? whole;
  });
}
