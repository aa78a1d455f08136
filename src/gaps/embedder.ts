import type { Config } from '../config.js';
import { createEmbedder, type Embedder } from '../embed/embedder.js';
import { loadModel } from '../embed/model.js';

const loaded = new Map<string, Promise<Embedder>>();

/**
 * The query embedder of the configured model, for `npm run gaps` (the bot passes the one it has),
 * loaded on first use and kept. A failed load is not kept, so the next call tries again.
 */
export function questionEmbedder(config: Pick<Config, 'embedModel' | 'modelDir'>): Promise<Embedder> {
  const key = `${config.modelDir ?? ''}\0${config.embedModel}`;
  let embedder = loaded.get(key);
  if (!embedder) {
    embedder = loadModel(config.embedModel, config.modelDir).then((model) => createEmbedder(model, { queryCacheSize: 5000 }));
    embedder.catch(() => loaded.delete(key));
    loaded.set(key, embedder);
  }
  return embedder;
}
