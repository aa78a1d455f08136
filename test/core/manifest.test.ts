import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexSettings } from '../../src/index/build.js';
import { FORMAT_VERSION, isManifest, settingsMismatch } from '../../src/index/manifest.js';
import { loadSnapshot } from '../../src/index/store.js';
import { openFootnote } from '../../src/service.js';
import { build, recordingLogger, seedIndexedWorkspace, testModel } from '../helpers/footnote.js';
import { expectExactFileQuote } from '../helpers/quotes.js';
import { DEFAULT_MODEL, MINILM_MODEL, readCurrent, removeTempDirs, type Workspace } from '../helpers/workspace.js';

/**
 * One index whose settings change step by step (the tests run in order): built with the
 * defaults (bge, PASSAGE_MAX_TOKENS=128), then MiniLM, then bge with 96 tokens, then a stored
 * format version that is not this program's.
 */
let ws: Workspace;
let defaultVersion: string;
let defaultPassages: number;

beforeAll(async () => {
  ws = await seedIndexedWorkspace();
  defaultVersion = readCurrent(ws.indexDir);
  defaultPassages = (await loadSnapshot(ws.indexDir)).snapshot.passages.length;
});
afterAll(removeTempDirs);

describe('the manifest', () => {
  it('is stored as JSON that reads back to the manifest the snapshot was built with', async () => {
    const { snapshot } = await loadSnapshot(ws.indexDir);
    const stored: unknown = JSON.parse(fs.readFileSync(path.join(ws.indexDir, defaultVersion, 'manifest.json'), 'utf8'));
    expect(isManifest(stored)).toBe(true);
    expect(stored).toEqual(snapshot.manifest);
    expect(snapshot.manifest).toMatchObject({ formatVersion: FORMAT_VERSION, modelId: DEFAULT_MODEL, dimension: 384, passageMaxTokens: 128, passageOverlapSentences: 1, passageCount: snapshot.passages.length });
    expect(Object.keys(snapshot.manifest.documents)).toHaveLength(5);
    const { embedder, profile } = await testModel();
    expect(settingsMismatch(snapshot.manifest, indexSettings(ws.config(), embedder, profile))).toEqual([]);
  });

  it('names every setting that differs, with the old and new value', async () => {
    const { embedder, profile } = await testModel();
    const wanted = indexSettings(ws.config({ PASSAGE_MAX_TOKENS: '96', PASSAGE_OVERLAP_SENTENCES: '2' }), embedder, profile);
    const { snapshot } = await loadSnapshot(ws.indexDir);
    expect(settingsMismatch(snapshot.manifest, wanted)).toEqual(['PASSAGE_MAX_TOKENS changed (128 → 96)', 'PASSAGE_OVERLAP_SENTENCES changed (1 → 2)']);
    expect(settingsMismatch({ ...snapshot.manifest, formatVersion: 0 }, snapshot.manifest)).toEqual([`index format version changed (0 → ${FORMAT_VERSION})`]);
  });

  it('rejects JSON that is not a manifest', () => {
    expect(isManifest(null)).toBe(false);
    expect(isManifest([])).toBe(false);
    expect(isManifest({ formatVersion: '1', modelId: 'x', dimension: 384, passageCount: 1, sentenceCount: 1, documents: {} })).toBe(false);
    expect(isManifest({ formatVersion: 1, modelId: 'x', dimension: 384, passageCount: 1, sentenceCount: 1 })).toBe(false);
  });
});

