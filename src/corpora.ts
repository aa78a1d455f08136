import { corpusConfig, type Config } from './config.js';
import type { BuildProgress } from './index/build.js';
import type { Logger } from './log.js';
import { loadSharedModel, openFootnote, type Footnote, type SharedModel } from './service.js';

/**
 * Every corpus the bot answers from: the default one (CORPUS_DIR, INDEX_DIR) and one per server
 * listed in CORPORA, each a Footnote with its own index, all sharing one loaded model.
 */
export interface Corpora {
  readonly default: Footnote;
  /** The default first, then the listed servers' in CORPORA order. */
  readonly all: readonly Footnote[];
  /**
   * The Footnote of the server `guildId`: its own corpus when CORPORA lists it, otherwise (a server
   * not listed, a direct message: null or undefined) the default. Callers pass the id of the server
   * the interaction or message came from, never a value a member typed, so nobody reaches another
   * server's corpus.
   */
  forGuild(guildId: string | null | undefined): Footnote;
}

export interface OpenCorporaOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly reindexInWorker?: boolean;
  /** Progress of an index built on opening, with the corpus it is for. */
  readonly onProgress?: (progress: BuildProgress, corpusDir: string) => void;
  /** A model already loaded; by default the configured one is loaded here, once. */
  readonly shared?: SharedModel;
}

/** Loads the model once and opens the default corpus and every server's, one after the other. */
export async function openCorpora({ config, log, reindexInWorker, onProgress, shared }: OpenCorporaOptions): Promise<Corpora> {
  const model = shared ?? (await loadSharedModel(config));
  const open = (own: Config) =>
    openFootnote({
      config: own,
      log,
      shared: model,
      ...(reindexInWorker !== undefined && { reindexInWorker }),
      ...(onProgress && { onProgress: (p: BuildProgress) => onProgress(p, own.corpusDir) }),
    });
  const fallback = await open(config);
  const byGuild = new Map<string, Footnote>();
  for (const corpus of config.corpora) {
    log.info('opening the corpus of a server', { guild: corpus.guildId, corpus: corpus.corpusDir, index: corpus.indexDir });
    byGuild.set(corpus.guildId, await open(corpusConfig(config, corpus)));
  }
  return corporaOf(fallback, byGuild);
}

/** Corpora from Footnotes already open: `byGuild` maps server ids to theirs (tests, one corpus). */
export function corporaOf(fallback: Footnote, byGuild: ReadonlyMap<string, Footnote> = new Map()): Corpora {
  return {
    default: fallback,
    all: [fallback, ...byGuild.values()],
    forGuild: (guildId) => (guildId ? byGuild.get(guildId) : undefined) ?? fallback,
  };
}
