import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexSnapshot } from '../../src/index/snapshot.js';
import { loadSnapshot, readPassageVectors } from '../../src/index/store.js';
import { build, testModel } from '../helpers/footnote.js';
import { SEED_CORPUS, createWorkspace, removeTempDirs, type Workspace } from '../helpers/workspace.js';

/**
 * The int8 model quantizes activations over the whole input tensor, so in a padded batch a
 * passage's vector would depend on its batch-mates. Footnote embeds every passage on its own:
 * these tests hold it to bit-identical vectors however and wherever a passage is embedded.
 */
const FILES = ['lightfoot-tells-police-not-to-assist-ice.txt', 'mayors-police-reform-blueprint.txt', 'lightfoot-will-not-cooperate-with-ice.txt'];

let full: Workspace;
let fullSnapshot: IndexSnapshot;
let fullVectors: Float32Array;

function corpusWith(files: readonly string[]): Workspace {
  const ws = createWorkspace();
  for (const file of files) fs.copyFileSync(path.join(SEED_CORPUS, file), path.join(ws.corpusDir, file));
  return ws;
}

/** Every passage of `snapshot` as `docId#n → {passage vector, sentence vector rows}` (bits). */
function vectorsByPassage(snapshot: IndexSnapshot, passageVectors: Float32Array): Map<string, { passage: Float32Array; sentences: Int8Array }> {
  const dim = snapshot.manifest.dimension;
  const seen = new Map<number, number>();
  const out = new Map<string, { passage: Float32Array; sentences: Int8Array }>();
  snapshot.passages.forEach((p, i) => {
    const n = seen.get(p.doc) ?? 0;
    seen.set(p.doc, n + 1);
    out.set(`${snapshot.documents[p.doc]!.id}#${n}`, {
      passage: passageVectors.slice(i * dim, (i + 1) * dim),
      sentences: snapshot.sentenceVectors.slice(p.sentenceRow * dim, (p.sentenceRow + p.sentences.length) * dim),
    });
  });
  return out;
}

beforeAll(async () => {
  full = corpusWith(FILES);
  await build(full.config());
  fullSnapshot = (await loadSnapshot(full.indexDir)).snapshot;
  fullVectors = await readPassageVectors(full.indexDir, fullSnapshot);
});
afterAll(removeTempDirs);

describe('batch-invariant vectors', () => {
  it('GIVEN the same sequences embedded alone, all together, in reverse and interleaved with others THEN every vector is bit-identical', async () => {
    const { embedder } = await testModel();
    const texts = ['Chicago police will not assist ICE.', 'The blueprint asks for a use-of-force policy rewritten with the community.', 'Short.', 'A much longer sentence about the mayor, the city council, the police board and the consent decree that governs them.'];
    const sequences = texts.map((t) => ({ pieces: [embedder.tokenize('Title'), embedder.tokenize(t)], pool: [false, true] }));
    const alone = await Promise.all(sequences.map(async (s) => (await embedder.embedSequences([s]))[0]!));
    const together = await embedder.embedSequences(sequences);
    const reversed = (await embedder.embedSequences([...sequences].reverse())).reverse();
    const filler = { pieces: [embedder.tokenize('Something else entirely, padded to another length than the rest of them all.')], pool: [true] };
    const interleaved = (await embedder.embedSequences(sequences.flatMap((s) => [filler, s]))).filter((_, i) => i % 2 === 1);
    for (const other of [together, reversed, interleaved]) {
      other.forEach((embedded, i) => {
        expect(Buffer.from(embedded.vector.buffer).equals(Buffer.from(alone[i]!.vector.buffer))).toBe(true);
        embedded.pieceVectors.forEach((v, p) => expect(Buffer.from(v.buffer).equals(Buffer.from(alone[i]!.pieceVectors[p]!.buffer))).toBe(true));
      });
    }
  });

  it('GIVEN a question embedded twice, and after passages THEN its vector is bit-identical', async () => {
    const { embedder } = await testModel();
    // The query cache would hide a difference: ask through a fresh question text each time.
    const a = await embedder.embedQuery('What did Lightfoot tell ICE about the raids?');
    await embedder.embedSequences([{ pieces: [embedder.tokenize('Filler passage of some length.')], pool: [true] }]);
    const { createEmbedder } = await import('../../src/embed/embedder.js');
    const { loadModel } = await import('../../src/embed/model.js');
    const { MODEL_DIR, DEFAULT_MODEL } = await import('../helpers/workspace.js');
    const fresh = createEmbedder(await loadModel(DEFAULT_MODEL, MODEL_DIR));
    const b = await fresh.embedQuery('What did Lightfoot tell ICE about the raids?');
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('GIVEN a full build of three documents and a build of each document alone THEN passage and sentence vectors are bit-identical', async () => {
    const expected = vectorsByPassage(fullSnapshot, fullVectors);
    for (const file of FILES) {
      const alone = corpusWith([file]);
      await build(alone.config());
      const snapshot = (await loadSnapshot(alone.indexDir)).snapshot;
      const got = vectorsByPassage(snapshot, await readPassageVectors(alone.indexDir, snapshot));
      expect(got.size).toBeGreaterThan(0);
      for (const [key, vectors] of got) {
        const want = expected.get(key)!;
        expect(want, key).toBeDefined();
        expect(Buffer.from(vectors.passage.buffer).equals(Buffer.from(want.passage.buffer)), `${key} passage vector`).toBe(true);
        expect(Buffer.from(vectors.sentences.buffer).equals(Buffer.from(want.sentences.buffer)), `${key} sentence vectors`).toBe(true);
      }
    }
  });

  it('GIVEN an incremental build (one document, then two more added) THEN its vectors are bit-identical to the full build', async () => {
    const ws = corpusWith([FILES[0]!]);
    await build(ws.config());
    for (const file of FILES.slice(1)) fs.copyFileSync(path.join(SEED_CORPUS, file), path.join(ws.corpusDir, file));
    const report = await build(ws.config());
    expect(report.unchanged).toEqual([FILES[0]!.replace(/\.txt$/, '')]);
    const snapshot = (await loadSnapshot(ws.indexDir)).snapshot;
    const got = vectorsByPassage(snapshot, await readPassageVectors(ws.indexDir, snapshot));
    const expected = vectorsByPassage(fullSnapshot, fullVectors);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, vectors] of got) {
      expect(Buffer.from(vectors.passage.buffer).equals(Buffer.from(expected.get(key)!.passage.buffer)), `${key} passage vector`).toBe(true);
      expect(Buffer.from(vectors.sentences.buffer).equals(Buffer.from(expected.get(key)!.sentences.buffer)), `${key} sentence vectors`).toBe(true);
    }
  });
});
