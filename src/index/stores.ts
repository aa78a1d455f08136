import type { Config } from '../config.js';
import type { IndexStore } from './backend.js';
import { embeddedStore } from './embedded.js';
// Loads nothing native: @lancedb/lancedb is imported on the backend's first use.
import { lancedbStore } from './lancedb/index.js';

/** The store INDEX_BACKEND names, for this corpus's index: the one place that chooses a backend. */
export function indexStore(config: Pick<Config, 'indexDir' | 'index'>): IndexStore {
  switch (config.index.backend) {
    case 'embedded':
      return embeddedStore(config.indexDir);
    case 'lancedb':
      return lancedbStore(config.index.lancedbUri, { keepVersions: config.index.keepVersions });
  }
}
