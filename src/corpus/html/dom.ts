import { DOMParser } from 'linkedom';

/** The little of the DOM this reader uses: the project compiles without TypeScript's DOM library. */
export interface DomNode {
  readonly nodeType: number;
  readonly firstChild: DomNode | null;
  readonly nextSibling: DomNode | null;
  readonly textContent: string | null;
}

export interface DomElement extends DomNode {
  readonly localName: string;
  readonly parentElement: DomElement | null;
  readonly previousElementSibling: DomElement | null;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): ArrayLike<DomElement>;
  closest(selectors: string): DomElement | null;
  remove(): void;
}

export interface DomDocument {
  readonly documentElement: DomElement;
  readonly body: DomElement | null;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): ArrayLike<DomElement>;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

export function isElement(node: DomNode): node is DomElement {
  return node.nodeType === ELEMENT_NODE;
}

/** The elements below `root`, in document order (linkedom's selector engine is slow for this). */
export function descendants(root: DomElement): DomElement[] {
  const found: DomElement[] = [];
  const pending: DomNode[] = [];
  for (let node = root.firstChild; node; ) {
    if (isElement(node)) found.push(node);
    if (isElement(node) && node.firstChild) {
      if (node.nextSibling) pending.push(node.nextSibling);
      node = node.firstChild;
    } else {
      node = node.nextSibling ?? pending.pop() ?? null;
    }
  }
  return found;
}

/** The nearest ancestor of `element` (not itself) named one of `tags`. */
export function ancestor(element: DomElement, tags: ReadonlySet<string>): DomElement | undefined {
  for (let parent = element.parentElement; parent; parent = parent.parentElement) if (tags.has(parent.localName)) return parent;
  return undefined;
}

export const HEADING_TAGS: ReadonlySet<string> = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

export function isHeading(element: DomElement): boolean {
  return HEADING_TAGS.has(element.localName);
}

/** How many elements deep the tree below `root` goes, counting up to `limit` at most. */
export function depthBelow(root: DomElement, limit: number): number {
  let deepest = 0;
  const pending: [DomElement, number][] = [[root, 0]];
  while (pending.length > 0) {
    const [element, depth] = pending.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest >= limit) return limit;
    for (let node = element.firstChild; node; node = node.nextSibling) if (isElement(node)) pending.push([node, depth + 1]);
  }
  return deepest;
}

/** The element children of `element`. */
export function childElements(element: DomElement): DomElement[] {
  const found: DomElement[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) if (isElement(node)) found.push(node);
  return found;
}

const COMMENTS = /<!--[\s\S]*?(?:-->|$)/g;
const SCRIPTS = /<(script|style)\b[^>]*>[\s\S]*?(?:<\/\1\s*>|$)/gi;
const BODY_TAG = /<body\b[^>]*>/i;
const HEAD_END = /<\/head\s*>/i;
const PAGE_TAGS = /<!doctype[^>]*>|<\/?(?:html|head|body)\b[^>]*>/gi;

/**
 * Parses a page with linkedom. Its parser is not the browsers' tree builder: a page without
 * `<html>`/`<body>`, or with text after `</body>`, loses content. So the page is rebuilt around a
 * fresh skeleton first (head part, body part), with comments, scripts and styles removed, which
 * browsers never show either.
 */
export function parsePage(html: string): DomDocument {
  const cleaned = html.replace(COMMENTS, '').replace(SCRIPTS, '');
  const bodyTag = BODY_TAG.exec(cleaned);
  const headEnd = bodyTag ? undefined : HEAD_END.exec(cleaned);
  const split = bodyTag ? { at: bodyTag.index, after: bodyTag.index + bodyTag[0].length } : headEnd ? { at: headEnd.index, after: headEnd.index + headEnd[0].length } : { at: 0, after: 0 };
  const head = cleaned.slice(0, split.at).replace(PAGE_TAGS, '');
  const body = cleaned.slice(split.after).replace(PAGE_TAGS, '');
  const page = `<!DOCTYPE html><html><head>${head}</head><body>${body}</body></html>`;
  return new DOMParser().parseFromString(page, 'text/html') as unknown as DomDocument;
}
