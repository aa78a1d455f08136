/**
 * The questions of `npm run bench:scale`: SciFact's 300 test claims (timed, and scored for
 * nDCG@10) and 20 other claims (warm-up), with their real query vectors. The parent embeds them
 * once with the real model and keeps them in one JSON file, which the child processes read, so a
 * child never loads the model (its cold start is the store's alone).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { createEmbedder } from '../src/embed/embedder.js';
import { loadModel } from '../src/embed/model.js';
import { ROOT, scifactSourceDir } from './corpora.js';
import { readQrels, readQueries } from './metrics.js';

export interface Question {
  readonly id: string;
  readonly text: string;
  readonly vector: Float32Array;
}

export interface QuestionSet {
  readonly modelId: string;
  /** The 300 test claims, in qrels order. */
  readonly test: readonly Question[];
  readonly warmup: readonly Question[];
}

interface Stored {
  modelId: string;
  test: { id: string; text: string; vector: string }[];
  warmup: { id: string; text: string; vector: string }[];
}

export function relevantDocuments(): Map<string, Set<string>> {
  return readQrels(path.join(scifactSourceDir(), 'qrels', 'test.tsv'));
}

/** The question set, embedded now or read from `file` when it holds these questions for this model. */
export async function prepareQuestions(file: string, warmupCount: number, note: (m: string) => void): Promise<QuestionSet> {
  const claims = readQueries(path.join(scifactSourceDir(), 'queries.jsonl'));
  const qrels = relevantDocuments();
  const test = [...qrels.keys()].map((id) => ({ id, text: claims.get(id)! }));
  const warmup = [...claims].filter(([id]) => !qrels.has(id)).slice(0, warmupCount).map(([id, text]) => ({ id, text }));
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' }, ROOT);
  if (fs.existsSync(file)) {
    const known = readQuestions(file);
    const same = (a: readonly { text: string }[], b: readonly { text: string }[]) => a.length === b.length && a.every((q, i) => q.text === b[i]!.text);
    if (known.modelId === config.embedModel && same(known.test, test) && same(known.warmup, warmup)) return known;
  }
  note(`embedding ${test.length + warmup.length} SciFact claims with ${config.embedModel} (once; kept in ${path.relative(ROOT, file)})…`);
  const embedder = createEmbedder(await loadModel(config.embedModel, config.modelDir), { queryCacheSize: 0 });
  const embed = async (qs: { id: string; text: string }[]) => {
    const out: Question[] = [];
    for (const q of qs) out.push({ ...q, vector: await embedder.embedQuery(q.text) });
    return out;
  };
  const set: QuestionSet = { modelId: config.embedModel, test: await embed(test), warmup: await embed(warmup) };
  const encode = (qs: readonly Question[]) => qs.map((q) => ({ id: q.id, text: q.text, vector: Buffer.from(q.vector.buffer, q.vector.byteOffset, q.vector.byteLength).toString('base64') }));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ modelId: set.modelId, test: encode(set.test), warmup: encode(set.warmup) } satisfies Stored));
  fs.renameSync(`${file}.tmp`, file);
  return set;
}

export function readQuestions(file: string): QuestionSet {
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Stored;
  const decode = (qs: Stored['test']) =>
    qs.map((q) => {
      const bytes = Buffer.from(q.vector, 'base64');
      return { id: q.id, text: q.text, vector: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) };
    });
  return { modelId: stored.modelId, test: decode(stored.test), warmup: decode(stored.warmup) };
}
