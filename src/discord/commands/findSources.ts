import { ApplicationCommandType, InteractionContextType } from 'discord.js';
import { takeQuestion } from '../answering.js';
import type { MessageCommand } from '../context.js';
import { interactionReply, notice, updateReply } from '../reply.js';

/** Message context menu: check a claim made in chat against the corpus. */
export const findSourcesCommand: MessageCommand = {
  definition: { name: 'Find sources', type: ApplicationCommandType.Message, contexts: [InteractionContextType.Guild] },
  async run(interaction, context) {
    const text = interaction.targetMessage.content.trim();
    if (!/[\p{L}\p{N}]/u.test(text)) {
      await interaction.reply(interactionReply(notice('That message has no text to look up.'), true));
      return;
    }
    const view = await takeQuestion(context, interaction.guildId, interaction.user.id, text, () => interaction.deferReply(), 'Sources for');
    await interaction.editReply(updateReply(view));
  },
};
