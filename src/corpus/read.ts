import fs from 'node:fs/promises';
import path from 'node:path';
import { WEB_SOURCES_FILE } from '../config.js';
import { FootnoteError } from '../errors.js';
import type { DocumentMetadata, SkippedSource, SourceDocument } from './document.js';
import { parseJsonl } from './formats/jsonl.js';
import { parseMarkdown } from './formats/md.js';
import { parseTxt } from './formats/txt.js';
import { parseHtml } from './formats/html.js';
import { parsePdf } from './formats/pdf.js';
import type { FormatReader } from './formats/types.js';
import { pickMetadata } from './metadata.js';
import { decodeText } from './decode.js';
import { listFiles } from './walk.js';

const text = (parse: FormatReader['parse']): FormatReader => ({ binary: false, parse });
const READERS: Record<string, FormatReader> = {
  '.txt': text(parseTxt),
  '.md': text(parseMarkdown),
  '.markdown': text(parseMarkdown),
  '.jsonl': text(parseJsonl),
  '.html': text(parseHtml),
  '.htm': text(parseHtml),
  '.pdf': { binary: true, parse: parsePdf },
};
const MAX_FILE_BYTES = 256 * 1024 * 1024;

export interface Corpus {
  readonly documents: SourceDocument[];
  readonly skipped: SkippedSource[];
}

/**
 * Reads every supported file below `corpusDir` (sorted, so ids are stable). A file that cannot be
 * used (empty, binary, not UTF-8 or UTF-16, unreadable, a symlink leading out of the corpus, or a
 * duplicate id) is listed in `skipped` with the reason and never stops the rest. When two
 * documents share an id, the first in this order is kept: files by path, a JSONL file's records by line,
 * files reached through symlinks after all the others. `web.txt` at the top of the folder lists web
 * pages to fetch (src/web/) and is not a document.
 */
export async function readCorpus(corpusDir: string, projectRoot: string): Promise<Corpus> {
  const stat = await fs.stat(corpusDir).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new FootnoteError('CORPUS_NOT_FOUND', `The corpus folder ${corpusDir} does not exist. Set CORPUS_DIR to a folder of .txt, .md, .jsonl, .html or .pdf files.`);
  }
  const documents: SourceDocument[] = [];
  const skipped: SkippedSource[] = [];
  const relative = (absolute: string) => toPosix(path.relative(projectRoot, absolute));
  const seen = new Map<string, string>();

  const files = await listFiles(corpusDir, isSupported, (absolute, reason) => skipped.push({ source: relative(absolute), reason }));
  const webList = path.join(corpusDir, WEB_SOURCES_FILE);
  for (const absolute of files.filter((file) => file !== webList)) {
    const source = relative(absolute);
    const extension = path.extname(absolute).toLowerCase();
    const reader = READERS[extension]!;
    const loaded = reader.binary ? await loadBytes(absolute) : await loadText(absolute);
    if ('reason' in loaded) {
      skipped.push({ source, reason: loaded.reason });
      continue;
    }
    const idBase = toPosix(path.relative(corpusDir, absolute)).slice(0, -extension.length);
    const sidecar = await readSidecar(absolute, extension, skipped, projectRoot);
    const parsed = await reader.parse({ source, idBase, text: '', bytes: EMPTY, ...loaded, sidecar });
    skipped.push(...parsed.skipped);
    for (const doc of parsed.documents) {
      const other = seen.get(doc.id);
      if (other !== undefined) {
        skipped.push({ source: citedSource(doc), reason: `duplicate id '${doc.id}': already used by ${other}, which is kept (rename one of them)` });
        continue;
      }
      seen.set(doc.id, citedSource(doc));
      documents.push(doc);
    }
  }
  return { documents, skipped };
}

/** Where a document is: its file, and for a JSONL record the line (`data.jsonl:7`). */
function citedSource(doc: SourceDocument): string {
  return doc.linesFollowText ? doc.source : `${doc.source}:${doc.firstLine}`;
}

const EMPTY = new Uint8Array(0);

/** A file whose extension one of the readers takes. */
export function isSupported(name: string): boolean {
  return READERS[path.extname(name).toLowerCase()] !== undefined;
}

async function loadBytes(file: string): Promise<{ bytes: Uint8Array } | { reason: string }> {
  try {
    const { size } = await fs.stat(file);
    if (size > MAX_FILE_BYTES) return { reason: `too large (${Math.round(size / 2 ** 20)} MiB; the limit is 256 MiB)` };
    if (size === 0) return { reason: 'empty file' };
    return { bytes: await fs.readFile(file) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { reason: code === 'EACCES' ? 'unreadable (permission denied)' : `unreadable (${code ?? 'error'})` };
  }
}

async function loadText(file: string): Promise<{ text: string } | { reason: string }> {
  const loaded = await loadBytes(file);
  if ('reason' in loaded) return loaded;
  const decoded = decodeText(loaded.bytes);
  if ('reason' in decoded) return decoded;
  if (decoded.text.replace(/^\uFEFF/, '').trim() === '') return { reason: 'empty file' };
  return decoded;
}

/** `notes.txt` may have metadata in `notes.meta.json`: {"title", "url", "publisher", "date"}. */
async function readSidecar(file: string, extension: string, skipped: SkippedSource[], projectRoot: string): Promise<DocumentMetadata> {
  if (extension === '.jsonl') return {};
  const sidecar = file.slice(0, -extension.length) + '.meta.json';
  const source = toPosix(path.relative(projectRoot, sidecar));
  let raw: string;
  try {
    raw = await fs.readFile(sidecar, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(raw.replace(/^\uFEFF/, ''));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const { metadata, problems } = pickMetadata(parsed as Record<string, unknown>);
      for (const problem of problems) skipped.push({ source, reason: problem });
      return metadata;
    }
  } catch {
    /* reported below */
  }
  skipped.push({ source, reason: 'metadata ignored: not a JSON object' });
  return {};
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
