/**
 * Warm question latency in process: Footnote's `ask()` (query embedding, dense + BM25 search,
 * fusion, quote selection, abstention) plus rendering the answer for Discord (`answerView`) and
 * the terminal (`answerToText`), beside a bare single-query embedding pass (tokenizer + ONNX
 * model call + the CLS row, the query instruction in front) on the same question.
 *
 * Every timed question is distinct, and new to the Footnote instance timed (the caller opens a
 * fresh one): Footnote's embedder keeps an LRU of query vectors, which would otherwise answer
 * repeated questions without the model. The two are interleaved question by question, so
 * background load affects both alike.
 */
import type { Tensor } from '@huggingface/transformers';
import { ids } from '../src/discord/customIds.js';
import type { LoadedModel } from '../src/embed/model.js';
import { answerView } from '../src/format/discord.js';
import { answerToText } from '../src/format/text.js';
import type { Footnote } from '../src/service.js';
import { summarize, type LatencySummary } from './metrics.js';

export interface LatencyResult {
  readonly corpus: string;
  readonly passages: number;
  readonly questions: string;
  readonly warmup: number;
  /** ask() + answerView + answerToText. */
  readonly footnote: LatencySummary;
  /** ask() alone. */
  readonly ask: LatencySummary;
  readonly bare: LatencySummary;
  /** Footnote's p95 ÷ the bare embedding's p95 (target ≤ 1.25). */
  readonly p95Ratio: number;
  readonly answeredShare: number;
}

async function bareEmbed(loaded: LoadedModel, text: string): Promise<Float32Array> {
  const inputs = loaded.tokenizer(text) as unknown as Record<string, Tensor>;
  const output = (await loaded.model(inputs)) as { last_hidden_state: Tensor };
  return (output.last_hidden_state.data as Float32Array).slice(0, (output.last_hidden_state.dims[2] as number) ?? 384);
}

let answerCounter = 0;

/** One question the way the bot and CLI present it. */
async function askAndFormat(footnote: Footnote, question: string): Promise<{ answered: boolean; askMs: number }> {
  const started = performance.now();
  const answer = await footnote.ask(question);
  const askMs = performance.now() - started;
  const shown = answer.answered ? answer.quotes : answer.closest;
  const answerId = (answerCounter++).toString(36);
  answerView(answer, shown, { passages: shown.map((_, i) => ids.passage(answerId, i)), up: ids.vote(answerId, 'up'), down: ids.vote(answerId, 'down') });
  answerToText(answer);
  return { answered: answer.answered, askMs };
}

export async function measureLatency(
  corpus: string,
  footnote: Footnote,
  loaded: LoadedModel,
  queryPrefix: string,
  warmupQuestions: readonly string[],
  timedQuestions: readonly string[],
  questionsLabel: string,
): Promise<LatencyResult> {
  for (const q of warmupQuestions) {
    await bareEmbed(loaded, queryPrefix + q);
    await askAndFormat(footnote, q);
  }
  const total: number[] = [];
  const askOnly: number[] = [];
  const bare: number[] = [];
  let answered = 0;
  for (const q of timedQuestions) {
    let started = performance.now();
    await bareEmbed(loaded, queryPrefix + q);
    bare.push(performance.now() - started);
    started = performance.now();
    const result = await askAndFormat(footnote, q);
    total.push(performance.now() - started);
    askOnly.push(result.askMs);
    if (result.answered) answered++;
  }
  const footnoteSummary = summarize(total);
  const bareSummary = summarize(bare);
  return {
    corpus,
    passages: footnote.index.manifest.passageCount,
    questions: questionsLabel,
    warmup: warmupQuestions.length,
    footnote: footnoteSummary,
    ask: summarize(askOnly),
    bare: bareSummary,
    p95Ratio: footnoteSummary.p95 / bareSummary.p95,
    answeredShare: answered / Math.max(1, timedQuestions.length),
  };
}
