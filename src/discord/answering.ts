import { answerView, type MessageView } from '../format/discord.js';
import { FootnoteError } from '../errors.js';
import { validateQuestion, type Answer } from '../search/answer.js';
import type { StoredAnswer } from './answerStore.js';
import type { BotContext } from './context.js';
import { ids } from './customIds.js';
import { noteDeclined } from './feedback.js';

/** More pages than this are not offered: beyond them quotes answer the question too loosely. */
const MAX_PAGES = 3;

/** Turns a member away when they ask faster than QUESTIONS_PER_MINUTE allows. */
function refuseIfLimited(context: BotContext, wait: number): void {
  if (wait > 0) {
    throw new FootnoteError('RATE_LIMITED', `You are asking quickly: please wait ${wait} s before your next question (limit: ${context.config.discord.questionsPerMinute} per minute).`);
  }
}

/**
 * The question flow shared by /ask, mentions and "Find sources". Everything that can turn a
 * question away is decided first, before anything is sent to Discord, so a refusal costs one
 * reply: the question must be words, the queue must expect to answer it within
 * MAX_QUESTION_WAIT_SECONDS (checked before the member's rate limit, which a busy bot does not
 * use up), the member must be within QUESTIONS_PER_MINUTE. Then `acknowledge` is called (defer,
 * typing…), and the model work starts once it is sent; identical questions in flight share one
 * answer. Resolves to the answer's first page, the answer kept for its buttons.
 */
export async function takeQuestion(context: BotContext, guildId: string | null, userId: string, rawQuestion: string, acknowledge: () => Promise<unknown>, heading?: string): Promise<MessageView> {
  const question = validateQuestion(rawQuestion);
  const pageSize = context.config.maxQuotes;
  const limit = pageSize * MAX_PAGES;
  const footnote = context.footnoteFor(guildId);
  // Identical questions in flight share one answer only within one corpus.
  const key = `${footnote.config.indexDir}\n${limit}\n${question}`;
  context.queue.checkRoom(key);
  const wait = context.limiter.take(userId);
  refuseIfLimited(context, typeof wait === 'number' ? wait : await wait);
  // Asking the shard manager took a turn of the event loop, in which the queue may have filled.
  if (typeof wait !== 'number') context.queue.checkRoom(key);
  const acknowledged = acknowledge();
  const answer = context.queue.admit(key, () => footnote.ask(question, { limit }), acknowledged);
  await acknowledged;
  const stored = context.answers.add(await answer, pageSize, guildId);
  noteDeclined(context.feedback, stored, userId, context.log); // for /gaps
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
