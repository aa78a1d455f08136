import { ApplicationCommandType, InteractionContextType } from 'discord.js';
import { helpView } from '../../format/discord.js';
import type { SlashCommand } from '../context.js';
import { interactionReply } from '../reply.js';

export const helpCommand: SlashCommand = {
  definition: {
    name: 'help',
    description: 'What I do, how to ask, and what the citations mean.',
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
  },
  async run(interaction, context) {
    await interaction.reply(interactionReply(helpView(context.config.maxQuotes), true));
  },
};
