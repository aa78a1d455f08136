/**
 * The LangChain.js baseline: the same corpora indexed the way a LangChain.js user would with
 * the same local model — RecursiveCharacterTextSplitter at its defaults (chunkSize 1000 characters,
 * chunkOverlap 200), HuggingFaceTransformersEmbeddings on the same int8 ONNX files from MODEL_DIR,
 * and the HNSWLib vector store (hnswlib-node, cosine), saved to disk. Only the benchmark uses it:
 * these packages are devDependencies and nothing under src/ imports them.
 *
 * Adaptations, each needed to run the same model fairly:
 * - `pretrainedOptions: { dtype: 'q8' }`: transformers.js would otherwise look for the fp32
 *   `onnx/model.onnx`, which MODEL_DIR does not have (Footnote loads the same q8 file).
 * - `pipelineOptions: { pooling: 'cls', normalize: true }`: LangChain's default is mean pooling;
 *   bge-small-en-v1.5 is trained for CLS pooling, which Footnote uses too.
 * - Queries get bge's instruction prefix (LangChain's embedQuery adds none), as Footnote's do.
 * - A JSONL record becomes one Document whose text is `title\n\ntext`, as BEIR baselines do.
 * - The embedding batch size is Footnote's (EMBED_BATCH_SIZE, 16) unless `--lc-batch` says
 *   otherwise. LangChain's default, 512 texts per call with every batch started at once
 *   (Promise.all), padded to the longest chunk of each batch, peaked at ~11 GB RSS on a
 *   900-chunk SciFact sample and was slower; on the full corpus it could exhaust memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { HuggingFaceTransformersEmbeddings } from '@langchain/community/embeddings/huggingface_transformers';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { Document } from '@langchain/core/documents';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import type { Corpus } from './corpora.js';
import { hitAt3, rankDocuments, scoreRetrieval, type RetrievalScores, type SeedQuestion } from './metrics.js';

export interface LangChainOptions {
  readonly modelDir: string;
  readonly modelId: string;
  readonly queryPrefix: string;
  /** Texts per pipeline call; undefined keeps LangChain's default (512, all batches started at once). */
  readonly batchSize: number | undefined;
  readonly note: (message: string) => void;
}

export function createEmbeddings(options: LangChainOptions): HuggingFaceTransformersEmbeddings {
  // LangChain imports the same @huggingface/transformers module (see package.json overrides), so
  // this is the env Footnote's loader sets too; set it here anyway so the baseline stands alone.
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = options.modelDir.endsWith(path.sep) ? options.modelDir : options.modelDir + path.sep;
  const embeddings = new HuggingFaceTransformersEmbeddings({
    model: options.modelId,
    pretrainedOptions: { dtype: 'q8' },
    pipelineOptions: { pooling: 'cls', normalize: true },
  });
  // The constructor of @langchain/community 1.1.29 ignores a `batchSize` field (it keeps 512),
  // so the public property is set instead.
  if (options.batchSize !== undefined) embeddings.batchSize = options.batchSize;
  return embeddings;
}

/** A corpus folder as LangChain Documents: one per .txt/.md file, one per JSONL line. */
async function loadDocuments(dir: string): Promise<Document[]> {
  const documents: Document[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = (await fs.promises.readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
        continue;
      }
      const ext = path.extname(entry.name);
      const rel = path.relative(dir, full);
      if (ext === '.txt' || ext === '.md') {
        const text = await fs.promises.readFile(full, 'utf8');
        documents.push(new Document({ pageContent: text, metadata: { id: rel.slice(0, -ext.length).split(path.sep).join('/'), source: rel } }));
      } else if (ext === '.jsonl') {
        const lines = (await fs.promises.readFile(full, 'utf8')).split('\n');
        for (const line of lines) {
          if (!line.trim()) continue;
          const r = JSON.parse(line) as { _id?: string; id?: string; title?: string; text: string };
          const id = String(r.id ?? r._id);
          documents.push(new Document({ pageContent: r.title ? `${r.title}\n\n${r.text}` : r.text, metadata: { id, source: rel } }));
        }
      }
    }
  };
  await walk(dir);
  return documents;
}

export interface LangChainIndexRun {
  readonly corpus: string;
  readonly documents: number;
  readonly chunks: number;
  /** Model input tokens of all chunks ([CLS]/[SEP] included, truncated at 512 as the pipeline does). */
  readonly tokens: number;
  readonly seconds: number;
  readonly rounds: number[];
  readonly chunksPerSecond: number;
  readonly tokensPerSecond: number;
  readonly meanChunkChars: number;
  readonly store: HNSWLib;
}

