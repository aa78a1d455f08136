/** In process, on an opened version: warm question latency, and SciFact nDCG@10 of the fused ranking. */
import { documentOfPassage, type IndexVersion } from '../src/index/backend.js';
import { answerFromVector, DEFAULT_DENSE_WEIGHT, retrieve, type AnswerSettings } from '../src/search/answer.js';
import { rankDocuments, scoreRetrieval, summarize, type LatencySummary, type RetrievalScores } from './metrics.js';
import type { Question } from './scale-queries.js';

export interface WarmResult extends LatencySummary {
  readonly warmup: number;
  readonly answeredShare: number;
  /** Per timed question: answered or not, and where its first quote is (to compare backends). */
  readonly answers: string[];
}

/** `answerFromVector` on each timed question after the warm-up ones (all distinct; nothing cached). */
export async function warmLatency(index: IndexVersion, warmup: readonly Question[], timed: readonly Question[], settings: AnswerSettings): Promise<WarmResult> {
  for (const q of warmup) await answerFromVector(index, q.text, q.vector, settings);
  const samples: number[] = [];
  const answers: string[] = [];
  for (const q of timed) {
    const start = performance.now();
    const answer = await answerFromVector(index, q.text, q.vector, settings);
    samples.push(performance.now() - start);
    const first = answer.quotes[0] ?? answer.closest[0];
    answers.push(`${answer.answered ? 'answered' : 'abstained'} ${first ? `${first.docId}:${first.start}-${first.end}` : '-'}`);
  }
  const answered = answers.filter((a) => a.startsWith('answered')).length;
  return { ...summarize(samples), warmup: warmup.length, answeredShare: answered / Math.max(1, timed.length), answers };
}

/** As scripts/eval-scifact.ts: `retrieve` at the default dense weight, documents ranked by their best passage. */
export async function sciFactScores(index: IndexVersion, test: readonly Question[], qrels: ReadonlyMap<string, ReadonlySet<string>>): Promise<RetrievalScores> {
  const documentOf = documentOfPassage(index.catalog);
  const byId = new Map(test.map((q) => [q.id, q]));
  return scoreRetrieval(qrels, async (qid) => {
    const q = byId.get(qid)!;
    const ranked = await retrieve(index, q.vector, q.text, DEFAULT_DENSE_WEIGHT);
    return rankDocuments(ranked.map((c) => documentOf(c.passage)!.id));
  });
}
