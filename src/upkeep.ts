import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { describeError, isFootnoteError } from './errors.js';
import type { Logger } from './log.js';
import type { Footnote } from './service.js';

export interface UpkeepOptions {
  readonly footnote: Pick<Footnote, 'reindex'>;
  readonly config: Pick<Config, 'corpusDir' | 'refreshHours' | 'watchCorpus'>;
  readonly log: Logger;
  /** Quiet time after the last change before reindexing: editors save in bursts. */
  readonly debounceMs?: number;
  /** The refresh period; default INDEX_REFRESH_HOURS (tests use milliseconds). */
  readonly refreshEveryMs?: number;
}

export interface Upkeep {
  stop(): void;
}

const DEFAULT_DEBOUNCE_MS = 3_000;

/**
 * Keeps the index current while the bot runs: every INDEX_REFRESH_HOURS it reindexes (which
 * re-checks web pages; unchanged ones cost one conditional request and no embedding), and with
 * WATCH_CORPUS it reindexes once the corpus folder has been quiet for a few seconds after a
 * change. Both are ordinary incremental reindexes: the old index answers meanwhile, a failure
 * is logged and leaves it in place, and one that finds a reindex already running is retried
 * (a change) or left for the next period (the schedule).
 */
export function startUpkeep({ footnote, config, log, debounceMs = DEFAULT_DEBOUNCE_MS, refreshEveryMs }: UpkeepOptions): Upkeep {
  const timers: NodeJS.Timeout[] = [];
  let watcher: fs.FSWatcher | undefined;
  let pending: NodeJS.Timeout | undefined;
  let stopped = false;

  const reindex = async (why: string, retryWhenBusy: boolean): Promise<void> => {
    if (stopped) return;
    try {
      const report = await footnote.reindex({ web: why === 'corpus changed' ? 'cache' : 'refresh' });
      if (report.wrote) log.info(`Reindexed (${why}): ${report.added.length} added, ${report.changed.length} changed, ${report.removed.length} removed.`);
      else log.debug(`Reindex (${why}): nothing changed.`);
    } catch (error) {
      if (isFootnoteError(error, 'INDEX_BUSY') && retryWhenBusy) return schedule(why);
      log.warn(`Reindex (${why}) failed; the previous index is still served: ${describeError(error)}`);
    }
  };
  const schedule = (why: string) => {
    if (stopped) return;
    clearTimeout(pending);
    pending = setTimeout(() => void reindex(why, true), debounceMs);
  };

  if (config.refreshHours !== undefined) {
    const every = refreshEveryMs ?? config.refreshHours * 3_600_000;
    timers.push(setInterval(() => void reindex('scheduled refresh', false), every));
    log.info(`Refreshing web pages and the index every ${config.refreshHours} h.`);
  }
  if (config.watchCorpus) {
    try {
      watcher = fs.watch(config.corpusDir, { recursive: true }, (_event, name) => {
        // Editors' swap and backup files are not documents.
        if (name && /(^|[\\/])(\.[^\\/]*\.swp|[^\\/]*~|\.#[^\\/]*)$/.test(name)) return;
        schedule('corpus changed');
      });
      watcher.on('error', (error) => log.warn(`Watching ${config.corpusDir} stopped: ${describeError(error)}`));
      log.info(`Watching ${path.relative(process.cwd(), config.corpusDir) || '.'} for changes.`);
    } catch (error) {
      log.warn(`Cannot watch ${config.corpusDir} (WATCH_CORPUS): ${describeError(error)}`);
    }
  }
  return {
    stop() {
      stopped = true;
      clearTimeout(pending);
      for (const timer of timers) clearInterval(timer);
      watcher?.close();
    },
  };
}
