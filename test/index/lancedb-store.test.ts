import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VersionParts } from '../../src/index/backend.js';
import { analyze } from '../../src/index/analyze.js';
import { lancedbStore } from '../../src/index/lancedb/index.js';
import { buildLexicalIndex } from '../../src/index/lexical.js';
import { FORMAT_VERSION, type IndexManifest } from '../../src/index/manifest.js';
import { lexicalText, quantize, type StoredDocument, type StoredPassage } from '../../src/index/snapshot.js';
import { HNSW_PARAMS } from '../../src/index/vectors.js';
import { isFootnoteError } from '../../src/errors.js';
import { seededRandom } from '../helpers/random.js';

/**
 * The LanceDB backend against a dataset in a temporary folder, with versions built by hand (random
 * unit vectors; no model): what is written reads back, searches find what they should, and
 * publishing is atomic for readers.
 */
const DIMENSION = 8;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'footnote-lancedb-'));
  dirs.push(dir);
  return dir;
}

interface DocSpec {
  id: string;
  title: string;
  sentences: string[];
  url?: string;
  publisher?: string;
  date?: string;
  hasLines?: boolean;
  sections?: StoredDocument['sections'];
  pageStarts?: number[];
}

const BASE_DOCS: DocSpec[] = [
  {
    id: 'council/budget',
    title: 'City council passes the budget',
    url: 'https://example.org/budget',
    publisher: 'Example Gazette',
    date: '2024-03-01',
    sentences: [
      'The council approved the budget on Tuesday.',
      'Spending on parks rises by four percent.',
      "The mayor's office said the vote was close.",
      'Police overtime was cut by 1,400 hours.',
      'Libraries will open on Sundays again.',
    ],
    sections: [{ start: 0, title: 'Vote', anchor: 'vote' }],
  },
  {
    id: 'brewing',
    title: 'Notes on brewing',
    hasLines: true,
    sentences: ['Zymurgy is the study of fermentation.', 'Yeast turns sugar into alcohol.', 'Brewers measure gravity before and after.'],
    pageStarts: [0, 40],
  },
  {
    id: "o'hare/noise",
    title: "Noise complaints near O'Hare",
    sentences: ['Residents filed complaints about night flights.', 'The airport said runways rotate weekly.', 'A study of noise levels is due in spring.', 'Flights over the lake were proposed.'],
  },
];

