import { randomBytes } from 'node:crypto';
import { ApplicationCommandType, type Interaction, type RepliableInteraction } from 'discord.js';
import { describeError, isFootnoteError } from '../errors.js';
import { BUTTONS } from './buttons.js';
import type { BotContext, ButtonHandler, Command, MessageCommand, SlashCommand } from './context.js';
import { parseCustomId } from './customIds.js';
import { interactionReply, notice, updateReply } from './reply.js';

/**
 * Sends each interaction to its command, button or autocomplete handler, times it, and turns
 * failures into replies: a FootnoteError shows its own message; anything else is a bug, logged
 * with an error id that the member sees, so a moderator can find it. The bot keeps running.
 */
export function createRouter(context: BotContext, commands: readonly Command[], buttons: readonly ButtonHandler[] = BUTTONS) {
  const slash = new Map<string, SlashCommand>();
  const message = new Map<string, MessageCommand>();
  for (const c of commands) {
    if (c.definition.type === ApplicationCommandType.Message) message.set(c.definition.name, c as MessageCommand);
    else slash.set(c.definition.name, c as SlashCommand);
  }
  const buttonHandlers = new Map(buttons.map((b) => [b.prefix, b]));

  return async function route(interaction: Interaction): Promise<void> {
    const started = performance.now();
    const name = describe(interaction);
    try {
      if (interaction.isChatInputCommand()) await need(slash.get(interaction.commandName), name).run(interaction, context);
      else if (interaction.isMessageContextMenuCommand()) await need(message.get(interaction.commandName), name).run(interaction, context);
      else if (interaction.isAutocomplete()) await slash.get(interaction.commandName)?.autocomplete?.(interaction, context);
      else if (interaction.isButton()) {
        const { prefix, args } = parseCustomId(interaction.customId);
        await need(buttonHandlers.get(prefix), name).run(interaction, args, context);
      }
      context.log.debug('interaction handled', { interaction: name, ms: Math.round(performance.now() - started) });
    } catch (error) {
      await answerFailure(interaction, name, error, context);
    }
  };
}

function need<T>(handler: T | undefined, name: string): T {
  if (!handler) throw new Error(`no handler for ${name}`);
  return handler;
}

function describe(interaction: Interaction): string {
  if (interaction.isCommand() || interaction.isAutocomplete()) return `/${interaction.commandName}`;
  if (interaction.isButton()) return `button ${interaction.customId.split(':')[0]}`;
  return `interaction type ${interaction.type}`;
}

async function answerFailure(interaction: Interaction, name: string, error: unknown, context: BotContext): Promise<void> {
  let text: string;
  if (isFootnoteError(error)) {
    text = error.message;
    context.log.info('request refused', { interaction: name, code: error.code });
  } else {
    const errorId = randomBytes(4).toString('hex');
    text = `Sorry, something went wrong on my side (error id \`${errorId}\`). Please try again; if it keeps happening, tell a moderator the error id.`;
    context.log.error('interaction failed', { errorId, interaction: name, user: interaction.user.id, error: describeError(error), stack: error instanceof Error ? error.stack : undefined });
  }
  if (!interaction.isRepliable()) return;
  try {
    await replyPrivately(interaction, text);
  } catch (replyError) {
    context.log.warn('could not tell the member about a failure', { interaction: name, error: describeError(replyError) });
  }
}

/** An ephemeral message, whatever state the interaction is in; a public "thinking…" is removed first. */
async function replyPrivately(interaction: RepliableInteraction, text: string): Promise<void> {
  const view = interactionReply(notice(text), true);
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply(view);
    return;
  }
  if (interaction.deferred && !interaction.replied && !interaction.ephemeral) await interaction.deleteReply().catch(() => undefined);
  if (interaction.deferred && !interaction.replied && interaction.ephemeral) {
    await interaction.editReply(updateReply(notice(text)));
    return;
  }
  await interaction.followUp(view);
}
