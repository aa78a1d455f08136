/**
 * A writer that dies at the worst moment: it takes the writer's lease, writes a complete new index
 * version (the live one with its first document retitled) and is SIGKILLed by its `beforeCommit`
 * hook, after every file or table version is written and before the version is published. Run as
 * `node --import tsx test/helpers/crash-writer.ts` with the configuration in the environment.
 */
import { loadConfig } from '../../src/config.js';
import { indexStore } from '../../src/index/stores.js';
import { UNPUBLISHED_MARK } from './crash-mark.js';

const store = indexStore(loadConfig(process.env, process.cwd()));
await store.lease();
const live = await store.reusable();
if (!live) throw new Error('crash-writer: there is no live version to change');
await store.write(
  {
    manifest: { ...live.manifest, createdAt: new Date().toISOString() },
    documents: live.documents.map((d, i) => (i === 0 ? { ...d, title: d.title + UNPUBLISHED_MARK } : d)),
    passages: live.passages,
    passageVectors: await live.passageVectors(),
    sentenceVectors: live.sentenceVectors,
  },
  {
    beforeCommit: () => {
      process.kill(process.pid, 'SIGKILL');
      return new Promise<void>(() => undefined);
    },
  },
);
throw new Error('crash-writer: the write went through');
