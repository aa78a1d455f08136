import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SourceDocument } from '../corpus/document.js';
import { readCorpus } from '../corpus/read.js';
import { CurateRefusal } from './refusal.js';
import type { CorpusFile } from './files.js';
import { insideCorpus } from './files.js';

/**
 * Parses `files` with the corpus readers in a temporary folder laid out as they would be in the
 * corpus (sidecars included), before anything is moved into the corpus. Returns each document
 * file's documents; a file the corpus would skip (empty, not UTF-8, a PDF with no text…) is
 * refused with the reader's own reason, naming `label(file)`.
 */
export async function checkDocumentFiles(files: readonly CorpusFile[], label: (file: CorpusFile) => string): Promise<Map<string, SourceDocument[]>> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'footnote-upload-'));
  try {
    const corpusDir = path.join(root, 'corpus');
    for (const file of files) {
      const target = insideCorpus(corpusDir, file.relative);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, file.data);
    }
    const { documents, skipped } = await readCorpus(corpusDir, root);
    const found = new Map<string, SourceDocument[]>();
    for (const file of files) {
      if (file.relative.endsWith('.meta.json')) continue;
      const source = `corpus/${file.relative}`;
      const problem = skipped.find((s) => s.source === source || s.source.startsWith(`${source}:`));
      const docs = documents.filter((d) => d.source === source);
      if (problem || docs.length === 0) throw new CurateRefusal(`Refused ${label(file)}: ${problem?.reason ?? 'no text could be read from it'}. Nothing was changed.`);
      if (!docs.some(hasQuotableText)) throw new CurateRefusal(`Refused ${label(file)}: it has no text. Nothing was changed.`);
      found.set(file.relative, docs);
    }
    return found;
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

/** Some letter or digit outside the spans the corpus never quotes (front matter, furniture). */
function hasQuotableText(doc: SourceDocument): boolean {
  let text = doc.text;
  for (const span of doc.unquotable) text = text.slice(0, span.start) + ' '.repeat(span.end - span.start) + text.slice(span.end);
  return /[\p{L}\p{N}]/u.test(text);
}