describe('a settings change rebuilds the index', () => {
  it('GIVEN an index built with PASSAGE_MAX_TOKENS=128 WHEN reindexed with 96 THEN the report names the setting and everything is re-embedded', async () => {
    const report = await build(ws.config({ PASSAGE_MAX_TOKENS: '96' }));
    expect(report.rebuildReason).toBe('PASSAGE_MAX_TOKENS changed (128 → 96)');
    expect(report.wrote).toBe(true);
    expect(report.embeddedPassages).toBe(report.passages);
    expect(report.added).toHaveLength(5);
    expect(report.unchanged).toEqual([]);
    // Smaller passages: more of them than with 128 tokens.
    expect(report.passages).toBeGreaterThan(defaultPassages);
  });

  it('GIVEN the 96-token index THEN openFootnote with 96 serves it as is, and answers come from 96-token passages', async () => {
    const config = ws.config({ PASSAGE_MAX_TOKENS: '96' });
    const version = readCurrent(ws.indexDir);
    const { log, messages } = recordingLogger();
    const footnote = await openFootnote({ config, log });
    expect(messages().filter((m) => m.startsWith('Building the index'))).toEqual([]);
    const { snapshot } = await loadSnapshot(ws.indexDir);
    expect(footnote.index.version).toBe(version);
    expect(snapshot.version).toBe(version);
    expect(snapshot.manifest).toMatchObject({ passageMaxTokens: 96, modelId: DEFAULT_MODEL });
    const { embedder } = await testModel();
    for (const p of snapshot.passages) {
      const text = snapshot.documents[p.doc]!.text;
      expect(p.sentences.reduce((n, s) => n + embedder.tokenize(text.slice(s.start, s.end)).length, 0)).toBeLessThanOrEqual(96);
    }
    const answer = await footnote.ask("What's the $1.8 billion about?");
    expect(answer.answered).toBe(true);
    expect(answer.version).toBe(version);
    expect(answer.quotes[0]!.docId).toBe('mayors-police-reform-blueprint');
    for (const q of answer.quotes) expectExactFileQuote(q, ws.root);
  });

  it('GIVEN a bge index WHEN reindexed with EMBED_MODEL=all-MiniLM-L6-v2 THEN the report names the model change and everything is re-embedded', async () => {
    const report = await build(ws.config({ EMBED_MODEL: MINILM_MODEL }));
    expect(report.rebuildReason).toContain(`embedding model changed ("${DEFAULT_MODEL}" → "${MINILM_MODEL}")`);
    expect(report.rebuildReason).toContain('PASSAGE_MAX_TOKENS changed (96 → 128)');
    expect(report.wrote).toBe(true);
    expect(report.embeddedPassages).toBe(report.passages);
    const { snapshot } = await loadSnapshot(ws.indexDir);
    expect(snapshot.version).toBe(report.version);
    expect(snapshot.manifest).toMatchObject({ modelId: MINILM_MODEL, pooling: 'mean', passageMaxTokens: 128 });
  });

  it('GIVEN the MiniLM index THEN MiniLM answers end to end with exact quotes, without another rebuild', async () => {
    const version = readCurrent(ws.indexDir);
    const { log, messages } = recordingLogger();
    const footnote = await openFootnote({ config: ws.config({ EMBED_MODEL: MINILM_MODEL }), log });
    expect(footnote.index.version).toBe(version);
    expect(messages().filter((m) => m.startsWith('Building the index'))).toEqual([]);

    for (const [question, doc] of [
      ['What did Lightfoot tell ICE?', undefined],
      ['What is FCRL?', 'lightfoot-staff-lobbied-against-ending-qualified-immunity'],
      ['Does the blueprint say anything about chokeholds?', 'mayors-police-reform-blueprint'],
    ] as const) {
      const answer = await footnote.ask(question);
      expect(answer.answered, question).toBe(true);
      expect(answer.version).toBe(version);
      expect(answer.quotes.length).toBeGreaterThan(0);
      if (doc) expect(answer.quotes[0]!.docId, question).toBe(doc);
      for (const q of answer.quotes) expectExactFileQuote(q, ws.root, question);
    }
    expect((await footnote.ask('What is the boiling point of water?')).answered).toBe(false);
    expect(await footnote.reindex()).toMatchObject({ wrote: false, embeddedPassages: 0 });
  });

  it('GIVEN a stored index with another format version THEN openFootnote rebuilds it and says why', async () => {
    const config = ws.config({ EMBED_MODEL: MINILM_MODEL });
    const current = readCurrent(ws.indexDir);
    const file = path.join(ws.indexDir, current, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...manifest, formatVersion: 0 }));

    const { log, messages } = recordingLogger();
    const footnote = await openFootnote({ config, log });
    // Its files are not even read (an older format's manifest cannot vouch for them): the version
    // is passed over, saying why, and as the version left (the 96-token one) has other settings too,
    // the index is rebuilt.
    expect(messages()).toContain(`index version ${current} could not be loaded: index format version changed (0 → ${FORMAT_VERSION})`);
    expect(messages().some((m) => m.startsWith('Building the index:'))).toBe(true);
    expect(footnote.index.version).not.toBe(current);
    expect(footnote.index.manifest.formatVersion).toBe(FORMAT_VERSION);
    expect((await footnote.ask('What is FCRL?')).answered).toBe(true);
  });
});
