import type { Config } from './config.js';
import { createEmbedder, type Embedder } from './embed/embedder.js';
import { loadModel, type LoadedModel } from './embed/model.js';
import type { ModelProfile } from './embed/models.js';
import { FootnoteError, isFootnoteError, describeError, fileSystemProblem } from './errors.js';
import { buildIndex, indexSettings, type BuildProgress, type BuildReport, type WebMode } from './index/build.js';
import { buildIndexInWorker } from './index/buildInWorker.js';
import type { DocumentSummary, IndexStore, IndexVersion, WriteHooks } from './index/backend.js';
import { settingsMismatch } from './index/manifest.js';
import type { StoredDocument, StoredPassage } from './index/snapshot.js';
import { indexStore } from './index/stores.js';
import type { Logger } from './log.js';
import { answerQuestion, type Answer } from './search/answer.js';

export type SourceSummary = DocumentSummary;

export interface ReindexOptions {
  readonly full?: boolean;
  /** Fetch web pages again ('refresh', the default) or index the copies already fetched ('cache'). */
  readonly web?: WebMode;
  readonly onProgress?: (progress: BuildProgress) => void;
  readonly hooks?: WriteHooks;
}

/**
 * Footnote's core, as the command line and the Discord bot use it: one loaded model, one live
 * version of the index. Questions are answered from the version served when they arrive; a
 * reindex builds beside it and swaps the reference only once the new version has loaded, so a
 * failed reindex changes nothing that is served.
 */
export interface Footnote {
  readonly config: Config;
  /** The index version being served. */
  readonly index: IndexVersion;
  /** When there was no usable index and opening built one from scratch: that build's report. */
  readonly builtOnOpen?: BuildReport;
  ask(question: string, options?: { limit?: number }): Promise<Answer>;
  /** The model the index was built with, shared by every Footnote of the process (/gaps groups questions with it). */
  readonly embedder: Pick<Embedder, 'modelId' | 'embedQuery'>;
  reindex(options?: ReindexOptions): Promise<BuildReport>;
  readonly reindexing: boolean;
  sources(): readonly SourceSummary[];
  /** A document by exact id, or throws DOCUMENT_NOT_FOUND. */
  document(id: string): Promise<StoredDocument>;
  /**
   * Serves the live version now, if another process (a shard's /reindex, `npm run index`, another
   * host) published one since: opened beside the served one, then swapped in, so questions already
   * asked finish on the old one. Resolves to whether it switched. Does nothing while this Footnote reindexes.
   */
  followCurrent(): Promise<boolean>;
  /** A passage of the index version an answer came from, if that version is still served. */
  passage(version: string, passage: number): Promise<{ passage: StoredPassage; document: StoredDocument } | undefined>;
}

export interface OpenOptions {
  readonly config: Config;
  readonly log: Logger;
  /** Called while a missing or outdated index is built on first use. */
  readonly onProgress?: (progress: BuildProgress) => void;
  /**
   * Reindex in a worker thread (the bot): the model's forward pass blocks its thread, and the
   * bot's must stay free to acknowledge interactions. The CLI builds in-process.
   */
  readonly reindexInWorker?: boolean;
  /**
   * A model already loaded (of `config.embedModel`), to share with other Footnotes (one per corpus,
   * src/corpora.ts) instead of loading another copy; with it, its query embedder too.
   */
  readonly shared?: SharedModel;
}

/** One loaded model and its embedder, shared by every Footnote opened with it. */
export interface SharedModel {
  readonly model: LoadedModel;
  readonly embedder: Embedder;
}

/** Loads the configured model once, for `openFootnote({ shared })`. */
export async function loadSharedModel(config: Pick<Config, 'embedModel' | 'modelDir'>): Promise<SharedModel> {
  const model = await loadModel(config.embedModel, config.modelDir);
  return { model, embedder: createEmbedder(model) };
}

