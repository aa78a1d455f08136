import { createHash } from 'node:crypto';
import type { DocumentMetadata, Section, SourceDocument, Span } from '../document.js';
import { findFurniture } from '../furniture.js';
import { deriveTitle } from '../metadata.js';

interface DocumentParts {
  id: string;
  source: string;
  text: string;
  metadata: DocumentMetadata;
  bodyStart?: number;
  firstLine?: number;
  linesFollowText?: boolean;
  extraUnquotable?: readonly Span[];
  fallbackTitle: string;
  hasLines?: boolean;
  sections?: readonly Section[];
  pageStarts?: readonly number[];
}

/** Assembles a SourceDocument: title (given or derived), unquotable spans, content hash. */
export function makeDocument(parts: DocumentParts): SourceDocument {
  const bodyStart = parts.bodyStart ?? 0;
  const title = parts.metadata.title ?? deriveTitle(parts.text, bodyStart, parts.fallbackTitle);
  const unquotable: Span[] = [
    ...(bodyStart > 0 ? [{ start: 0, end: bodyStart }] : []),
    ...(parts.extraUnquotable ?? []),
    ...findFurniture(parts.text, bodyStart),
    ...headlineLine(parts.text, bodyStart, title),
  ].sort((a, b) => a.start - b.start);
  const { url, publisher, date } = parts.metadata;
  const hash = createHash('sha256')
    // Where quotes are cited (sections, pages) counts too; it is left out when absent, so the
    // hashes of plain-text documents stay what they were and their passages are reused.
    .update(JSON.stringify([parts.text, title, url ?? null, publisher ?? null, date ?? null, ...(parts.sections || parts.pageStarts ? [parts.sections ?? null, parts.pageStarts ?? null] : [])]))
    .digest('hex');
  return {
    id: parts.id,
    source: parts.source,
    text: parts.text,
    title,
    ...(url && { url }),
    ...(publisher && { publisher }),
    ...(date && { date }),
    firstLine: parts.firstLine ?? 1,
    linesFollowText: parts.linesFollowText ?? true,
    ...(parts.hasLines === false && { hasLines: false }),
    ...(parts.sections && parts.sections.length > 0 && { sections: parts.sections }),
    ...(parts.pageStarts && { pageStarts: parts.pageStarts }),
    unquotable,
    hash,
  };
}

/**
 * The first line, when it is the title itself: every citation already shows the title, so
 * quoting the headline as an answer would only repeat it (it still helps retrieval, as the title).
 */
function headlineLine(text: string, from: number, title: string): Span[] {
  const match = /^[ \t]*\n*[ \t]*([^\n]*)/.exec(text.slice(from));
  if (!match) return [];
  const line = match[1]!.trim();
  if (line === '' || line !== title) return [];
  const start = from + match[0].length - match[1]!.length;
  return [{ start, end: start + match[1]!.length }];
}

/** "police-reform/blueprint_2020" → "blueprint 2020": a last-resort title. */
export function titleFromPath(idBase: string): string {
  const name = idBase.split('/').pop() ?? idBase;
  return name.replace(/[-_]+/g, ' ').trim() || 'Untitled';
}
