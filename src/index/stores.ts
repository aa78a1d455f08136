import type { Config } from '../config.js';
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

/** The LanceDB store, its module (and LanceDB's native library) loaded on first use only. */
function lazyLancedbStore(uri: string, keepVersions: number): IndexStore {
  let loaded: Promise<IndexStore> | undefined;
  const store = () => (loaded ??= import('./lancedb/store.js').then(({ lancedbStore }) => lancedbStore(uri, { keepVersions })));
  return {
    backend: 'lancedb',
    location: uri,
    open: async () => (await store()).open(),
    liveVersion: async () => (await store()).liveVersion(),
    reusable: async () => (await store()).reusable(),
    write: async (parts, hooks) => (await store()).write(parts, hooks),
    lease: async () => (await store()).lease(),
  };
}
