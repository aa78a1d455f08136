import { describe, expect, it } from 'vitest';
import { parseWebSources } from '../../src/web/sources.js';

describe('parseWebSources', () => {
  it('GIVEN pages, sitemaps, comments and blank lines THEN each address lands in its list', () => {
    const list = parseWebSources(
      [
        '# pages the moderators chose',
        'https://example.com/a',
        '',
        '   ',
        'http://example.com/b   # the second page',
        'Sitemap: https://example.com/sitemap.xml',
        'SITEMAP:https://example.org/sitemap-index.xml',
        '\thttps://example.com/c#section-2',
      ].join('\r\n'),
    );
    expect(list).toEqual({
      pages: ['https://example.com/a', 'http://example.com/b', 'https://example.com/c'],
      sitemaps: ['https://example.com/sitemap.xml', 'https://example.org/sitemap-index.xml'],
      problems: [],
    });
  });

  it('GIVEN a # inside an address THEN it is the fragment (dropped), not a comment', () => {
    expect(parseWebSources('https://example.com/page#top').pages).toEqual(['https://example.com/page']);
  });

  it('GIVEN bad lines THEN each is a problem with its 1-based line number and the others are kept', () => {
    const list = parseWebSources(
      ['https://example.com/a', 'ftp://example.com/file', 'not a url', 'https://example.com/a', 'https://example.com/a#again', 'sitemap:', 'https://user:pw@example.com/', 'javascript:alert(1)'].join('\n'),
    );
    expect(list.pages).toEqual(['https://example.com/a']);
    expect(list.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(list.problems[0]!.reason).toMatch(/only http and https/);
    expect(list.problems[2]!.reason).toBe('https://example.com/a is already listed on line 1');
    expect(list.problems[3]!.reason).toBe('https://example.com/a is already listed on line 1');
    expect(list.problems[4]!.reason).toMatch(/needs an address/);
    expect(list.problems[5]!.reason).toMatch(/user name or password/);
  });

  it('GIVEN the same address as a page and as a sitemap THEN the second is a duplicate', () => {
    const list = parseWebSources('https://example.com/x\nsitemap: https://example.com/x');
    expect(list.sitemaps).toEqual([]);
    expect(list.problems).toEqual([{ line: 2, reason: 'https://example.com/x is already listed on line 1' }]);
  });

  it('GIVEN an empty file THEN nothing is listed', () => {
    expect(parseWebSources('')).toEqual({ pages: [], sitemaps: [], problems: [] });
  });
});
