import type { Message } from 'discord.js';
import { describeError, isFootnoteError } from '../errors.js';
import { DISCORD_LIMITS } from '../format/limits.js';
import { shortenText } from '../format/markdown.js';
import { takeQuestion } from './answering.js';
import type { BotContext } from './context.js';
import { messageReply, notice } from './reply.js';
import { randomBytes } from 'node:crypto';
import { followUpQuestion, type ThreadQuestions } from './whenToAnswer.js';

/**
 * "@Footnote what did Lightfoot tell ICE?" → the same answer as /ask, as a reply (or in a new
 * thread when REPLY_IN_THREAD is on). Discord delivers the text of messages that mention the bot
 * without the privileged Message Content intent. In a thread the bot answered (`threads` knows its
 * question), a mention is a follow-up: the thread's question adds its terms (followUpQuestion).
 */
export async function handleMention(message: Message, context: BotContext, botId: string, threads?: ThreadQuestions): Promise<void> {
  if (message.author.bot || !message.inGuild() || !message.mentions.users.has(botId)) return;
  const question = message.content.replace(new RegExp(`<@!?${botId}>`, 'g'), ' ').trim();
  try {
    if (!/[\p{L}\p{N}]/u.test(question)) {
      await message.reply(messageReply(notice('Ask me a question after the mention, or use /ask. /help explains what I do.')));
      return;
    }
    const typing = async () => {
      if ('sendTyping' in message.channel) await message.channel.sendTyping().catch(() => undefined);
    };
    const starter = message.channel.isThread() ? threads?.starter(message.channelId) : undefined;
    const view = await takeQuestion(context, message.guildId, message.author.id, followUpQuestion(starter, question), typing);
    if (context.config.discord.replyInThread && !message.channel.isThread()) {
      const thread = await message.startThread({ name: shortenText(question.replace(/<[@#][!&]?\d+>/g, '').trim() || 'Sources', DISCORD_LIMITS.threadName) });
      threads?.remember(thread.id, question);
      await thread.send(messageReply(view));
    } else {
      await message.reply(messageReply(view));
    }
  } catch (error) {
    let text: string;
    if (isFootnoteError(error)) text = error.message;
    else {
      const errorId = randomBytes(4).toString('hex');
      context.log.error('mention failed', { errorId, user: message.author.id, error: describeError(error) });
      text = `Sorry, something went wrong on my side (error id \`${errorId}\`).`;
    }
    await message.reply(messageReply(notice(text))).catch(() => undefined);
  }
}
