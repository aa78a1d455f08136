/**
 * What `npm run bench:scale` writes: SciFact's real index (real model, real vectors) as
 * VersionParts, and larger corpora derived from it by copying documents with noisy vectors.
 *
 * A derived corpus is SciFact itself (copy 0, unchanged), then copies k = 1, 2, … of its documents
 * in index order (ids `<id>~k`, the same title, text, hash and passages) until the passage count
 * reaches the target (the last copy may be partial). Copy k's vectors are the originals plus
 * Gaussian noise of σ per dimension, renormalised: passage by passage, its vector, then its
 * sentence rows (dequantised ÷127, noise added, renormalised, re-quantised ×127), all drawn from
 * one mulberry32 stream seeded `seed + k` (Box–Muller: two normals per pair of draws).
 */
import { createHash } from 'node:crypto';
import type { VersionParts } from '../src/index/backend.js';
import { embeddedStore } from '../src/index/embedded.js';
import { quantize, SENTENCE_SCALE, type StoredDocument, type StoredPassage } from '../src/index/snapshot.js';
import { seededRandom } from '../test/helpers/random.js';

export const NOISE_SIGMA = 0.02;
export const NOISE_SEED = 0x5ca1e;

/** The live version of an embedded index folder, as the parts a store writes. */
export async function loadParts(indexDir: string): Promise<VersionParts> {
  const reusable = await embeddedStore(indexDir).reusable();
  if (!reusable) throw new Error(`no index in ${indexDir}: run \`MODEL_DIR=../shared/models npm run eval:scifact\` first (~7 minutes)`);
  const { files: _files, ...manifest } = reusable.manifest;
  return { manifest, documents: reusable.documents, passages: reusable.passages, passageVectors: await reusable.passageVectors(), sentenceVectors: reusable.sentenceVectors };
}

/** `base` copied (see above) until it holds at least `target` passages. */
export function scaleParts(base: VersionParts, target: number, sigma = NOISE_SIGMA, seed = NOISE_SEED): VersionParts {
  const dim = base.manifest.dimension;
  const firstPassage: number[] = [];
  base.documents.reduce((n, d) => (firstPassage.push(n), n + d.passageCount), 0);

  // Which (copy, document) pairs, in order; then their passages and sentence rows.
  const picks: { copy: number; doc: number }[] = base.documents.map((_, doc) => ({ copy: 0, doc }));
  let passageTotal = base.passages.length;
  for (let copy = 1; passageTotal < target; copy++) {
    for (let doc = 0; doc < base.documents.length && passageTotal < target; doc++) {
      picks.push({ copy, doc });
      passageTotal += base.documents[doc]!.passageCount;
    }
  }
  const sentencesOf = (p: StoredPassage) => p.sentences.length;
  let rowTotal = 0;
  for (const { doc } of picks) for (let p = 0; p < base.documents[doc]!.passageCount; p++) rowTotal += sentencesOf(base.passages[firstPassage[doc]! + p]!);

  const documents: StoredDocument[] = [];
  const passages: StoredPassage[] = [];
  const passageVectors = new Float32Array(passageTotal * dim);
  const sentenceVectors = new Int8Array(rowTotal * dim);
  const scratch = new Float32Array(dim);
  let normal = gaussian(seededRandom(seed));
  let currentCopy = 0;
  let row = 0;
  for (const { copy, doc } of picks) {
    if (copy !== currentCopy) {
      currentCopy = copy;
      normal = gaussian(seededRandom(seed + copy));
    }
    const source = base.documents[doc]!;
    const docNumber = documents.length;
    documents.push(copy === 0 ? source : { ...source, id: `${source.id}~${copy}` });
    for (let i = 0; i < source.passageCount; i++) {
      const n = firstPassage[doc]! + i;
      const p = base.passages[n]!;
      const at = passages.length;
      passages.push({ ...p, doc: docNumber, sentenceRow: row });
      if (copy === 0) passageVectors.set(base.passageVectors.subarray(n * dim, (n + 1) * dim), at * dim);
      else {
        for (let d = 0; d < dim; d++) scratch[d] = base.passageVectors[n * dim + d]! + sigma * normal();
        passageVectors.set(unit(scratch), at * dim);
      }
      for (let s = 0; s < p.sentences.length; s++, row++) {
        const from = (p.sentenceRow + s) * dim;
        if (copy === 0) {
          sentenceVectors.set(base.sentenceVectors.subarray(from, from + dim), row * dim);
          continue;
        }
        for (let d = 0; d < dim; d++) scratch[d] = base.sentenceVectors[from + d]! / SENTENCE_SCALE + sigma * normal();
        quantize(unit(scratch), sentenceVectors, row * dim);
      }
    }
  }
  const manifest = {
    ...base.manifest,
    passageCount: passages.length,
    sentenceCount: row,
    documents: Object.fromEntries(documents.map((d) => [d.id, d.hash])),
  };
  return { manifest, documents, passages, passageVectors, sentenceVectors };
}

/** The same parts with one document's title marked (and its hash changed), to tell two versions apart. */
export function markDocument(parts: VersionParts, docNumber: number, mark: string): VersionParts {
  const documents = [...parts.documents];
  const doc = documents[docNumber]!;
  const hash = createHash('sha256').update(`${doc.hash}\0${mark}`).digest('hex');
  documents[docNumber] = { ...doc, title: `${doc.title} ${mark}`, hash };
  return { ...parts, documents, manifest: { ...parts.manifest, documents: { ...parts.manifest.documents, [doc.id]: hash } } };
}

function gaussian(random: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - random(); // (0, 1]: log(u) is finite
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

function unit(v: Float32Array): Float32Array {
  let norm = 0;
  for (let d = 0; d < v.length; d++) norm += v[d]! * v[d]!;
  const scale = 1 / Math.sqrt(norm);
  for (let d = 0; d < v.length; d++) v[d] = v[d]! * scale;
  return v;
}
