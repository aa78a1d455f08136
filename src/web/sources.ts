import { checkUrl } from '../corpus/metadata.js';

/** What `corpus/web.txt` lists, and what was wrong with its lines. */
export interface WebSourceList {
  readonly pages: string[];
  readonly sitemaps: string[];
  /** Lines left out, 1-based. */
  readonly problems: { line: number; reason: string }[];
}

/**
 * Reads the list of web sources: one http(s) address per line, `sitemap: <address>` for a
 * sitemap, `#` starting a comment (at the start of a line or after white space, since `#` inside
 * an address is its fragment, which is dropped). Blank lines are ignored; a repeated address is
 * reported once per repeat.
 */
export function parseWebSources(text: string): WebSourceList {
  const pages: string[] = [];
  const sitemaps: string[] = [];
  const problems: { line: number; reason: string }[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n|\r/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/^\uFEFF/, '').replace(/(^|\s)#.*$/s, '').trim();
    if (content === '') return;
    const sitemap = /^sitemap\s*:\s*/i.exec(content);
    const address = sitemap ? content.slice(sitemap[0].length) : content;
    if (address === '') {
      problems.push({ line, reason: 'a sitemap line needs an address after "sitemap:"' });
      return;
    }
    const checked = checkUrl(address);
    if ('problem' in checked) {
      problems.push({ line, reason: `${checked.problem}: ${shorten(address)}` });
      return;
    }
    const url = withoutFragment(checked.url);
    const first = seen.get(url);
    if (first !== undefined) {
      problems.push({ line, reason: `${url} is already listed on line ${first}` });
      return;
    }
    seen.set(url, line);
    (sitemap ? sitemaps : pages).push(url);
  });
  return { pages, sitemaps, problems };
}

export function withoutFragment(url: string): string {
  return url.replace(/#.*$/s, '');
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
