import type { Section, SourceDocument } from './document.js';
import { lastAtOrBefore, lineOf } from './lines.js';

type Locatable = Pick<SourceDocument, 'text' | 'firstLine' | 'linesFollowText' | 'hasLines' | 'sections' | 'pageStarts'>;

/**
 * Where a slice of a document is, in the terms its format offers a reader: lines for files that
 * have them, the section (nearest heading) for HTML, pages for PDF. Lines are always filled in
 * (they locate the slice in the stored text), `hasLines` says whether a citation should show them.
 */
export interface Location {
  /** 1-based, inclusive. */
  readonly lineStart: number;
  readonly lineEnd: number;
  readonly hasLines: boolean;
  /** The heading of the section the slice starts in. */
  readonly section?: string;
  /** The `id` a link can jump to for that section. */
  readonly anchor?: string;
  /** 1-based, inclusive. */
  readonly pageStart?: number;
  readonly pageEnd?: number;
}

/** The location of `doc.text.slice(start, end)`. */
export function locate(doc: Locatable, start: number, end: number): Location {
  const section = sectionAt(doc.sections, start);
  const last = Math.max(start, end - 1);
  return {
    lineStart: lineOf(doc, start),
    lineEnd: lineOf(doc, last),
    hasLines: doc.hasLines !== false,
    ...(section && { section: section.title }),
    ...(section?.anchor && { anchor: section.anchor }),
    ...(doc.pageStarts && doc.pageStarts.length > 0 && { pageStart: pageAt(doc.pageStarts, start), pageEnd: pageAt(doc.pageStarts, last) }),
  };
}

/** The last section starting at or before `offset`. */
function sectionAt(sections: readonly Section[] | undefined, offset: number): Section | undefined {
  if (!sections) return undefined;
  let found: Section | undefined;
  for (const section of sections) {
    if (section.start > offset) break;
    found = section;
  }
  return found;
}

/** 1-based page holding `offset`. */
function pageAt(pageStarts: readonly number[], offset: number): number {
  return lastAtOrBefore(pageStarts, offset) + 1;
}
