import { isFootnoteError } from '../errors.js';
import type { DocumentSummary, IndexStore, IndexVersion, PassageView, ReusableVersion, VersionParts, WriteHooks } from './backend.js';
import { buildLexicalIndex } from './lexical.js';
import { lexicalText, type IndexSnapshot } from './snapshot.js';
import { acquireIndexLock, loadSnapshot, readCurrentVersion, readPassageVectors, writeSnapshot } from './store.js';
import { buildVectorIndex } from './vectors.js';

/**
 * The default backend: each version is a folder of files under INDEX_DIR (store.ts), loaded whole
 * into the process that serves it: hnswlib's graph, our BM25 postings, every passage and its
 * sentence vectors. Right for one community's bot; many processes each hold their own copy.
 */
export function embeddedStore(indexDir: string): IndexStore {
  return {
    backend: 'embedded',
    location: indexDir,
    async open() {
      const { snapshot, warnings } = await loadSnapshot(indexDir);
      return { index: embeddedVersion(snapshot), warnings };
    },
    liveVersion: () => readCurrentVersion(indexDir),
    async reusable() {
      let snapshot: IndexSnapshot;
      try {
        snapshot = (await loadSnapshot(indexDir)).snapshot;
      } catch (error) {
        if (isFootnoteError(error, 'INDEX_MISSING')) return undefined;
        throw error;
      }
      return reusableSnapshot(indexDir, snapshot);
    },
    write: (parts: VersionParts, hooks?: WriteHooks) => {
      const vectors = buildVectorIndex(parts.passageVectors, parts.manifest.dimension);
      const lexical = buildLexicalIndex(parts.passages.map((p) => lexicalText(parts.documents[p.doc]!, p)));
      return writeSnapshot(indexDir, { ...parts, vectors, lexical }, hooks);
    },
    lease: () => acquireIndexLock(indexDir),
  };
}

function reusableSnapshot(indexDir: string, snapshot: IndexSnapshot): ReusableVersion {
  const { version, manifest, documents, passages, sentenceVectors } = snapshot;
  return { version, manifest, documents, passages, sentenceVectors, passageVectors: () => readPassageVectors(indexDir, snapshot) };
}

/** A loaded snapshot as a version to answer from: every question's view is the whole snapshot. */
export function embeddedVersion(snapshot: IndexSnapshot): IndexVersion {
  const view: PassageView = {
    version: snapshot.version,
    dimension: snapshot.manifest.dimension,
    documents: snapshot.documents,
    passages: snapshot.passages,
    sentenceVectors: snapshot.sentenceVectors,
    idf: (term) => snapshot.lexical.idf(term),
    similarity: (vector, passage) => snapshot.vectors.similarity(vector, passage),
  };
  const catalog: DocumentSummary[] = snapshot.documents.map((d) => ({ id: d.id, title: d.title, source: d.source, passages: d.passageCount, ...(d.url && { url: d.url }) }));
  const byId = new Map(snapshot.documents.map((d) => [d.id, d]));
  return {
    backend: 'embedded',
    version: snapshot.version,
    manifest: snapshot.manifest,
    catalog,
    search: async (vector, question, limit) => ({ dense: snapshot.vectors.search(vector, limit), lexical: snapshot.lexical.search(question, limit) }),
    view: async () => view,
    document: async (id) => byId.get(id),
    async passage(n) {
      const passage = snapshot.passages[n];
      return passage && { passage, document: snapshot.documents[passage.doc]! };
    },
  };
}
