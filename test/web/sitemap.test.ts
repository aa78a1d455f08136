import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { expandSitemaps, MAX_SITEMAP_DEPTH } from '../../src/web/expand.js';
import { parseSitemap, type SitemapEntries } from '../../src/web/sitemap.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('parseSitemap', () => {
  it('GIVEN a urlset THEN its <loc> addresses are pages, decoded, without fragments, repeats or extensions', () => {
    const xml = `<?xml version="1.0"?>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
        <url><loc> https://example.com/a?x=1&amp;y=2 </loc><image:image><image:loc>https://example.com/a.png</image:loc></image:image></url>
        <url><loc><![CDATA[https://example.com/b]]></loc></url>
        <url><loc>https://example.com/b#top</loc></url>
        <url><loc>ftp://example.com/c</loc></url>
        <url><loc>https://example.com/&#x64;</loc></url>
      </urlset>`;
    expect(parseSitemap(bytes(xml))).toEqual({ pages: ['https://example.com/a?x=1&y=2', 'https://example.com/b', 'https://example.com/d'], sitemaps: [] });
  });

  it('GIVEN a gzipped sitemap index THEN its addresses are sitemaps', () => {
    const xml = '<sitemapindex><sitemap><loc>https://example.com/s1.xml</loc></sitemap><sitemap><loc>https://example.com/s2.xml.gz</loc></sitemap></sitemapindex>';
    expect(parseSitemap(zlib.gzipSync(xml))).toEqual({ pages: [], sitemaps: ['https://example.com/s1.xml', 'https://example.com/s2.xml.gz'] });
  });

  it('GIVEN a plain-text sitemap THEN each line is a page', () => {
    expect(parseSitemap(bytes('https://example.com/a\r\nhttps://example.com/b\n\nnot a url\n'))).toEqual({ pages: ['https://example.com/a', 'https://example.com/b'], sitemaps: [] });
  });

  it('GIVEN HTML or a damaged gzip THEN it is not a sitemap', () => {
    expect(parseSitemap(bytes('<!doctype html><html></html>'))).toEqual({ problem: 'not a sitemap (no <urlset> or <sitemapindex> in it)' });
    expect(parseSitemap(new Uint8Array([0x1f, 0x8b, 1, 2, 3]))).toEqual({ problem: 'the gzipped sitemap is damaged' });
  });
});

describe('expandSitemaps', () => {
  it('GIVEN indexes nested deeper than the limit THEN pages below the limit are not read', async () => {
    // s0 → s1 → s2 → s3 → s4, each with one page of its own.
    const read = async (url: string): Promise<SitemapEntries> => {
      const level = Number(url.slice(-1));
      return { pages: [`https://example.com/p${level}`], sitemaps: [`https://example.com/s${level + 1}`] };
    };
    const expanded = await expandSitemaps(['https://example.com/s0'], 100, read);
    expect(expanded.pages).toEqual(Array.from({ length: MAX_SITEMAP_DEPTH + 1 }, (_, i) => `https://example.com/p${i}`));
  });

  it('GIVEN a sitemap index that lists itself THEN it is read once', async () => {
    let reads = 0;
    const read = async (): Promise<SitemapEntries> => {
      reads += 1;
      return { pages: ['https://example.com/p'], sitemaps: ['https://example.com/s'] };
    };
    expect((await expandSitemaps(['https://example.com/s'], 100, read)).pages).toEqual(['https://example.com/p']);
    expect(reads).toBe(1);
  });

  it('GIVEN two listed sitemaps THEN each gets its own page budget and repeats are dropped', async () => {
    const read = async (url: string): Promise<SitemapEntries> => ({ pages: ['a', 'b', 'c'].map((p) => `${url}/${p}`).concat('https://example.com/shared'), sitemaps: [] });
    const expanded = await expandSitemaps(['https://example.com/x', 'https://example.com/y'], 2, read);
    expect(expanded.pages).toEqual(['https://example.com/x/a', 'https://example.com/x/b', 'https://example.com/y/a', 'https://example.com/y/b']);
  });
});
