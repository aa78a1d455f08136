import { ancestor, type DomElement } from './dom.js';

/** Title and link a page gives itself, read before anything rewrites it. */
export function pageMetadata(elements: readonly DomElement[], baseUrl?: string): { title?: string; url?: string } {
  const title = metaContent(elements, 'og:title') ?? titleElement(elements) ?? firstH1(elements);
  const url = pageUrl(elements, baseUrl);
  return { ...(title && { title }), ...(url && { url }) };
}

function metaContent(elements: readonly DomElement[], property: string): string | undefined {
  for (const meta of elements) {
    if (meta.localName !== 'meta') continue;
    const key = (meta.getAttribute('property') ?? meta.getAttribute('name') ?? '').trim().toLowerCase();
    if (key === property) {
      const content = oneLine(meta.getAttribute('content') ?? '');
      if (content) return content;
    }
  }
  return undefined;
}

const SVG = new Set(['svg']);

function titleElement(elements: readonly DomElement[]): string | undefined {
  const element = elements.find((title) => title.localName === 'title' && !ancestor(title, SVG));
  const title = oneLine(element?.textContent ?? '');
  return title ? trimSiteName(title, metaContent(elements, 'og:site_name')) : undefined;
}

function firstH1(elements: readonly DomElement[]): string | undefined {
  return oneLine(elements.find((element) => element.localName === 'h1')?.textContent ?? '') || undefined;
}

const SEPARATOR = /\s+(?:[|–—·•»]|::|-{1,2})\s+/g;
/** Page names too vague to stand alone: "Home | Quillmate" stays whole. */
const VAGUE = /^(?:home|index|start|welcome|main|docs|documentation|untitled|faq|about)$/i;

/**
 * "Installing Quillmate | Quillmate Docs" → "Installing Quillmate". The part after the last
 * separator goes when it is the site's name, or short (at most four words, three after a
 * hyphen); a site name in front ("Quillmate Docs | Install") goes when og:site_name says so.
 */
export function trimSiteName(title: string, siteName?: string): string {
  const separators = Array.from(title.matchAll(SEPARATOR));
  const last = separators[separators.length - 1];
  if (!last) return title;
  const first = separators[0]!;
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  if (siteName && same(title.slice(0, first.index), siteName)) return title.slice(first.index + first[0].length);
  const head = title.slice(0, last.index);
  const tail = title.slice(last.index + last[0].length);
  if (!/[\p{L}\p{N}]/u.test(head) || VAGUE.test(head.trim()) || head.trim().length < 3) return title;
  const words = tail.split(/\s+/).length;
  if ((siteName && same(tail, siteName)) || words <= (last[0].includes('-') ? 3 : 4)) return head;
  return title;
}

/** `<link rel=canonical>`, else og:url, resolved against `<base>` and `baseUrl`; http(s) only. */
function pageUrl(elements: readonly DomElement[], baseUrl?: string): string | undefined {
  const baseHref = elements.find((element) => element.localName === 'base' && element.hasAttribute('href'))?.getAttribute('href');
  const base = resolve(baseHref ?? undefined, baseUrl) ?? baseUrl;
  const canonical = elements.find(isCanonical)?.getAttribute('href');
  for (const raw of [canonical ?? undefined, metaContent(elements, 'og:url')]) {
    const url = resolve(raw, base);
    if (url && /^https?:$/.test(new URL(url).protocol)) return url;
  }
  return undefined;
}

function isCanonical(link: DomElement): boolean {
  if (link.localName !== 'link' || !link.hasAttribute('href')) return false;
  return (link.getAttribute('rel') ?? '').toLowerCase().split(/\s+/).includes('canonical');
}

function resolve(raw: string | undefined, base: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  try {
    return new URL(value, base).href;
  } catch {
    return undefined;
  }
}

const TITLE_MAX = 256;
/** Controls and the bidirectional overrides that could disguise a title. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** A metadata value on one line, without controls, at most TITLE_MAX characters. */
function oneLine(value: string): string {
  const line = value.replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
  if (line.length <= TITLE_MAX) return line;
  const cut = line.slice(0, TITLE_MAX - 1);
  const wordEnd = cut.lastIndexOf(' ');
  return (wordEnd > TITLE_MAX / 2 ? cut.slice(0, wordEnd) : cut) + '…';
}
