import type { Config } from '../config.js';
import { createEmbedder, type Embedder } from '../embed/embedder.js';
import { loadModel } from '../embed/model.js';

const loaded = new Map<string, Promise<Embedder>>();

/**
 * The query embedder of the configured model, loaded on first use and kept. The bot's Footnote
 * keeps its own embedder to itself, so /gaps loads the same model once more on its first run
 * (about 1 s and the model's memory), rather than on every start for a command moderators run
 * now and then. A failed load is not kept, so the next /gaps tries again.
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
