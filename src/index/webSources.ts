import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import type { SkippedSource, SourceDocument } from '../corpus/document.js';
import { webDocuments } from '../web/documents.js';
import { readCachedPages, refreshWebSources } from '../web/refresh.js';
import { DEFAULT_WEB_SETTINGS, type WebSettings } from '../web/settings.js';
import { parseWebSources } from '../web/sources.js';

export interface WebSummary {
  readonly listed: number;
  readonly fetched: number;
  readonly unchanged: number;
  readonly failed: number;
}

/**
 * The documents of the pages listed in `<CORPUS_DIR>/web.txt`: fetched again first ('refresh':
 * unchanged pages cost a conditional request, a failed one keeps its last good copy) or read
 * from the copies kept on disk ('cache'). No list, no pages. Every problem (a bad line, a page
 * that could not be fetched, one that has no text) is reported the way a bad file is.
 */
export async function loadWebSources(
  config: Pick<Config, 'web' | 'projectRoot'>,
  mode: 'refresh' | 'cache',
  onProgress?: (done: number, total: number) => void,
): Promise<{ documents: SourceDocument[]; skipped: SkippedSource[]; summary?: WebSummary }> {
  const listText = await fs.readFile(config.web.sourcesFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (listText === undefined) return { documents: [], skipped: [] };
  const listSource = path.relative(config.projectRoot, config.web.sourcesFile).split(path.sep).join('/');
  const list = parseWebSources(listText);
  const settings = webSettings(config.web);
  const skipped: SkippedSource[] = list.problems.map((p) => ({ source: `${listSource}:${p.line}`, reason: p.reason }));

  let pages;
  let summary: WebSummary;
  if (mode === 'refresh') {
    const report = await refreshWebSources(list, settings, onProgress);
    pages = report.pages;
    for (const failure of report.failed) {
      skipped.push({ source: failure.url, reason: failure.keptCopy ? `${failure.reason}; the copy fetched before is indexed instead` : failure.reason });
    }
    summary = { listed: list.pages.length + list.sitemaps.length, fetched: report.fetched, unchanged: report.unchanged, failed: report.failed.length };
  } else {
    pages = await readCachedPages(list, settings);
    summary = { listed: list.pages.length + list.sitemaps.length, fetched: 0, unchanged: pages.length, failed: 0 };
  }
  const read = await webDocuments(pages);
  return { documents: read.documents, skipped: [...skipped, ...read.skipped], summary };
}

function webSettings(web: Config['web']): WebSettings {
  return {
    ...DEFAULT_WEB_SETTINGS,
    cacheDir: web.cacheDir,
    timeoutMs: web.timeoutSeconds * 1000,
    maxBytes: web.maxPageBytes,
    maxPagesPerSitemap: web.maxPagesPerSitemap,
    allowPrivateAddresses: web.allowPrivateAddresses,
  };
}
