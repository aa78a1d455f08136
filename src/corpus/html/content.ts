import { Readability } from '@mozilla/readability';
import { readBlocks, type Block } from './blocks.js';
import { removeChrome } from './chrome.js';
import { depthBelow, isHeading, type DomDocument, type DomElement } from './dom.js';

/** Below this much text, Readability's pick is not trusted over the page's own `<main>` or `<body>`. */
const READABLE_MIN = 200;
/**
 * Readability's time grows far faster than the page on deep trees (1,000 nested `<div>`s take
 * seconds, 5,000 minutes) and with the number of elements; past these, the fallback is used.
 */
const READABLE_MAX_DEPTH = 120;
const READABLE_MAX_ELEMENTS = 40_000;
/** Readability keeping less than this share of an explicit `<main>` or `<article>` has dropped content. */
const READABLE_SHARE_MIN = 0.5;

/**
 * The blocks of the page's main content. Readability picks it on most pages; on short or
 * list-like ones (a small FAQ) it finds little, and the page's `<main>`, `<article>` or
 * `[role=main]` (else `<body>`) read without its chrome is used instead. Readability rewrites
 * the page: call this last.
 */
export function mainContent(doc: DomDocument, elements: readonly DomElement[]): Block[] {
  const { root, explicit } = fallbackRoot(doc, elements);
  const fallback = root ? readBlocks(root, explicit ? 'content' : 'page') : [];
  const readable = readableBlocks(doc, elements);
  if (!readable) return fallback;
  const readableLength = textLength(readable);
  const fallbackLength = textLength(fallback);
  if (readableLength < READABLE_MIN && fallbackLength > readableLength) return fallback;
  if (explicit && readableLength < fallbackLength * READABLE_SHARE_MIN) return fallback;
  return withTitleHeading(readable, fallback);
}

function fallbackRoot(doc: DomDocument, elements: readonly DomElement[]): { root: DomElement | null | undefined; explicit: boolean } {
  const articles = elements.filter((element) => element.localName === 'article');
  const root =
    elements.find((element) => element.localName === 'main') ??
    elements.find((element) => element.getAttribute('role')?.trim().toLowerCase() === 'main') ??
    (articles.length === 1 ? articles[0] : undefined);
  return root ? { root, explicit: true } : { root: doc.body, explicit: false };
}

function readableBlocks(doc: DomDocument, elements: readonly DomElement[]): Block[] | undefined {
  if (!doc.body || elements.length > READABLE_MAX_ELEMENTS || depthBelow(doc.body, READABLE_MAX_DEPTH) >= READABLE_MAX_DEPTH) return undefined;
  try {
    removeChrome(doc.body);
    // Readability drops a heading whose id or class sounds like chrome ("contact", "comments")
    // yet keeps the text under it, which would then be cited under the wrong section. The
    // anchors were read already.
    for (const heading of elements.filter(isHeading)) {
      heading.removeAttribute('id');
      heading.removeAttribute('class');
    }
    const article = new Readability<DomElement>(doc as never, { serializer: (node) => node as unknown as DomElement, keepClasses: true, disableJSONLD: true }).parse();
    const blocks = article?.content ? readBlocks(article.content, 'content') : [];
    return blocks.length > 0 ? blocks : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Readability drops the heading that repeats the page title. Put it back when the page has it
 * (the fallback's first block, an h1 before every heading Readability kept): it heads the
 * opening section and carries its anchor.
 */
function withTitleHeading(readable: Block[], fallback: readonly Block[]): Block[] {
  const first = fallback[0];
  const index = first?.heading?.index;
  if (!first || index === undefined) return readable;
  const kept = readable.filter((block) => block.heading?.index !== undefined).map((block) => block.heading!.index!);
  if (kept.includes(index) || kept.some((other) => other < index)) return readable;
  return [first, ...readable];
}

function textLength(blocks: readonly Block[]): number {
  let length = 0;
  for (const block of blocks) if (!block.heading) length += block.text.length;
  return length;
}
