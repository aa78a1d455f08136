import fs from 'node:fs/promises';
import path from 'node:path';
import { WEB_SOURCES_FILE } from '../config.js';
import { isSupported } from './read.js';
import { listFiles } from './walk.js';

/**
 * A cheap look before reading the whole corpus: true when no file in the corpus folder (sidecars
 * included) was modified after `since`, and the documents' files are exactly `indexedSources`
 * (paths relative to the project root, as documents cite them). Reading the corpus parses every
 * PDF and HTML file, seconds for a large one, so `ask` compares contents only when this says
 * something may have changed. A file rewritten during a build but dated before it ended is not
 * noticed here; the next `npm run index` compares contents and picks it up.
 */
export async function corpusUnchangedSince(corpusDir: string, projectRoot: string, indexedSources: ReadonlySet<string>, since: number): Promise<boolean> {
  const all = await listFiles(corpusDir, () => true, () => undefined);
  const webList = path.join(corpusDir, WEB_SOURCES_FILE);
  const sources = new Set<string>();
  for (const file of all) {
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat || stat.mtimeMs > since) return false;
    if (isSupported(file) && file !== webList) sources.add(path.relative(projectRoot, file).split(path.sep).join('/'));
  }
  if (sources.size !== indexedSources.size) return false;
  for (const source of indexedSources) if (!sources.has(source)) return false;
  return true;
}
