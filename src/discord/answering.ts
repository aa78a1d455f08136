import { answerView, type MessageView } from '../format/discord.js';
import { FootnoteError } from '../errors.js';
import { validateQuestion, type Answer } from '../search/answer.js';
import type { StoredAnswer } from './answerStore.js';
import type { BotContext } from './context.js';
import { ids } from './customIds.js';

/** More pages than this are not offered: beyond them quotes answer the question too loosely. */
const MAX_PAGES = 3;

/** Turns a member away when they ask faster than QUESTIONS_PER_MINUTE allows. */
function checkRateLimit(context: BotContext, userId: string): void {
  const wait = context.limiter.take(userId);
  if (wait > 0) {
    throw new FootnoteError('RATE_LIMITED', `You are asking quickly: please wait ${wait} s before your next question (limit: ${context.config.discord.questionsPerMinute} per minute).`);
  }
}

/**
 * The question flow shared by /ask, mentions and "Find sources". Everything that can turn a
 * question away is decided here, synchronously, before anything is sent to Discord, so a refusal
 * costs one reply: the question must be words, the queue must expect to answer it within
 * MAX_QUESTION_WAIT_SECONDS (checked before the member's rate limit, which a busy bot does not
 * use up), the member must be within QUESTIONS_PER_MINUTE. The model work starts at once,
 * while the acknowledgement is on its way; identical questions in flight share one answer. The
 * promise gives the answer's first page, its answer kept for the buttons; it may be dropped
 * (an acknowledgement failed) without an unhandled rejection.
 */
export function takeQuestion(context: BotContext, userId: string, rawQuestion: string, heading?: string): Promise<MessageView> {
  const question = validateQuestion(rawQuestion);
  const pageSize = context.config.maxQuotes;
  const limit = pageSize * MAX_PAGES;
  const key = `${limit}\n${question}`;
  context.queue.checkRoom(key);
  checkRateLimit(context, userId);
  const answer = context.queue.admit(key, () => context.footnote.ask(question, { limit }));
  const view = answer.then((a) => answerPage(context.answers.add(a, pageSize), 0, heading));
  view.catch(() => undefined);
  return view;
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
