import type { Config } from '../config.js';
import { FootnoteError } from '../errors.js';
import type { IndexStore } from './backend.js';
import { embeddedStore } from './embedded.js';

/** The store INDEX_BACKEND names, for this corpus's index: the one place that chooses a backend. */
export function indexStore(config: Pick<Config, 'indexDir' | 'index'>): IndexStore {
  switch (config.index.backend) {
    case 'embedded':
      return embeddedStore(config.indexDir);
    case 'lancedb':
      return lazyLancedbStore(config.index.lancedbUri, config.index.keepVersions);
  }
}

/** Until the LanceDB store lands (next commit): refused with a clear message. */
function lazyLancedbStore(uri: string, _keepVersions: number): IndexStore {
  throw new FootnoteError('CONFIG_INVALID', `INDEX_BACKEND=lancedb (${uri}) is not available in this build yet.`);
}
