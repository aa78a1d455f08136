import { ChannelType, Events, type AnyThreadChannel, type Client, type Message } from 'discord.js';
import { describeError } from '../errors.js';
import { DISCORD_LIMITS } from '../format/limits.js';
import { shortenText } from '../format/markdown.js';
import { WORDING } from '../format/wording.js';
import { validateQuestion } from '../search/answer.js';
import { answerPage } from './answering.js';
import type { BotContext } from './context.js';
import { noteDeclined } from './feedback.js';
import { handleMention } from './mentions.js';
import { messageReply, notice } from './reply.js';
import type { MessageView } from '../format/discord.js';
import { answersInMode, forumQuestion, isStarterNotReady, replyModeOf, SeenIds, ThreadQuestions, withRetries } from './whenToAnswer.js';

/** As in answering.ts: quotes for this many pages are asked for, so "More" can page through them. */
const PAGES = 3;

export interface Conversations {
  /** Messages and forum posts already taken up: never answered twice. */
  readonly seen: SeenIds;
  /** The question each thread the bot answered started with, for follow-ups. */
  readonly threads: ThreadQuestions;
}

/**
 * Answers where members ask: mentions everywhere (with the thread's question as context in a
 * thread the bot answered), every question (or message) in channels with a REPLY_MODES mode, and
 * new posts in ANSWER_FORUMS. Only mentions get a reply when nothing answers them; elsewhere the
 * bot speaks only with quotes (or, for forum posts with FORUM_SAY_UNANSWERED, says so once).
 */
export function listenForQuestions(client: Client, context: BotContext): Conversations {
  const state: Conversations = { seen: new SeenIds(), threads: new ThreadQuestions() };
  client.on(Events.MessageCreate, (message) => void onMessage(message, context, client.user!.id, state));
  client.on(Events.ThreadCreate, (thread, newlyCreated) => void onThreadCreate(thread, newlyCreated, context, client.user!.id, state));
  return state;
}

function isForumPost(thread: AnyThreadChannel, context: BotContext): boolean {
  return thread.parentId !== null && context.config.discord.answerForums.includes(thread.parentId);
}

async function onMessage(message: Message, context: BotContext, botId: string, state: Conversations): Promise<void> {
  if (message.author.bot || message.webhookId !== null || message.system || !message.inGuild()) return;
  // A forum post's first message (its id is the thread's): the post is answered from THREAD_CREATE.
  if (message.channel.isThread() && message.id === message.channelId && isForumPost(message.channel, context)) return;
  if (!state.seen.firstTime(message.id)) return;
  try {
    if (message.mentions.users.has(botId)) {
      if (message.channel.isThread()) await recallStarter(message.channel, context, botId, state.threads);
      await handleMention(message, context, botId, state.threads);
      return;
    }
    const mode = replyModeOf(context.config.discord.replyModes, message.channelId);
    if (!answersInMode(mode, message.content)) return;
    const view = await answerQuietly(context, message.guildId, message.author.id, message.content);
    if (view === 'declined' || view === 'skipped') return;
    if (context.config.discord.replyInThread && !message.channel.isThread()) {
      const question = validateQuestion(message.content);
      const thread = await message.startThread({ name: shortenText(question.replace(/<[@#][!&]?\d+>/g, '').trim() || 'Sources', DISCORD_LIMITS.threadName) });
      state.threads.remember(thread.id, question);
      await thread.send(messageReply(view));
    } else {
      await message.reply(messageReply(view));
    }
  } catch (error) {
    context.log.warn('answering a channel message failed', { channel: message.channelId, message: message.id, error: describeError(error) });
  }
}

/**
 * After a restart the thread's question is not remembered: a forum post's (title and first
 * message) or a thread the bot started on a question (its starter message) is fetched again.
 */
async function recallStarter(thread: AnyThreadChannel, context: BotContext, botId: string, threads: ThreadQuestions): Promise<void> {
  if (threads.starter(thread.id) !== undefined) return;
  const forum = isForumPost(thread, context);
  if (!forum && thread.ownerId !== botId) return;
  const starter = await thread.fetchStarterMessage().catch(() => null);
  if (!starter || starter.author.bot) return;
  threads.remember(thread.id, forum ? forumQuestion(thread.name, starter.content) : starter.content);
}

async function onThreadCreate(thread: AnyThreadChannel, newlyCreated: boolean, context: BotContext, botId: string, state: Conversations): Promise<void> {
  if (!newlyCreated || !isForumPost(thread, context) || thread.ownerId === botId) return;
  if (thread.parent && thread.parent.type !== ChannelType.GuildForum) return;
  if (!state.seen.firstTime(`post:${thread.id}`)) return;
  try {
    // THREAD_CREATE can arrive before the post's first message exists: Discord answers 10008
    // (or 40058) until it does.
    const starter = await withRetries(() => thread.fetchStarterMessage({ force: true }), isStarterNotReady);
    if (!starter || starter.author.bot || starter.webhookId !== null) return;
    const question = forumQuestion(thread.name, starter.content);
    state.threads.remember(thread.id, question);
    const view = await answerQuietly(context, thread.guildId, starter.author.id, question, { recordGap: true });
    if (view === 'skipped') return;
    if (view === 'declined') {
      if (context.config.discord.forumSayUnanswered) await thread.send(messageReply(notice(WORDING.noAnswer)));
      return;
    }
    await thread.send(messageReply(view));
  } catch (error) {
    context.log.warn('answering a forum post failed', { thread: thread.id, forum: thread.parentId, error: describeError(error) });
  }
}

/**
 * A question nobody addressed to the bot: answered only when the corpus answers it, and without
 * a word otherwise: 'declined' (nothing answers it) or 'skipped' (not a question in words, the bot
 * is busy, or the member is over QUESTIONS_PER_MINUTE). Only answers that are posted count
 * against the member's questions per minute, so chatting in an `all` channel does not use up
 * the questions a member may ask by mention. `recordGap`: a declined question is recorded for
 * /gaps (forum posts are questions; chat in a reply-mode channel would only be noise there).
 */
export async function answerQuietly(context: BotContext, guildId: string | null, userId: string, rawQuestion: string, options: { recordGap?: boolean } = {}): Promise<MessageView | 'declined' | 'skipped'> {
  let question: string;
  try {
    question = validateQuestion(rawQuestion);
  } catch {
    return 'skipped';
  }
  const pageSize = context.config.maxQuotes;
  const limit = pageSize * PAGES;
  const footnote = context.footnoteFor(guildId);
  const key = `${footnote.config.indexDir}\n${limit}\n${question}`;
  try {
    context.queue.checkRoom(key);
  } catch {
    context.log.debug('unaddressed question skipped: the bot is busy');
    return 'skipped';
  }
  const answer = await context.queue.admit(key, () => footnote.ask(question, { limit }), Promise.resolve());
  if (!answer.answered) {
    context.log.debug('unaddressed question not answered: nothing in the corpus answers it', { similarity: answer.bestSimilarity });
    if (options.recordGap) noteDeclined(context.feedback, context.answers.add(answer, pageSize, guildId), userId, context.log);
    return 'declined';
  }
  if ((await context.limiter.take(userId)) > 0) {
    context.log.debug('unaddressed question not answered: the member is over the rate limit');
    return 'skipped';
  }
  return answerPage(context.answers.add(answer, pageSize, guildId), 0);
}
