/**
 * Retrieval and timing metrics shared by the benchmark's Footnote and LangChain sides, so both
 * are scored by the same code. The formulas are those of scripts/eval-scifact.ts (nDCG@10 with
 * binary gains, Recall@100 over the distinct documents of a ranking) and scripts/eval.ts (hit@3:
 * the expected document among the documents of the first three results).
 */
import fs from 'node:fs';

export interface SeedQuestion {
  readonly id: string;
  readonly question: string;
  /** The document that answers it, or null for a question the corpus does not answer. */
  readonly doc: string | null;
  readonly phrase: string | null;
}

export function readSeedQuestions(file: string): SeedQuestion[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as SeedQuestion);
}

/** BEIR queries.jsonl: id → text, in file order. */
export function readQueries(file: string): Map<string, string> {
  const queries = new Map<string, string>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const q = JSON.parse(line) as { _id: string; text: string };
    queries.set(q._id, q.text);
  }
  return queries;
}

/** BEIR qrels TSV (header line, CRLF line endings in SciFact's copy): query id → relevant doc ids. */
export function readQrels(file: string): Map<string, Set<string>> {
  const qrels = new Map<string, Set<string>>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
    const [qid, docId, score] = line.replace(/\r$/, '').split('\t');
    if (!qid || !docId || Number(score) <= 0) continue;
    if (!qrels.has(qid)) qrels.set(qid, new Set());
    qrels.get(qid)!.add(docId);
  }
  return qrels;
}

/** Distinct documents in the order of their best-ranked passage or chunk. */
export function rankDocuments(rankedDocIds: Iterable<string>, limit = 100): string[] {
  const seen = new Set<string>();
  const docs: string[] = [];
  for (const id of rankedDocIds) {
    if (seen.has(id)) continue;
    seen.add(id);
    docs.push(id);
    if (docs.length === limit) break;
  }
  return docs;
}

export function ndcgAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((d, i) => (dcg += relevant.has(d) ? 1 / Math.log2(i + 2) : 0));
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

export function recallAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  return relevant.size === 0 ? 0 : ranked.slice(0, k).filter((d) => relevant.has(d)).length / relevant.size;
}

export interface RetrievalScores {
  readonly queries: number;
  readonly ndcg10: number;
  readonly recall100: number;
}

/** Mean nDCG@10 and Recall@100 over the judged queries, given a document ranking per query. */
export async function scoreRetrieval(
  qrels: ReadonlyMap<string, ReadonlySet<string>>,
  rank: (qid: string) => Promise<string[]>,
): Promise<RetrievalScores> {
  let ndcg = 0;
  let recall = 0;
  for (const [qid, relevant] of qrels) {
    const docs = await rank(qid);
    ndcg += ndcgAt(docs, relevant, 10);
    recall += recallAt(docs, relevant, 100);
  }
  return { queries: qrels.size, ndcg10: ndcg / Math.max(1, qrels.size), recall100: recall / Math.max(1, qrels.size) };
}

/** hit@3 over the answerable questions: the expected document among the first three results' documents. */
export async function hitAt3(questions: readonly SeedQuestion[], top3Docs: (q: SeedQuestion) => Promise<string[]>): Promise<{ hits: number; questions: number; rate: number }> {
  const answerable = questions.filter((q) => q.doc !== null);
  let hits = 0;
  for (const q of answerable) if ((await top3Docs(q)).slice(0, 3).includes(q.doc!)) hits++;
  return { hits, questions: answerable.length, rate: hits / Math.max(1, answerable.length) };
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export interface LatencySummary {
  readonly runs: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
}

export function summarize(samplesMs: readonly number[]): LatencySummary {
  return {
    runs: samplesMs.length,
    p50: percentile(samplesMs, 50),
    p95: percentile(samplesMs, 95),
    p99: percentile(samplesMs, 99),
    mean: samplesMs.reduce((a, b) => a + b, 0) / Math.max(1, samplesMs.length),
  };
}
