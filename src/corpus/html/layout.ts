import type { Section, Span } from '../document.js';
import type { Block } from './blocks.js';

/**
 * The blocks as one text: a blank line between blocks, a single line break between the items
 * of one list or the rows of one table. Headings become sections (with the anchor of their
 * number) and unquotable spans.
 */
export function layOut(blocks: readonly Block[], anchors: readonly (string | undefined)[]): { text: string; sections: Section[]; headings: Span[] } {
  const parts: string[] = [];
  const sections: Section[] = [];
  const headings: Span[] = [];
  let length = 0;
  let previous: Block | undefined;
  for (const block of blocks) {
    if (previous) {
      const gap = block.group !== undefined && block.group === previous.group ? '\n' : '\n\n';
      parts.push(gap);
      length += gap.length;
    }
    if (block.heading) {
      const anchor = block.heading.index === undefined ? undefined : anchors[block.heading.index];
      sections.push({ start: length, title: block.text, ...(anchor && { anchor }) });
      headings.push({ start: length, end: length + block.text.length });
    }
    parts.push(block.text);
    length += block.text.length;
    previous = block;
  }
  return { text: parts.join(''), sections, headings };
}
