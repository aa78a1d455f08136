import type { Config } from '../config.js';
import type { SkippedSource, SourceDocument, Span } from '../corpus/document.js';
import { lineAt, lineStarts } from '../corpus/lines.js';
import { packPassages, quotableSentences, splitLongSentence } from '../corpus/passages.js';
import { readCorpus, type Corpus } from '../corpus/read.js';
import type { Embedder, Sequence } from '../embed/embedder.js';
import type { ModelProfile } from '../embed/models.js';
import { FootnoteError, isFootnoteError, describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { FORMAT_VERSION, settingsMismatch, type IndexManifest, type IndexSettings } from './manifest.js';
import { isNoop, planUpdate, type UpdatePlan } from './plan.js';
import type { IndexStore, ReusableVersion, WriteHooks } from './backend.js';
import { indexStore } from './stores.js';
import { quantize, type StoredDocument, type StoredPassage } from './snapshot.js';
import { HNSW_PARAMS } from './vectors.js';
import { loadWebSources, type WebSummary } from './webSources.js';

const TITLE_TOKENS = 32;

export type BuildPhase = 'fetching' | 'reading' | 'embedding' | 'indexing' | 'writing';
/** Fetch the pages listed in web.txt again, or index the copies fetched last time. */
export type WebMode = 'refresh' | 'cache';
export interface BuildProgress {
  readonly phase: BuildPhase;
  readonly done: number;
  readonly total: number;
}

export interface BuildOptions {
  readonly config: Config;
  readonly embedder: Embedder;
  readonly profile: ModelProfile;
  readonly log: Logger;
  /** Re-embed everything, even unchanged documents. */
  readonly full?: boolean;
  /** Default 'refresh'. */
  readonly web?: WebMode;
  readonly onProgress?: (progress: BuildProgress) => void;
  readonly hooks?: WriteHooks;
}

export interface BuildReport extends UpdatePlan {
  readonly skipped: SkippedSource[];
  /** What happened to the pages listed in web.txt, when there is one. */
  readonly web?: WebSummary;
  readonly documents: number;
  readonly passages: number;
  /** Passages embedded by this run (the rest were reused). */
  readonly embeddedPassages: number;
  readonly seconds: number;
  /** Why everything was rebuilt, when it was. */
  readonly rebuildReason?: string;
  /** The version now current; unchanged when there was nothing to do. */
  readonly version: string | undefined;
  readonly wrote: boolean;
}

export function indexSettings(config: Config, embedder: Embedder, profile: ModelProfile): IndexSettings {
  return {
    formatVersion: FORMAT_VERSION,
    modelId: embedder.modelId,
    dimension: embedder.dimension,
    pooling: profile.pooling,
    queryPrefix: profile.queryPrefix,
    passageMaxTokens: config.passageMaxTokens,
    passageOverlapSentences: config.passageOverlapSentences,
    hnsw: HNSW_PARAMS,
  };
}

/**
 * Brings the index in INDEX_DIR up to date with CORPUS_DIR: re-embeds only documents whose
 * content hash changed, drops removed ones, and writes a new version beside the old one.
 * Holds the index lock throughout, so two reindexes never run at once.
 */
export async function buildIndex(options: BuildOptions): Promise<BuildReport> {
  const { config, embedder, profile, log } = options;
  const started = performance.now();
  const progress = options.onProgress ?? (() => undefined);
  const store = indexStore(config, log);
  const release = await store.lease();
  try {
    progress({ phase: 'fetching', done: 0, total: 1 });
    const web = await loadWebSources(config, options.web ?? 'refresh', (done, total) => progress({ phase: 'fetching', done, total }));
    progress({ phase: 'reading', done: 0, total: 1 });
    const corpus = withWebDocuments(await readCorpus(config.corpusDir, config.projectRoot), web);
    for (const s of corpus.skipped) log.warn(`skipped ${s.source}: ${s.reason}`);
    if (corpus.documents.length === 0) {
      throw new FootnoteError('CORPUS_EMPTY', `No usable documents in ${config.corpusDir} (looked for .txt, .md, .jsonl, .html and .pdf files, and the pages in web.txt). The existing index was left as it was.`);
    }

    const settings = indexSettings(config, embedder, profile);
    const { previous, rebuildReason } = await previousIndex(store, settings, options.full === true);
    const plan = planUpdate(previous?.manifest.documents, corpus.documents);
    const report = (fields: Partial<BuildReport> & Pick<BuildReport, 'passages' | 'embeddedPassages' | 'version' | 'wrote'>): BuildReport => ({
      ...plan,
      skipped: corpus.skipped,
      ...(web.summary && { web: web.summary }),
      documents: corpus.documents.length,
      seconds: (performance.now() - started) / 1000,
      ...(rebuildReason && { rebuildReason }),
      ...fields,
    });
    if (previous && isNoop(plan)) {
      return report({ passages: previous.passages.length, embeddedPassages: 0, version: previous.version, wrote: false });
    }

    let reused = new Set(plan.unchanged);
    let oldVectors: Float32Array | undefined;
    if (previous && reused.size > 0) {
      try {
        oldVectors = await previous.passageVectors();
      } catch (error) {
        // Damaged vectors are never carried into a new version: embed those documents again.
        log.warn(`re-embedding every document: the previous vectors cannot be reused (${describeError(error)})`);
        reused = new Set();
      }
    }
    const fresh = corpus.documents.filter((d) => !reused.has(d.id));
    const prepared = fresh.map((doc) => preparePassages(doc, embedder, config));
    const sequences = prepared.flatMap((p) => p.sequences);
    progress({ phase: 'embedding', done: 0, total: sequences.length });
    const embedded = await embedder.embedSequences(sequences, (done) => progress({ phase: 'embedding', done, total: sequences.length }));

    progress({ phase: 'indexing', done: 0, total: 1 });
    const assembled = assemble(corpus.documents, previous, oldVectors, new Map(fresh.map((d, i) => [d.id, i])), prepared, embedded, embedder.dimension);
    const manifest: IndexManifest = {
      ...settings,
      createdAt: new Date().toISOString(),
      passageCount: assembled.passages.length,
      sentenceCount: assembled.sentenceVectors.length / embedder.dimension,
      documents: Object.fromEntries(corpus.documents.map((d) => [d.id, d.hash])),
    };

    progress({ phase: 'writing', done: 0, total: 1 });
    const hooks = { ...(previous && { keepFallback: previous.version }), ...options.hooks };
    const version = await store.write({ manifest, ...assembled }, hooks);
    return report({ passages: assembled.passages.length, embeddedPassages: sequences.length, version, wrote: true });
  } finally {
    await release();
  }
}

/** Files first, then web pages; a page whose id a file already has is reported, like any duplicate id. */
function withWebDocuments(files: Corpus, web: { documents: SourceDocument[]; skipped: SkippedSource[] }): Corpus {
  const ids = new Set(files.documents.map((d) => d.id));
  const documents = [...files.documents];
  const skipped = [...files.skipped, ...web.skipped];
  for (const doc of web.documents) {
    if (ids.has(doc.id)) skipped.push({ source: doc.source, reason: `duplicate id '${doc.id}': a file of the corpus already has it, which is kept` });
    else documents.push(doc);
  }
  return { documents, skipped };
}

async function previousIndex(store: IndexStore, settings: IndexSettings, full: boolean): Promise<{ previous?: ReusableVersion; rebuildReason?: string }> {
  if (full) return { rebuildReason: 'full rebuild requested' };
  try {
    const previous = await store.reusable();
    if (!previous) return {};
    const mismatch = settingsMismatch(previous.manifest, settings);
    return mismatch.length ? { rebuildReason: mismatch.join('; ') } : { previous };
  } catch (error) {
    if (isFootnoteError(error, 'INDEX_MISSING')) return {};
    return { rebuildReason: `the existing index could not be read (${describeError(error)})` };
  }
}

interface PreparedDocument {
  readonly doc: SourceDocument;
  readonly passages: { first: number; last: number }[];
  readonly sentences: Span[];
  readonly sequences: Sequence[];
}

/** Sentences → token ids → passages that fit the model, as model inputs (title first). */
function preparePassages(doc: SourceDocument, embedder: Embedder, config: Config): PreparedDocument {
  const titleIds = embedder.tokenize(doc.title).slice(0, TITLE_TOKENS);
  const budget = Math.max(16, Math.min(config.passageMaxTokens, embedder.maxContentTokens - titleIds.length));
  const count = (text: string) => embedder.tokenize(text).length;
  const sentences: Span[] = [];
  const ids: number[][] = [];
  for (const sentence of quotableSentences(doc)) {
    const tokens = embedder.tokenize(doc.text.slice(sentence.start, sentence.end));
    // Tokenized once; only a sentence longer than a passage is cut and tokenized again.
    const pieces = tokens.length <= budget ? [sentence] : splitLongSentence(doc.text, sentence, count, budget);
    for (const piece of pieces) {
      sentences.push(piece);
      ids.push(pieces.length === 1 ? tokens : embedder.tokenize(doc.text.slice(piece.start, piece.end)));
    }
  }
  const passages = packPassages(ids.map((i) => i.length), budget, config.passageOverlapSentences);
  const sequences = passages.map(({ first, last }) => ({
    pieces: [titleIds, ...ids.slice(first, last + 1)],
    pool: [false, ...ids.slice(first, last + 1).map(() => true)],
  }));
  return { doc, passages, sentences, sequences };
}

function assemble(
  documents: readonly SourceDocument[],
  previous: ReusableVersion | undefined,
  oldVectors: Float32Array | undefined,
  freshIndex: Map<string, number>,
  prepared: readonly PreparedDocument[],
  embedded: readonly { vector: Float32Array; pieceVectors: Float32Array[] }[],
  dimension: number,
) {
  const oldByDoc = new Map<string, { doc: number; passages: number[] }>();
  previous?.documents.forEach((d, i) => oldByDoc.set(d.id, { doc: i, passages: [] }));
  previous?.passages.forEach((p, i) => oldByDoc.get(previous.documents[p.doc]!.id)!.passages.push(i));
  const sequenceStart: number[] = [];
  prepared.reduce((n, p, i) => ((sequenceStart[i] = n), n + p.sequences.length), 0);

  const stored: StoredDocument[] = [];
  const passages: StoredPassage[] = [];
  const passageVectors: Float32Array[] = [];
  const sentenceRows: Int8Array[] = [];
  let sentenceRow = 0;

  documents.forEach((doc, docNumber) => {
    const freshAt = freshIndex.get(doc.id);
    if (freshAt === undefined) {
      // Unchanged: copy passages and vectors from the previous version.
      const old = oldByDoc.get(doc.id)!;
      for (const p of old.passages) {
        const passage = previous!.passages[p]!;
        const rows = passage.sentences.length * dimension;
        sentenceRows.push(previous!.sentenceVectors.subarray(passage.sentenceRow * dimension, passage.sentenceRow * dimension + rows));
        passages.push({ ...passage, doc: docNumber, sentenceRow });
        sentenceRow += passage.sentences.length;
        passageVectors.push(oldVectors!.subarray(p * dimension, (p + 1) * dimension));
      }
      stored.push({ ...storedDocument(doc), passageCount: old.passages.length });
      return;
    }
    const prep = prepared[freshAt]!;
    const starts = lineStarts(doc.text);
    prep.passages.forEach(({ first, last }, k) => {
      const result = embedded[sequenceStart[freshAt]! + k]!;
      const sentences = prep.sentences.slice(first, last + 1);
      const start = sentences[0]!.start;
      const end = sentences[sentences.length - 1]!.end;
      const rows = new Int8Array(sentences.length * dimension);
      result.pieceVectors.forEach((v, s) => quantize(v, rows, s * dimension));
      sentenceRows.push(rows);
      passages.push({ doc: docNumber, start, end, lineStart: lineAt(doc, starts, start), lineEnd: lineAt(doc, starts, end - 1), sentences, sentenceRow });
      sentenceRow += sentences.length;
      passageVectors.push(result.vector);
    });
    stored.push({ ...storedDocument(doc), passageCount: prep.passages.length });
  });
  return { documents: stored, passages, passageVectors: concat(passageVectors, Float32Array), sentenceVectors: concat(sentenceRows, Int8Array) };
}

function storedDocument(doc: SourceDocument): Omit<StoredDocument, 'passageCount'> {
  return {
    id: doc.id,
    source: doc.source,
    title: doc.title,
    ...(doc.url && { url: doc.url }),
    ...(doc.publisher && { publisher: doc.publisher }),
    ...(doc.date && { date: doc.date }),
    hash: doc.hash,
    text: doc.text,
    firstLine: doc.firstLine,
    linesFollowText: doc.linesFollowText,
    ...(doc.hasLines === false && { hasLines: false }),
    ...(doc.sections && { sections: doc.sections }),
    ...(doc.pageStarts && { pageStarts: doc.pageStarts }),
  };
}

function concat<T extends Float32Array | Int8Array>(parts: readonly T[], Type: { new (n: number): T }): T {
  const out = new Type(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
