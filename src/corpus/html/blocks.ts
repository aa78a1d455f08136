import { HEADING_MARK } from './anchors.js';
import { isChrome, type Scope } from './chrome.js';
import { childElements, descendants, isElement, TEXT_NODE, type DomElement, type DomNode } from './dom.js';

/** One block of a page's text: a paragraph, heading, list item, table row, code block… */
export interface Block {
  /** One line, except where the page breaks it (`<br>`, `<pre>`). */
  readonly text: string;
  /** The blocks of one list, table or definition list share a group: they go on consecutive lines. */
  readonly group?: number;
  /** For a heading: its number on the page (HEADING_MARK), when it has one. */
  readonly heading?: { readonly index?: number };
}

interface Frame {
  readonly group?: number;
  readonly listDepth: number;
  readonly pre: boolean;
  readonly heading?: { readonly index?: number };
  /** An ordered list's next number. */
  readonly counter?: { next: number };
  /** A list item's bullet, until its first block takes it. */
  readonly bullet?: { text: string; used: boolean };
}

const BREAK = '\u0000';
const BLOCKS = new Set(
  ('address article aside blockquote body center details dialog div fieldset figcaption figure footer form header hgroup ' +
    'legend main p section summary caption tbody thead tfoot tr td th').split(' '),
);
const HEADING_TAG = /^h([1-6])$/;
const HAS_WORD = /[\p{L}\p{N}]/u;
/** Controls other than tab and line breaks, soft hyphens, zero-width spaces and BOMs: invisible on the page. */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u200b\u2060\ufeff]/g;
/** A cell holding any of these makes a table a layout grid rather than data. */
const LAYOUT_TABLE = new Set(['table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'article', 'section', 'main']);
const ROW_GROUPS = new Set(['thead', 'tbody', 'tfoot']);
/**
 * Deeper than this (thousands of unclosed `<font>` or `<div>` tags), an element's text is read
 * in one piece instead of walked, so the reader cannot run out of stack.
 */
const MAX_DEPTH = 400;

/** The blocks of `root`'s content, in order, leaving out page chrome (see chrome.ts). */
export function readBlocks(root: DomElement, scope: Scope): Block[] {
  const reader = new BlockReader(scope);
  reader.children(root);
  reader.flush();
  return reader.blocks;
}

class BlockReader {
  readonly blocks: Block[] = [];
  private parts: string[] = [];
  private frame: Frame = { listDepth: 0, pre: false };
  private groups = 0;
  private depth = 0;

  constructor(private readonly scope: Scope) {}

  children(element: DomElement): void {
    if (this.depth >= MAX_DEPTH) {
      this.parts.push((element.textContent ?? '').replace(INVISIBLE, ''));
      return;
    }
    this.depth++;
    for (let node = element.firstChild; node; node = node.nextSibling) this.node(node);
    this.depth--;
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const raw = this.parts.join('');
    this.parts = [];
    const { frame } = this;
    let text = frame.pre ? preformatted(raw) : collapse(raw);
    if (frame.heading) text = text.replace(/\n+/g, ' ');
    if (!HAS_WORD.test(text)) return;
    if (frame.bullet) {
      text = (frame.bullet.used ? ' '.repeat(frame.bullet.text.length) : frame.bullet.text) + text.replace(/\n/g, '\n' + ' '.repeat(frame.bullet.text.length));
      frame.bullet.used = true;
    }
    this.blocks.push({ text, ...(frame.group !== undefined && { group: frame.group }), ...(frame.heading && { heading: frame.heading }) });
  }

  private node(node: DomNode): void {
    if (node.nodeType === TEXT_NODE) {
      const text = (node.textContent ?? '').replace(INVISIBLE, '');
      if (text !== '') this.parts.push(text);
      return;
    }
    if (!isElement(node) || isChrome(node, this.scope)) return;
    const tag = node.localName;
    if (tag === 'br') {
      this.parts.push(BREAK);
      return;
    }
    if (tag === 'a' && this.frame.heading && isPermalink(node)) return;
    const level = HEADING_TAG.exec(tag);
    if (level) return this.block(node, { ...this.frame, heading: { ...headingIndex(node) } });
    switch (tag) {
      case 'hr':
        return this.flush();
      case 'pre':
        return this.block(node, { ...this.frame, pre: true });
      case 'ul':
      case 'ol':
      case 'menu':
      case 'dl':
        return this.block(node, {
          ...this.frame,
          group: this.frame.listDepth > 0 && this.frame.group !== undefined ? this.frame.group : ++this.groups,
          listDepth: this.frame.listDepth + 1,
          ...(tag === 'ol' ? { counter: { next: listStart(node) } } : { counter: undefined }),
        });
      case 'li': {
        const indent = '  '.repeat(Math.max(0, this.frame.listDepth - 1));
        const marker = this.frame.counter ? `${this.frame.counter.next++}. ` : '- ';
        return this.block(node, { ...this.frame, bullet: { text: indent + marker, used: false } });
      }
      case 'dt':
      case 'dd':
        return this.block(node, { ...this.frame, bullet: undefined });
      case 'table':
        if (isLayoutTable(node)) return this.block(node, this.frame);
        return this.table(node);
    }
    if (BLOCKS.has(tag)) return this.block(node, this.frame);
    this.children(node);
  }

  /** `element` as a block of its own, read in `frame`. */
  private block(element: DomElement, frame: Frame): void {
    this.flush();
    const outer = this.frame;
    this.frame = frame;
    this.children(element);
    this.flush();
    this.frame = outer;
  }

  /**
   * A data table: its caption, then one line per row with the cells joined by " | ", so a row's
   * key and values stay in one sentence ("max_tabs | 12 | …") and a quote of it reads as the record.
   */
  private table(table: DomElement): void {
    this.flush();
    const outer = this.frame;
    this.frame = { ...outer, group: ++this.groups, bullet: undefined };
    for (const part of childElements(table)) {
      if (part.localName === 'caption') this.push(this.inline(part));
      const rows = part.localName === 'tr' ? [part] : ROW_GROUPS.has(part.localName) ? childElements(part) : [];
      for (const row of rows) {
        if (row.localName !== 'tr' || isChrome(row, this.scope)) continue;
        const cells = childElements(row).filter((cell) => (cell.localName === 'td' || cell.localName === 'th') && !isChrome(cell, this.scope));
        this.push(cells.map((cell) => this.inline(cell)).filter((text) => text !== '').join(' | '));
      }
    }
    this.frame = outer;
  }

  private push(text: string): void {
    this.parts.push(text);
    this.flush();
  }

  /** An element's text on one line (a table cell, a caption). */
  private inline(element: DomElement): string {
    return readBlocks(element, this.scope)
      .map((block) => block.text.replace(/\s+/g, ' ').trim())
      .join(' ');
  }
}

/** Runs of white space as one space, `<br>` as a line break, no blank line at either end or two in a row. */
function collapse(raw: string): string {
  return tidyLines(raw.split(BREAK).map((line) => line.replace(/\s+/g, ' ').trim()));
}

/** `<pre>` text as laid out, without trailing spaces or blank lines at either end. */
function preformatted(raw: string): string {
  return tidyLines(raw.replaceAll(BREAK, '\n').replace(/\r\n?/g, '\n').split('\n').map((line) => line.replace(/\s+$/, '')));
}

function tidyLines(lines: string[]): string {
  const kept: string[] = [];
  for (const line of lines) {
    if (line === '' && (kept.length === 0 || kept[kept.length - 1] === '')) continue;
    kept.push(line);
  }
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  return kept.join('\n');
}

function headingIndex(heading: DomElement): { index?: number } {
  const mark = heading.getAttribute(HEADING_MARK);
  return mark !== null && /^\d+$/.test(mark) ? { index: Number(mark) } : {};
}

/** A "¶" or "#" link next to a heading's text, which only exists to be copied. */
function isPermalink(link: DomElement): boolean {
  return (link.getAttribute('href') ?? '').startsWith('#') && !HAS_WORD.test(link.textContent ?? '');
}

function listStart(list: DomElement): number {
  const start = Number.parseInt(list.getAttribute('start') ?? '', 10);
  return Number.isFinite(start) ? start : 1;
}

function isLayoutTable(table: DomElement): boolean {
  return table.getAttribute('role') === 'presentation' || descendants(table).some((element) => LAYOUT_TABLE.has(element.localName));
}
