import { ancestor, descendants, isHeading, type DomElement } from './dom.js';

/** Set on every heading before Readability runs: it survives its rewriting (h1 → h2, unwrapping). */
export const HEADING_MARK = 'data-footnote-heading';

const SECTION = new Set(['section']);

/**
 * Numbers the page's headings (HEADING_MARK) and returns, by number, the fragment id a link can
 * jump to for each, or undefined. `elements` are all of the page's, in order, read before
 * anything rewrites it.
 */
export function markHeadings(elements: readonly DomElement[]): (string | undefined)[] {
  let targets: Set<string> | undefined;
  const hasTarget = (id: string) => (targets ??= pageTargets(elements)).has(id);
  return elements.filter(isHeading).map((heading, index) => {
    heading.setAttribute(HEADING_MARK, String(index));
    return headingAnchor(heading, hasTarget);
  });
}

/**
 * The heading's own id; else an `<a id>`/`<a name>` in it or just before it; else a permalink in
 * it (`<a href="#install">¶</a>`) whose target exists; else the id of a `<section>` it heads.
 */
function headingAnchor(heading: DomElement, hasTarget: (id: string) => boolean): string | undefined {
  const own = idOf(heading);
  if (own) return own;
  const links = descendants(heading).filter((element) => element.localName === 'a');
  for (const link of links) {
    const id = idOf(link) ?? nameOf(link);
    if (id) return id;
  }
  const before = heading.previousElementSibling;
  if (before?.localName === 'a' && (before.textContent ?? '').trim() === '') {
    const id = idOf(before) ?? nameOf(before);
    if (id) return id;
  }
  for (const link of links) {
    const href = link.getAttribute('href') ?? '';
    const target = href.startsWith('#') ? decodeFragment(href.slice(1)) : '';
    if (target && hasTarget(target)) return target;
  }
  const section = ancestor(heading, SECTION);
  if (section && descendants(section).find(isHeading) === heading) return idOf(section);
  return undefined;
}

function idOf(element: DomElement): string | undefined {
  return element.getAttribute('id')?.trim() || undefined;
}

function nameOf(element: DomElement): string | undefined {
  return element.getAttribute('name')?.trim() || undefined;
}

/** Every fragment a link into the page can name: ids, and the names of `<a name>` anchors. */
function pageTargets(elements: readonly DomElement[]): Set<string> {
  const targets = new Set<string>();
  for (const element of elements) {
    const id = idOf(element);
    if (id) targets.add(id);
    const name = element.localName === 'a' ? nameOf(element) : undefined;
    if (name) targets.add(name);
  }
  return targets;
}

function decodeFragment(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}
