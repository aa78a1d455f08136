import fs from 'node:fs/promises';
import path from 'node:path';
import { FootnoteError } from '../errors.js';
import type { DocumentMetadata, SkippedSource, SourceDocument } from './document.js';
import { parseJsonl } from './formats/jsonl.js';
import { parseMarkdown } from './formats/md.js';
import { parseTxt } from './formats/txt.js';
import type { FormatParser } from './formats/types.js';
import { pickMetadata } from './metadata.js';

const PARSERS: Record<string, FormatParser> = {
  '.txt': parseTxt,
  '.md': parseMarkdown,
  '.markdown': parseMarkdown,
  '.jsonl': parseJsonl,
};
const MAX_FILE_BYTES = 256 * 1024 * 1024;

export interface Corpus {
  readonly documents: SourceDocument[];
  readonly skipped: SkippedSource[];
}

/**
 * Reads every supported file below `corpusDir` (sorted, so ids are stable). A file that cannot be
 * used (empty, binary, not UTF-8, unreadable, or a duplicate id) is listed in `skipped` with the
 * reason and never stops the rest.
 */
export async function readCorpus(corpusDir: string, projectRoot: string): Promise<Corpus> {
  const stat = await fs.stat(corpusDir).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new FootnoteError('CORPUS_NOT_FOUND', `The corpus folder ${corpusDir} does not exist. Set CORPUS_DIR to a folder of .txt, .md or .jsonl files.`);
  }
  const documents: SourceDocument[] = [];
  const skipped: SkippedSource[] = [];
  const seen = new Map<string, string>();

  for (const absolute of await listFiles(corpusDir)) {
    const source = toPosix(path.relative(projectRoot, absolute));
    const extension = path.extname(absolute).toLowerCase();
    const parse = PARSERS[extension]!;
    const loaded = await loadText(absolute);
    if ('reason' in loaded) {
      skipped.push({ source, reason: loaded.reason });
      continue;
    }
    const idBase = toPosix(path.relative(corpusDir, absolute)).slice(0, -extension.length);
    const sidecar = await readSidecar(absolute, extension, skipped, projectRoot);
    const parsed = parse({ source, idBase, text: loaded.text, sidecar });
    skipped.push(...parsed.skipped);
    for (const doc of parsed.documents) {
      const other = seen.get(doc.id);
      if (other !== undefined) {
        skipped.push({ source: doc.source, reason: `duplicate document id '${doc.id}' (already used by ${other})` });
        continue;
      }
      seen.set(doc.id, doc.source);
      documents.push(doc);
    }
  }
  return { documents, skipped };
}

async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const absolute = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(absolute)));
    else if (entry.isFile() && PARSERS[path.extname(entry.name).toLowerCase()]) found.push(absolute);
  }
  return found;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

async function loadText(file: string): Promise<{ text: string } | { reason: string }> {
  let bytes: Buffer;
  try {
    const { size } = await fs.stat(file);
    if (size > MAX_FILE_BYTES) return { reason: `too large (${Math.round(size / 2 ** 20)} MiB; the limit is 256 MiB)` };
    bytes = await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { reason: code === 'EACCES' ? 'unreadable (permission denied)' : `unreadable (${code ?? 'error'})` };
  }
  if (bytes.subarray(0, 8192).includes(0)) return { reason: 'binary file (contains NUL bytes), not text' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { reason: 'not valid UTF-8 text (save it as UTF-8)' };
  }
  if (text.replace(/^\uFEFF/, '').trim() === '') return { reason: 'empty file' };
  return { text };
}

/** `notes.txt` may have metadata in `notes.meta.json`: {"title", "url", "publisher", "date"}. */
async function readSidecar(file: string, extension: string, skipped: SkippedSource[], projectRoot: string): Promise<DocumentMetadata> {
  if (extension === '.jsonl') return {};
  const sidecar = file.slice(0, -extension.length) + '.meta.json';
  let raw: string;
  try {
    raw = await fs.readFile(sidecar, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return pickMetadata(parsed as Record<string, unknown>);
  } catch {
    /* reported below */
  }
  skipped.push({ source: toPosix(path.relative(projectRoot, sidecar)), reason: 'metadata ignored: not a JSON object' });
  return {};
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