export async function openFootnote({ config, log, onProgress, reindexInWorker = false, shared }: OpenOptions): Promise<Footnote> {
  const { model: loaded, embedder } = shared ?? (await loadSharedModel(config));
  const profile = loaded.profile;
  const store = indexStore(config, log);
  const opened = await openIndex(config, store, embedder, profile, log, onProgress);
  let index = opened.index;
  let running: Promise<BuildReport> | undefined;
  // The live version last acted on: one naming a damaged version is tried once, not on every poll.
  let followed = index.version;
  const threshold = config.answerThreshold ?? profile.answerThreshold;
  const serve = (next: IndexVersion) => {
    retire(index);
    index = next;
    followed = next.version;
  };

  return {
    config,
    embedder,
    ...(opened.built && { builtOnOpen: opened.built }),
    get index() {
      return index;
    },
    get reindexing() {
      return running !== undefined;
    },
    ask: (question, options = {}) => answerQuestion(index, embedder, question, { limit: options.limit ?? config.maxQuotes, threshold, nearMissThreshold: profile.nearMissThreshold }),
    async reindex(options = {}) {
      if (running) throw new FootnoteError('INDEX_BUSY', 'A reindex is already running. Try again when it has finished.');
      running = (async () => {
        const inWorker = reindexInWorker && options.hooks === undefined;
        const report = inWorker
          ? await buildIndexInWorker(config, {
              ...(options.full !== undefined && { full: options.full }),
              ...(options.web && { web: options.web }),
              ...(options.onProgress && { onProgress: options.onProgress }),
            })
          : await buildIndex({ config, embedder, profile, log, ...options });
        if (report.wrote) serve((await store.open()).index);
        return report;
      })();
      try {
        return await running;
      } catch (error) {
        throw indexWriteError(error, store);
      } finally {
        running = undefined;
      }
    },
    async followCurrent() {
      if (running) return false;
      const live = await store.liveVersion();
      if (!live || live === followed || live === index.version) return false;
      followed = live;
      const loaded = await store.open();
      for (const warning of loaded.warnings) log.warn(warning);
      // A reindex started here meanwhile swaps in its own version when done.
      if (running || loaded.index.version === index.version) return false;
      log.info('serving the index version another process wrote', { index: store.location, from: index.version, to: loaded.index.version });
      serve(loaded.index);
      return true;
    },
    sources: () => index.catalog,
    async document(id) {
      const doc = await index.document(id);
      if (!doc) throw new FootnoteError('DOCUMENT_NOT_FOUND', `There is no document with the id '${id}'. \`npm run sources\` (or /sources) lists them.`);
      return doc;
    },
    async passage(version, n) {
      return version === index.version ? index.passage(n) : undefined;
    },
  };
}

/** How long a replaced version stays open for the questions still being answered from it. */
const RETIRE_AFTER_MS = 60_000;

function retire(old: IndexVersion): void {
  if (old.close) setTimeout(() => old.close?.(), RETIRE_AFTER_MS).unref();
}

/**
 * The version to serve: the live one when it matches the model and passage settings; otherwise
 * (none yet, another model, damaged beyond repair) one is built now, and the reason logged.
 */
async function openIndex(config: Config, store: IndexStore, embedder: Embedder, profile: ModelProfile, log: Logger, onProgress?: (p: BuildProgress) => void): Promise<{ index: IndexVersion; built?: BuildReport }> {
  let reason: string;
  try {
    const { index, warnings } = await store.open();
    for (const warning of warnings) log.warn(warning);
    const mismatch = settingsMismatch(index.manifest, indexSettings(config, embedder, profile));
    if (mismatch.length === 0) return { index };
    index.close?.();
    reason = `the index was built with other settings: ${mismatch.join('; ')}`;
  } catch (error) {
    if (!isFootnoteError(error, 'INDEX_MISSING') && !isFootnoteError(error, 'INDEX_CORRUPT') && !isFootnoteError(error, 'INDEX_OUTDATED')) throw error;
    reason = isFootnoteError(error, 'INDEX_MISSING') ? 'there is no index yet' : describeError(error);
  }
  log.info(`Building the index: ${reason}.`);
  const report = await buildIndex({ config, embedder, profile, log, ...(onProgress && { onProgress }) }).catch((error: unknown) => {
    throw indexWriteError(error, store);
  });
  log.info(`Indexed ${report.documents} documents (${report.passages} passages) in ${report.seconds.toFixed(1)} s.`);
  return { index: (await store.open()).index, built: report };
}

/**
 * A build that failed because of the disk (full, read-only, no permission) says so and names
 * INDEX_DIR (or LANCEDB_URI), instead of surfacing as a bug; the version being served is untouched either way.
 */
function indexWriteError(error: unknown, store: IndexStore): unknown {
  const problem = isFootnoteError(error) ? undefined : fileSystemProblem(error);
  if (problem === undefined) return error;
  const at = (error as NodeJS.ErrnoException).path;
  const setting = store.backend === 'lancedb' ? 'LANCEDB_URI' : 'INDEX_DIR';
  return new FootnoteError('INDEX_WRITE_FAILED', `Could not write the index in ${store.location} (${setting}): ${problem}${at ? ` (${at})` : ''}.`, { cause: error });
}
