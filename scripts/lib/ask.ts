/**
 * Asking a benchmark's questions exactly as a user would: `footnote.ask(question)` with the
 * configured limits, one question at a time, each timed.
 */
import { isFootnoteError } from '../../src/errors.js';
import type { Answer, Quote } from '../../src/search/answer.js';

/** `footnote.ask` without options: the CLI's and the bot's code path, MAX_QUOTES quotes at most. */
export type Ask = (question: string) => Promise<Answer>;

/** What one question got back. */
export interface Asked {
  readonly answered: boolean;
  /** Best first; empty when declined. */
  readonly quotes: readonly Quote[];
  /** Declined answers' nearest excerpts (never counted as an answer). */
  readonly closest: readonly Quote[];
  readonly bestSimilarity: number;
  /** Set when the question could not be asked at all (QUESTION_INVALID); it then counts as declined. */
  readonly error?: string;
  /** Wall-clock time of the `ask` call. */
  readonly ms: number;
}

/**
 * Asks every question in order and returns what each got back. A question the program refuses
 * (QUESTION_INVALID) is recorded with its message instead of aborting the run; any other error
 * is a bug and is thrown. `onProgress` is called after each question.
 */
export async function askAll(ask: Ask, questions: readonly string[], onProgress?: (done: number) => void): Promise<Asked[]> {
  const results: Asked[] = [];
  for (const question of questions) {
    const started = performance.now();
    try {
      const answer = await ask(question);
      const ms = performance.now() - started;
      results.push({ answered: answer.answered, quotes: answer.quotes, closest: answer.closest, bestSimilarity: answer.bestSimilarity, ms });
    } catch (error) {
      if (!isFootnoteError(error, 'QUESTION_INVALID')) throw error;
      results.push({ answered: false, quotes: [], closest: [], bestSimilarity: 0, error: error.message, ms: performance.now() - started });
    }
    onProgress?.(results.length);
  }
  return results;
}

/** Mean milliseconds per question. */
export function msPerQuestion(asked: readonly Asked[]): number {
  return asked.length === 0 ? Number.NaN : asked.reduce((sum, a) => sum + a.ms, 0) / asked.length;
}
