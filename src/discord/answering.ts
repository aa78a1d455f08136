import { answerView, type MessageView } from '../format/discord.js';
import { FootnoteError } from '../errors.js';
import type { Answer } from '../search/answer.js';
import type { StoredAnswer } from './answerStore.js';
import type { BotContext } from './context.js';
import { ids } from './customIds.js';

/** More pages than this are not offered: beyond them quotes answer the question too loosely. */
const MAX_PAGES = 3;

/** Turns a member away when they ask faster than QUESTIONS_PER_MINUTE allows. */
export function checkRateLimit(context: BotContext, userId: string): void {
  const wait = context.limiter.take(userId);
  if (wait > 0) {
    throw new FootnoteError('RATE_LIMITED', `You are asking quickly: please wait ${wait} s before your next question (limit: ${context.config.discord.questionsPerMinute} per minute).`);
  }
}

/**
 * The question flow shared by /ask, mentions and "Find sources": answer through the bounded
 * queue, keep the answer for its buttons, render its first page.
 */
export async function askForDiscord(context: BotContext, question: string, heading?: string): Promise<MessageView> {
  const pageSize = context.config.maxQuotes;
  const answer = await context.queue.run(() => context.footnote.ask(question, { limit: pageSize * MAX_PAGES }));
  const stored = context.answers.add(answer, pageSize);
  return answerPage(stored, 0, heading);
}

export function answerPage(stored: StoredAnswer, page: number, heading?: string): MessageView {
  const quotes = shownQuotes(stored.answer);
  const start = page * stored.pageSize;
  const slice = quotes.slice(start, start + stored.pageSize);
  const hasMore = start + stored.pageSize < quotes.length;
  return answerView(
    stored.answer,
    slice,
    {
      passages: slice.map((_, i) => ids.passage(stored.id, start + i)),
      ...(hasMore && { more: ids.more(stored.id, page + 1) }),
      up: ids.vote(stored.id, 'up'),
      down: ids.vote(stored.id, 'down'),
    },
    heading,
  );
}

export function shownQuotes(answer: Answer) {
  return answer.answered ? answer.quotes : answer.closest;
}

export function expired(): FootnoteError {
  return new FootnoteError('EXPIRED', 'This answer has expired (the bot restarted or it is too old). Please ask again.');
}