/** Read → split → embed + HNSW → save, timed end to end; `rounds` times (median reported). */
export async function langchainIndex(
  corpus: Corpus,
  embeddings: HuggingFaceTransformersEmbeddings,
  workDir: string,
  rounds: number,
  countTokens: (text: string) => number,
  options: LangChainOptions,
): Promise<LangChainIndexRun> {
  await embeddings.embedQuery('warm up the model'); // loads the pipeline outside the clock, as Footnote's model is loaded before buildIndex
  const times: number[] = [];
  let store: HNSWLib | undefined;
  let chunks: Document[] = [];
  let documents = 0;
  for (let round = 0; round < rounds; round++) {
    const saveDir = path.join(workDir, `langchain-${corpus.name}`);
    fs.rmSync(saveDir, { recursive: true, force: true });
    options.note(`${corpus.name}: LangChain index, round ${round + 1}/${rounds}…`);
    const stopProgress = trackProgress(embeddings, options.note, corpus.name);
    const started = performance.now();
    const docs = await loadDocuments(corpus.dir);
    const splitter = new RecursiveCharacterTextSplitter();
    chunks = await splitter.splitDocuments(docs);
    store = await HNSWLib.fromDocuments(chunks, embeddings);
    await store.save(saveDir);
    times.push((performance.now() - started) / 1000);
    stopProgress();
    fs.rmSync(saveDir, { recursive: true, force: true });
    documents = docs.length;
    options.note(`${corpus.name}: LangChain round ${round + 1}: ${chunks.length} chunks in ${times[round]!.toFixed(2)} s`);
  }
  const seconds = [...times].sort((a, b) => a - b)[Math.floor((times.length - 1) / 2)]!;
  const tokens = chunks.reduce((n, c) => n + Math.min(512, countTokens(c.pageContent.replace(/\n/g, ' ')) + 2), 0);
  return {
    corpus: corpus.name,
    documents,
    chunks: chunks.length,
    tokens,
    seconds,
    rounds: times,
    chunksPerSecond: chunks.length / seconds,
    tokensPerSecond: tokens / seconds,
    meanChunkChars: chunks.reduce((n, c) => n + c.pageContent.length, 0) / Math.max(1, chunks.length),
    store: store!,
  };
}

/**
 * Progress on stderr while LangChain embeds: its embedDocuments is one call, so the instance's
 * per-batch method is wrapped to count finished texts (a counter; the work is unchanged).
 */
function trackProgress(embeddings: HuggingFaceTransformersEmbeddings, note: (m: string) => void, label: string): () => void {
  const target = embeddings as unknown as { runEmbedding: (texts: string[]) => Promise<number[][]> };
  const original = target.runEmbedding;
  let done = 0;
  let lastNote = performance.now();
  target.runEmbedding = async function (this: unknown, texts: string[]) {
    const result = await original.call(this, texts);
    done += texts.length;
    if (performance.now() - lastNote > 15_000) {
      lastNote = performance.now();
      note(`${label}: LangChain embedded ${done} chunks…`);
    }
    return result;
  };
  return () => {
    target.runEmbedding = original;
  };
}

/** SciFact nDCG@10 / Recall@100: documents ranked by their best chunk among the 300 nearest. */
export async function langchainSciFact(store: HNSWLib, embeddings: HuggingFaceTransformersEmbeddings, prefix: string, queries: ReadonlyMap<string, string>, qrels: ReadonlyMap<string, ReadonlySet<string>>): Promise<RetrievalScores> {
  const k = Math.min(300, store.index.getCurrentCount());
  return scoreRetrieval(qrels, async (qid) => {
    const vector = await embeddings.embedQuery(prefix + queries.get(qid)!);
    const hits = await store.similaritySearchVectorWithScore(vector, k);
    return rankDocuments(hits.map(([doc]) => String(doc.metadata.id)), 100);
  });
}

/** Seed-set hit@3: the expected document among the documents of the 3 nearest chunks. */
export async function langchainSeedHit3(store: HNSWLib, embeddings: HuggingFaceTransformersEmbeddings, prefix: string, questions: readonly SeedQuestion[]) {
  return hitAt3(questions, async (q) => {
    const vector = await embeddings.embedQuery(prefix + q.question);
    const hits = await store.similaritySearchVectorWithScore(vector, 3);
    return hits.map(([doc]) => String(doc.metadata.id));
  });
}
