import fs from 'node:fs/promises';
import path from 'node:path';
import type { SourceSummary } from '../service.js';
import { CurateRefusal } from './refusal.js';

export type Origin = 'discord-message' | 'discord-upload' | 'file' | 'web-page' | 'collection';

const MESSAGE_LINK = /^https:\/\/discord\.com\/channels\/\d+\/\d+\/\d+(?:[#?]|$)/;

/** Where a document came from: a Discord message, a file uploaded on Discord, a file, a web page, a JSONL record. */
export function originOf(doc: Pick<SourceSummary, 'source' | 'url'>): Origin {
  if (/^https?:\/\//.test(doc.source)) return 'web-page';
  if (doc.url && MESSAGE_LINK.test(doc.url)) return 'discord-message';
  if (/\.jsonl$/i.test(doc.source)) return 'collection';
  if (/\/discord\/\d+\/upload-\d+\.[a-z]+$/.test(doc.source)) return 'discord-upload';
  return 'file';
}

export const ORIGIN_LABEL: Record<Origin, string> = {
  'discord-message': 'Discord message',
  'discord-upload': 'file uploaded on Discord',
  file: 'file',
  'web-page': 'web page',
  collection: 'record of a collection file',
};

/**
 * The files that make up a document, relative to the corpus folder: its own file and sidecar, and
 * for a saved Discord message (`discord/<g>/<m>.md`) the attachments saved beside it (`<m>-<n>.*`).
 * Web pages (listed in web.txt) and JSONL records (one line of a bigger file) cannot be removed this way.
 */
export async function documentFiles(corpusDir: string, projectRoot: string, doc: Pick<SourceSummary, 'source' | 'url' | 'title'>): Promise<string[]> {
  const origin = originOf(doc);
  if (origin === 'web-page') throw new CurateRefusal('That document is a web page: remove its line from web.txt in the corpus folder instead.');
  if (origin === 'collection') throw new CurateRefusal('That document is one record of a JSONL file: edit that file instead.');
  const absolute = path.resolve(projectRoot, doc.source);
  const relative = path.relative(path.resolve(corpusDir), absolute);
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new CurateRefusal('That document is not in the corpus folder.');
  const posix = relative.split(path.sep).join('/');
  const extension = path.extname(posix);
  const stem = posix.slice(0, -extension.length);
  const files = [posix];
  const folder = path.dirname(absolute);
  const names = await fs.readdir(folder).catch(() => [] as string[]);
  const base = path.basename(stem);
  if (names.includes(`${base}.meta.json`)) files.push(`${stem}.meta.json`);
  if (origin === 'discord-message' && /^discord\/\d+\/\d+$/.test(stem)) {
    const dir = path.posix.dirname(stem);
    for (const name of names.sort()) if (new RegExp(`^${base}-\\d+\\.(?:pdf|html|meta\\.json)$`).test(name)) files.push(`${dir}/${name}`);
  }
  return files;
}
