import { createHash } from 'node:crypto';
import type { DocumentMetadata, SourceDocument, Span } from '../document.js';
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
}

/** Assembles a SourceDocument: title (given or derived), unquotable spans, content hash. */
export function makeDocument(parts: DocumentParts): SourceDocument {
  const bodyStart = parts.bodyStart ?? 0;
  const title = parts.metadata.title ?? deriveTitle(parts.text, bodyStart, parts.fallbackTitle);
  const unquotable: Span[] = [
    ...(bodyStart > 0 ? [{ start: 0, end: bodyStart }] : []),
    ...(parts.extraUnquotable ?? []),
    ...findFurniture(parts.text, bodyStart),
  ].sort((a, b) => a.start - b.start);
  const { url, publisher, date } = parts.metadata;
  const hash = createHash('sha256')
    .update(JSON.stringify([parts.text, title, url ?? null, publisher ?? null, date ?? null]))
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
    unquotable,
    hash,
  };
}

/** "police-reform/blueprint_2020" → "blueprint 2020": a last-resort title. */
export function titleFromPath(idBase: string): string {
  const name = idBase.split('/').pop() ?? idBase;
  return name.replace(/[-_]+/g, ' ').trim() || 'Untitled';
}