/** A version built by hand: passages of two sentences (one shared with the next), random unit vectors. */
function makeParts(specs: DocSpec[] = BASE_DOCS, seed = 1, extraPassages = 0): VersionParts {
  const random = seededRandom(seed);
  const unit = () => {
    const v = new Float32Array(DIMENSION).map(() => random() * 2 - 1);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const documents: StoredDocument[] = [];
  const passages: StoredPassage[] = [];
  let sentenceCount = 0;
  const sentenceRows: Float32Array[] = [];
  specs.forEach((spec, docNumber) => {
    const text = spec.sentences.join(' ');
    const spans = spec.sentences.map((s) => {
      const start = text.indexOf(s);
      return { start, end: start + s.length };
    });
    const first = passages.length;
    for (let i = 0; i < spans.length; i += 1) {
      const sentences = spans.slice(i, i + 2);
      if (i > 0 && sentences.length < 2) break;
      passages.push({ doc: docNumber, start: sentences[0]!.start, end: sentences.at(-1)!.end, lineStart: 1, lineEnd: 1, sentences, sentenceRow: sentenceCount });
      sentenceCount += sentences.length;
      for (let s = 0; s < sentences.length; s++) sentenceRows.push(unit());
    }
    documents.push({
      id: spec.id,
      source: `corpus/${spec.id}.txt`,
      title: spec.title,
      ...(spec.url && { url: spec.url }),
      ...(spec.publisher && { publisher: spec.publisher }),
      ...(spec.date && { date: spec.date }),
      hash: `hash-${spec.id}-${seed}`,
      text,
      firstLine: 1,
      linesFollowText: true,
      ...(spec.hasLines !== undefined && { hasLines: spec.hasLines }),
      ...(spec.sections && { sections: spec.sections }),
      ...(spec.pageStarts && { pageStarts: spec.pageStarts }),
      passageCount: passages.length - first,
    });
  });
  // Filler passages (for a table large enough to get a vector index), all in one extra document.
  if (extraPassages > 0) {
    const docNumber = documents.length;
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
    const sentences = Array.from({ length: extraPassages }, (_, i) => `Filler ${words[i % 8]} ${words[(i >> 3) % 8]} number ${i}.`);
    const text = sentences.join(' ');
    let at = 0;
    for (const s of sentences) {
      passages.push({ doc: docNumber, start: at, end: at + s.length, lineStart: 1, lineEnd: 1, sentences: [{ start: at, end: at + s.length }], sentenceRow: sentenceCount });
      at += s.length + 1;
      sentenceCount += 1;
      sentenceRows.push(unit());
    }
    documents.push({ id: 'filler', source: 'corpus/filler.txt', title: 'Filler', hash: 'hash-filler', text, firstLine: 1, linesFollowText: true, passageCount: extraPassages });
  }
  const passageVectors = new Float32Array(passages.length * DIMENSION);
  passages.forEach((_, i) => passageVectors.set(unit(), i * DIMENSION));
  const sentenceVectors = new Int8Array(sentenceCount * DIMENSION);
  sentenceRows.forEach((v, i) => quantize(v, sentenceVectors, i * DIMENSION));
  const manifest: IndexManifest = {
    formatVersion: FORMAT_VERSION,
    modelId: 'test/random',
    dimension: DIMENSION,
    pooling: 'mean',
    queryPrefix: '',
    passageMaxTokens: 128,
    passageOverlapSentences: 1,
    hnsw: HNSW_PARAMS,
    createdAt: new Date(2024, 0, seed).toISOString(),
    passageCount: passages.length,
    sentenceCount,
    documents: Object.fromEntries(documents.map((d) => [d.id, d.hash])),
  };
  return { manifest, documents, passages, passageVectors, sentenceVectors };
}

function vectorOf(parts: VersionParts, passage: number): Float32Array {
  return parts.passageVectors.slice(passage * DIMENSION, (passage + 1) * DIMENSION);
}

function sentenceBytes(parts: VersionParts, passage: StoredPassage): Int8Array {
  return parts.sentenceVectors.slice(passage.sentenceRow * DIMENSION, (passage.sentenceRow + passage.sentences.length) * DIMENSION);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('the LanceDB store', () => {
  it('reads back what it wrote: manifest, catalog, documents, passages, sentence vectors', async () => {
    const store = lancedbStore(freshDir());
    const parts = makeParts();
    const version = await store.write(parts);
    expect(version).toMatch(/^v-\d{8}T\d{9}Z-[0-9a-f]{6}$/);
    expect(await store.liveVersion()).toBe(version);

    const { index, warnings } = await store.open();
    try {
      expect(warnings).toEqual([]);
      expect(index.backend).toBe('lancedb');
      expect(index.version).toBe(version);
      expect(index.manifest).toEqual(parts.manifest);
      expect(Object.keys(index.manifest.documents)).toEqual(parts.documents.map((d) => d.id));
      expect(index.catalog).toEqual(parts.documents.map((d) => ({ id: d.id, title: d.title, source: d.source, passages: d.passageCount, ...(d.url && { url: d.url }) })));
      expect('url' in index.catalog[1]!).toBe(false);

      for (const doc of parts.documents) expect(await index.document(doc.id)).toStrictEqual(doc);
      const brewing = await index.document('brewing');
      expect(Object.keys(brewing!)).not.toContain('url');
      expect(Object.keys(brewing!)).not.toContain('sections');
      expect(await index.document("o'hare/noise")).toStrictEqual(parts.documents[2]);
      expect(await index.document("nobody' OR '1'='1")).toBeUndefined();

      for (const [n, passage] of parts.passages.entries()) {
        const found = await index.passage(n);
        expect(found?.passage).toStrictEqual(passage);
        expect(found?.document).toStrictEqual(parts.documents[passage.doc]);
      }
      expect(await index.passage(parts.passages.length)).toBeUndefined();
    } finally {
      index.close?.();
    }
  });

  it('writes documents that have none of the optional fields', async () => {
    const store = lancedbStore(freshDir());
    const parts = makeParts(BASE_DOCS.map(({ id, title, sentences }) => ({ id, title, sentences })));
    await store.write(parts);
    const { index } = await store.open();
    try {
      for (const doc of parts.documents) {
        expect(Object.keys(doc)).toEqual(['id', 'source', 'title', 'hash', 'text', 'firstLine', 'linesFollowText', 'passageCount']);
        expect(await index.document(doc.id)).toStrictEqual(doc);
      }
      expect(index.catalog.every((d) => !('url' in d))).toBe(true);
    } finally {
      index.close?.();
    }
  });

  it('finds the exact nearest passage, and by BM25 the one passage with a term', async () => {
    const store = lancedbStore(freshDir());
    const parts = makeParts();
    await store.write(parts);
    const { index } = await store.open();
    try {
      for (const n of [0, 3, parts.passages.length - 1]) {
        const { dense } = await index.search(vectorOf(parts, n), '', 5);
        expect(dense[0]!.passage).toBe(n);
        expect(dense[0]!.score).toBeCloseTo(1, 5);
        expect(dense).toHaveLength(5);
      }
      const zymurgy = parts.passages.findIndex((p) => lexicalText(parts.documents[p.doc]!, p).includes('Zymurgy'));
      const { lexical } = await index.search(vectorOf(parts, 0), 'What is zymurgy?', 10);
      expect(lexical.map((h) => h.passage)).toEqual([zymurgy]);
      expect(lexical[0]!.score).toBeGreaterThan(0);
      // "O'Hare" is analysed to "ohar" on both sides; "1,400" to "1400".
      const ohare = await index.search(vectorOf(parts, 0), "flights at O'Hare", 10);
      expect(ohare.lexical.length).toBeGreaterThan(0);
      expect(ohare.lexical.every((h) => parts.passages[h.passage]!.doc === 2)).toBe(true);
      const overtime = await index.search(vectorOf(parts, 0), 'cut of 1,400 hours', 10);
      expect(overtime.lexical.map((h) => parts.passages[h.passage]!.doc)).toContain(0);
      expect((await index.search(vectorOf(parts, 0), 'the of and', 10)).lexical).toEqual([]);
    } finally {
      index.close?.();
    }
  });

  it('weighs terms with the embedded BM25 idf', async () => {
    const store = lancedbStore(freshDir());
    const parts = makeParts();
    await store.write(parts);
    const { index } = await store.open();
    try {
      const lexical = buildLexicalIndex(parts.passages.map((p) => lexicalText(parts.documents[p.doc]!, p)));
      const view = await index.view([0]);
      const terms = [...new Set(analyze('zymurgy council budget flights noise study the 1400 unknownword'))];
      expect(terms.length).toBeGreaterThan(6);
      for (const term of terms) expect(view.idf(term)).toBeCloseTo(lexical.idf(term), 12);
    } finally {
      index.close?.();
    }
  });

  it('views passages with their neighbours in the same document, sentence rows renumbered', async () => {
    const store = lancedbStore(freshDir());
    const parts = makeParts();
    await store.write(parts);
    const { index } = await store.open();
    try {
      // `last` ends document 0; document 1 has two passages, then document 2 begins: no neighbours across.
      const firstOfDoc1 = parts.passages.findIndex((p) => p.doc === 1);
      const last = firstOfDoc1 - 1;
      expect(parts.passages[firstOfDoc1 + 2]!.doc).toBe(2);
      const view = await index.view([last, firstOfDoc1 + 1]);
      const present = view.passages.flatMap((p, n) => (p ? [n] : []));
      expect(present).toEqual([last - 1, last, firstOfDoc1, firstOfDoc1 + 1]);
      expect(view.documents.flatMap((d, n) => (d ? [n] : []))).toEqual([0, 1]);
      expect(view.documents[1]).toStrictEqual(parts.documents[1]);
      expect(view.version).toBe(index.version);
      expect(view.dimension).toBe(DIMENSION);
      let row = 0;
      for (const n of present) {
        const passage = view.passages[n]!;
        const original = parts.passages[n]!;
        expect(passage).toStrictEqual({ ...original, sentenceRow: row });
        const bytes = view.sentenceVectors.slice(row * DIMENSION, (row + passage.sentences.length) * DIMENSION);
        expect(Array.from(bytes)).toEqual(Array.from(sentenceBytes(parts, original)));
        row += passage.sentences.length;
      }
      expect(view.sentenceVectors.length).toBe(row * DIMENSION);
      const question = vectorOf(parts, 2);
      const expected = Array.from(vectorOf(parts, last)).reduce((sum, x, d) => sum + x * question[d]!, 0);
      expect(view.similarity(question, last)).toBeCloseTo(expected, 6);
      expect((await index.view([])).passages).toEqual([]);
    } finally {
      index.close?.();
    }
  });

  it('gives back the live version in full for an incremental update', async () => {
    const store = lancedbStore(freshDir());
    expect(await store.reusable()).toBeUndefined();
    const parts = makeParts();
    const version = await store.write(parts);
    const reusable = await store.reusable();
    expect(reusable?.version).toBe(version);
    expect(reusable?.manifest).toEqual(parts.manifest);
    expect(reusable?.documents).toStrictEqual(parts.documents);
    expect(reusable?.passages).toStrictEqual(parts.passages);
    expect(Array.from(reusable!.sentenceVectors)).toEqual(Array.from(parts.sentenceVectors));
    expect(Array.from(await reusable!.passageVectors())).toEqual(Array.from(parts.passageVectors));
  });

  it('publishes a new version while a reader keeps answering from the one it opened', async () => {
    const store = lancedbStore(freshDir());
    const first = makeParts(BASE_DOCS, 1);
    const v1 = await store.write(first);
    const { index: old } = await store.open();
    const changed = BASE_DOCS.map((d) => (d.id === 'brewing' ? { ...d, title: 'Brewing, revised', sentences: [...d.sentences, 'Hops add bitterness.'] } : d));
    const second = makeParts(changed, 2);
    const v2 = await store.write(second);
    try {
      expect(v2).not.toBe(v1);
      expect(await store.liveVersion()).toBe(v2);
      expect((await old.document('brewing'))?.title).toBe('Notes on brewing');
      expect((await old.search(vectorOf(first, 1), 'hops', 10)).lexical).toEqual([]);
      expect((await old.search(vectorOf(first, 1), '', 3)).dense[0]!.passage).toBe(1);
      expect((await old.view([0])).passages[0]).toStrictEqual(first.passages[0]);

      const { index: fresh } = await store.open();
      expect(fresh.version).toBe(v2);
      expect((await fresh.document('brewing'))?.title).toBe('Brewing, revised');
      expect((await fresh.search(vectorOf(second, 1), 'hops', 10)).lexical).toHaveLength(1);
      expect(fresh.manifest.passageCount).toBe(second.passages.length);
      fresh.close?.();
    } finally {
      old.close?.();
    }
  });

  it('leaves the live version as it was when publishing fails before the tag moves', async () => {
    const dir = freshDir();
    const store = lancedbStore(dir);
    const v1 = await store.write(makeParts(BASE_DOCS, 1));
    const error = await rejection(
      store.write(makeParts(BASE_DOCS.slice(0, 2), 2), {
        beforeCommit: (location) => {
          expect(location).toBe(dir);
          throw new Error('injected failure');
        },
      }),
    );
    expect((error as Error).message).toBe('injected failure');
    expect(await store.liveVersion()).toBe(v1);
    expect(await lancedbStore(dir).liveVersion()).toBe(v1);
    const { index } = await store.open();
    try {
      expect(index.version).toBe(v1);
      expect(index.catalog).toHaveLength(3);
      expect((await index.search(vectorOf(makeParts(BASE_DOCS, 1), 2), '', 1)).dense[0]!.passage).toBe(2);
    } finally {
      index.close?.();
    }
  });

  it('keeps two versions: a reader of the previous one still works after cleanup, older ones are removed', async () => {
    const dir = freshDir();
    const warnings: string[] = [];
    const store = lancedbStore(dir, { keepVersions: 2, onWarning: (m) => warnings.push(m) });
    const { connect } = await import('@lancedb/lancedb');
    const db = await connect(dir);
    const versions: string[] = [];
    const passagesVersions: number[] = [];
    const write = async (seed: number) => {
      versions.push(await store.write(makeParts(BASE_DOCS, seed)));
      const published = await db.openTable('published');
      await published.checkout('live');
      const [row] = (await published.query().toArray()) as { passages_version: bigint }[];
      passagesVersions.push(Number(row!.passages_version));
      published.close();
    };
    await write(1);
    await write(2);
    // Cleanup spares the second before the oldest kept version: these two must be older than that.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await write(3);
    const third = makeParts(BASE_DOCS, 3);
    const { index: reader } = await store.open();
    await write(4);
    try {
      expect(warnings).toEqual([]);
      expect(reader.version).toBe(versions[2]);
      expect(await store.liveVersion()).toBe(versions[3]);
      // The reader's table versions (tagged as a kept version) survived the cleanup.
      expect((await reader.search(vectorOf(third, 3), 'zymurgy', 5)).dense[0]!.passage).toBe(3);
      expect((await reader.search(vectorOf(third, 3), 'zymurgy', 5)).lexical).toHaveLength(1);
      expect((await reader.view([0])).passages[0]).toStrictEqual(third.passages[0]);
      expect((await reader.document('brewing'))?.hash).toBe('hash-brewing-3');

      for (const name of ['published', 'passages', 'documents', 'vocabulary']) {
        const table = await db.openTable(name);
        const tags = Object.keys(await (await table.tags()).list()).sort();
        expect(tags).toEqual(name === 'published' ? ['live', versions[2], versions[3]] : [versions[2], versions[3]]);
        table.close();
      }
      // The first two versions' tables are gone; the kept ones open.
      for (const [i, version] of passagesVersions.entries()) {
        const opened = db.openTable('passages', undefined, { version });
        if (i < 2) await expect(opened).rejects.toThrow();
        else (await opened).close();
      }
      const { index } = await store.open();
      expect(index.version).toBe(versions[3]);
      index.close?.();
    } finally {
      reader.close?.();
      db.close();
    }
  });

  it('searches through a vector index once there are enough passages', async () => {
    const dir = freshDir();
    const store = lancedbStore(dir);
    const parts = makeParts(BASE_DOCS, 5, 10_000);
    const steps: string[] = [];
    await store.write(parts, { onStep: (step) => steps.push(step) });
    expect(steps).toEqual(['tables', 'full-text index', 'vector index', 'tables', 'verify', 'publish']);
    const { index } = await store.open();
    try {
      for (const n of [1, 5_000, parts.passages.length - 1]) {
        const { dense, lexical } = await index.search(vectorOf(parts, n), 'zymurgy bravo', 50);
        expect(dense[0]!.passage).toBe(n);
        expect(dense).toHaveLength(50);
        // Exact cosines of the stored vectors, as the embedded backend gives: not the index's quantised distances.
        expect(dense[0]!.score).toBeCloseTo(1, 5);
        for (const hit of dense.slice(0, 10)) expect(hit.score).toBeCloseTo(dot(vectorOf(parts, n), vectorOf(parts, hit.passage)), 5);
        expect(lexical).toHaveLength(50);
      }
      const view = await index.view([9_000]);
      expect(view.passages.flatMap((p, i) => (p ? [i] : []))).toEqual([8_999, 9_000, 9_001]);
      const { connect } = await import('@lancedb/lancedb');
      const db = await connect(dir);
      const passages = await db.openTable('passages');
      expect((await passages.listIndices()).map((i) => i.indexType).sort()).toEqual(['BTree', 'FTS', 'IvfRq']);
      passages.close();
      db.close();
    } finally {
      index.close?.();
    }
  });

  it('refuses to open what is not there, or not this format', async () => {
    const empty = lancedbStore(freshDir());
    const error = await rejection(empty.open());
    expect(isFootnoteError(error, 'INDEX_MISSING')).toBe(true);
    expect((error as Error).message).toContain('There is no index in');
    expect(await empty.liveVersion()).toBe('');

    const old = lancedbStore(freshDir());
    const parts = makeParts();
    await old.write({ ...parts, manifest: { ...parts.manifest, formatVersion: FORMAT_VERSION - 1 } });
    expect(isFootnoteError(await rejection(old.open()), 'INDEX_OUTDATED')).toBe(true);
    expect(isFootnoteError(await rejection(old.reusable()), 'INDEX_OUTDATED')).toBe(true);
    expect(await old.liveVersion()).toMatch(/^v-/);

    const dir = freshDir();
    const damaged = lancedbStore(dir);
    await damaged.write(parts);
    const { connect } = await import('@lancedb/lancedb');
    const db = await connect(dir);
    await db.dropTable('vocabulary');
    db.close();
    const corrupt = await rejection(damaged.open());
    expect(isFootnoteError(corrupt, 'INDEX_CORRUPT')).toBe(true);
    expect((corrupt as Error).message).toContain('npm run index -- --full');
  });

  it('lets one writer hold the lease, across processes and hosts', async () => {
    const dir = freshDir();
    const store = lancedbStore(dir, { leaseSeconds: 60 });
    const release = await store.lease();
    const busy = await rejection(lancedbStore(dir).lease());
    expect(isFootnoteError(busy, 'INDEX_BUSY')).toBe(true);
    expect((busy as Error).message).toContain(`process ${process.pid} on ${os.hostname()}`);
    await release();
    await (await store.lease())();

    // A lease another host holds and renews is respected; an expired one is taken over.
    const { connect } = await import('@lancedb/lancedb');
    const db = await connect(dir);
    const holder = (expiresAt: Date) => [{ host: 'other-host', pid: 4242, started_at: '2024-01-01T00:00:00.000Z', expires_at: expiresAt.toISOString() }];
    await db.createTable('lease', holder(new Date(Date.now() + 60_000)), { mode: 'create' });
    const held = await rejection(store.lease());
    expect(isFootnoteError(held, 'INDEX_BUSY')).toBe(true);
    expect((held as Error).message).toBe('A reindex is already running (process 4242 on other-host, started 2024-01-01T00:00:00.000Z). Try again when it has finished.');
    await db.createTable('lease', holder(new Date(Date.now() - 1_000)), { mode: 'overwrite' });
    const takenOver = await store.lease();
    expect(isFootnoteError(await rejection(store.lease()), 'INDEX_BUSY')).toBe(true);
    await takenOver();
    expect(await db.tableNames()).not.toContain('lease');

    // So is one held by a process of this host that is gone.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    await db.createTable('lease', [{ host: os.hostname(), pid: gone, started_at: '2024-01-01T00:00:00.000Z', expires_at: new Date(Date.now() + 60_000).toISOString() }], { mode: 'create' });
    await (await store.lease())();
    db.close();
  });

  it('renews the lease while it is held', async () => {
    const dir = freshDir();
    const release = await lancedbStore(dir, { leaseSeconds: 0.6 }).lease();
    try {
      const { connect } = await import('@lancedb/lancedb');
      const db = await connect(dir);
      const expiry = async () => {
        const table = await db.openTable('lease');
        const [row] = (await table.query().toArray()) as { expires_at: string }[];
        table.close();
        return Date.parse(row!.expires_at);
      };
      const before = await expiry();
      await new Promise((resolve) => setTimeout(resolve, 900));
      const after = await expiry();
      // Renewed every 0.2 s: it still runs into the future, past where it first ended.
      expect(after).toBeGreaterThan(before);
      expect(after).toBeGreaterThan(Date.now());
      db.close();
    } finally {
      await release();
    }
  });
});

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) sum += a[d]! * b[d]!;
  return sum;
}
