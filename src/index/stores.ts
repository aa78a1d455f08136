import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { IndexStore } from './backend.js';
import { embeddedStore } from './embedded.js';
// Loads nothing native: @lancedb/lancedb is imported on the backend's first use.
import { lancedbStore } from './lancedb/index.js';

/**
 * The store INDEX_BACKEND names, for this corpus's index: the one place that chooses a backend.
 * `log` hears what does not fail a write (LanceDB's cleanup of old versions).
 */
export function indexStore(config: Pick<Config, 'indexDir' | 'index'>, log?: Pick<Logger, 'warn'>): IndexStore {
  switch (config.index.backend) {
    case 'embedded':
      return embeddedStore(config.indexDir);
    case 'lancedb':
      return lancedbStore(config.index.lancedbUri, { keepVersions: config.index.keepVersions, ...(log && { onWarning: (message: string) => log.warn(message) }) });
  }
}
