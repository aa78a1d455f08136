import type { Config } from './config.js';
import { createEmbedder, type Embedder } from './embed/embedder.js';
import { loadModel, type LoadedModel } from './embed/model.js';
import type { ModelProfile } from './embed/models.js';
import { FootnoteError, isFootnoteError, describeError, fileSystemProblem } from './errors.js';
import { buildIndex, indexSettings, type BuildProgress, type BuildReport, type WebMode } from './index/build.js';
import { buildIndexInWorker } from './index/buildInWorker.js';
import { settingsMismatch } from './index/manifest.js';
import type { IndexSnapshot, StoredDocument, StoredPassage } from './index/snapshot.js';
import { loadSnapshot, readCurrentVersion, type WriteHooks } from './index/store.js';
import type { Logger } from './log.js';
import { answerQuestion, type Answer } from './search/answer.js';

export interface SourceSummary {
  readonly id: string;
  readonly title: string;
  readonly source: string;
  readonly passages: number;
  readonly url?: string;
}

export interface ReindexOptions {
  readonly full?: boolean;
  /** Fetch web pages again ('refresh', the default) or index the copies already fetched ('cache'). */
  readonly web?: WebMode;
  readonly onProgress?: (progress: BuildProgress) => void;
  readonly hooks?: WriteHooks;
}

/**
 * Footnote's core, as the command line and the Discord bot use it: one loaded model, one live
 * snapshot of the index. Questions are answered from the snapshot current when they arrive; a
 * reindex builds beside it and swaps the reference only once the new version has loaded, so a
 * failed reindex changes nothing that is served.
 */
export interface Footnote {
  readonly config: Config;
  readonly snapshot: IndexSnapshot;
  /** When there was no usable index and opening built one from scratch: that build's report. */
  readonly builtOnOpen?: BuildReport;
  ask(question: string, options?: { limit?: number }): Promise<Answer>;
  /** The model the index was built with, shared by every Footnote of the process (/gaps groups questions with it). */
  readonly embedder: Pick<Embedder, 'modelId' | 'embedQuery'>;
  reindex(options?: ReindexOptions): Promise<BuildReport>;
  readonly reindexing: boolean;
  sources(): SourceSummary[];
  /** A document by exact id, or throws DOCUMENT_NOT_FOUND. */
  document(id: string): StoredDocument;
  /**
   * Serves the version CURRENT names now, if another process (a shard's /reindex, `npm run index`)
   * wrote one since: loaded beside the served snapshot, then swapped in, so questions already asked
   * finish on the old one. Resolves to whether it switched. Does nothing while this Footnote reindexes.
   */
  followCurrent(): Promise<boolean>;
  /** A passage of the snapshot version an answer came from, if that version is still served. */
  passage(version: string, passage: number): { passage: StoredPassage; document: StoredDocument } | undefined;
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
  const opened = await openSnapshot(config, embedder, profile, log, onProgress);
  let snapshot = opened.snapshot;
  let running: Promise<BuildReport> | undefined;
  // The CURRENT last acted on: a CURRENT naming a damaged version is tried once, not on every poll.
  let followed = snapshot.version;
  const threshold = config.answerThreshold ?? profile.answerThreshold;

  return {
    config,
    embedder,
    ...(opened.built && { builtOnOpen: opened.built }),
    get snapshot() {
      return snapshot;
    },
    get reindexing() {
      return running !== undefined;
    },
    ask: (question, options = {}) => answerQuestion(snapshot, embedder, question, { limit: options.limit ?? config.maxQuotes, threshold, nearMissThreshold: profile.nearMissThreshold }),
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
        if (report.wrote) snapshot = (await loadSnapshot(config.indexDir)).snapshot;
        return report;
      })();
      try {
        return await running;
      } catch (error) {
        throw indexWriteError(error, config.indexDir);
      } finally {
        running = undefined;
      }
    },
    async followCurrent() {
      if (running) return false;
      const current = await readCurrentVersion(config.indexDir);
      if (!current || current === followed || current === snapshot.version) return false;
      followed = current;
      const loaded = await loadSnapshot(config.indexDir);
      for (const warning of loaded.warnings) log.warn(warning);
      // A reindex started here meanwhile swaps in its own version when done.
      if (running || loaded.snapshot.version === snapshot.version) return false;
      log.info('serving the index version another process wrote', { index: config.indexDir, from: snapshot.version, to: loaded.snapshot.version });
      snapshot = loaded.snapshot;
      return true;
    },
    sources: () =>
      snapshot.documents.map((d) => ({ id: d.id, title: d.title, source: d.source, passages: d.passageCount, ...(d.url && { url: d.url }) })),
    document(id) {
      const doc = snapshot.documents.find((d) => d.id === id);
      if (!doc) throw new FootnoteError('DOCUMENT_NOT_FOUND', `There is no document with the id '${id}'. \`npm run sources\` (or /sources) lists them.`);
      return doc;
    },
    passage(version, n) {
      if (version !== snapshot.version) return undefined;
      const passage = snapshot.passages[n];
      return passage && { passage, document: snapshot.documents[passage.doc]! };
    },
  };
}

/**
 * The snapshot to serve: the stored one when it matches the model and passage settings;
 * otherwise (none yet, another model, damaged beyond repair) one is built now, and the reason logged.
 */
async function openSnapshot(config: Config, embedder: Embedder, profile: ModelProfile, log: Logger, onProgress?: (p: BuildProgress) => void): Promise<{ snapshot: IndexSnapshot; built?: BuildReport }> {
  let reason: string;
  try {
    const { snapshot, warnings } = await loadSnapshot(config.indexDir);
    for (const warning of warnings) log.warn(warning);
    const mismatch = settingsMismatch(snapshot.manifest, indexSettings(config, embedder, profile));
    if (mismatch.length === 0) return { snapshot };
    reason = `the index was built with other settings: ${mismatch.join('; ')}`;
  } catch (error) {
    if (!isFootnoteError(error, 'INDEX_MISSING') && !isFootnoteError(error, 'INDEX_CORRUPT') && !isFootnoteError(error, 'INDEX_OUTDATED')) throw error;
    reason = isFootnoteError(error, 'INDEX_MISSING') ? 'there is no index yet' : describeError(error);
  }
  log.info(`Building the index: ${reason}.`);
  const report = await buildIndex({ config, embedder, profile, log, ...(onProgress && { onProgress }) }).catch((error: unknown) => {
    throw indexWriteError(error, config.indexDir);
  });
  log.info(`Indexed ${report.documents} documents (${report.passages} passages) in ${report.seconds.toFixed(1)} s.`);
  return { snapshot: (await loadSnapshot(config.indexDir)).snapshot, built: report };
}

/**
 * A build that failed because of the disk (full, read-only, no permission) says so and names
 * INDEX_DIR, instead of surfacing as a bug; the version being served is untouched either way.
 */
function indexWriteError(error: unknown, indexDir: string): unknown {
  const problem = isFootnoteError(error) ? undefined : fileSystemProblem(error);
  if (problem === undefined) return error;
  const at = (error as NodeJS.ErrnoException).path;
  return new FootnoteError('INDEX_WRITE_FAILED', `Could not write the index in ${indexDir} (INDEX_DIR): ${problem}${at ? ` (${at})` : ''}.`, { cause: error });
}
