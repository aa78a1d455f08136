import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType } from 'discord.js';
import { sourcesView } from '../../format/discord.js';
import type { SlashCommand } from '../context.js';
import { ids } from '../customIds.js';
import { interactionReply } from '../reply.js';

export const sourcesCommand: SlashCommand = {
  definition: {
    name: 'sources',
    description: 'List the documents I answer from.',
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
    options: [{ name: 'page', description: 'Page number', type: ApplicationCommandOptionType.Integer, required: false, min_value: 1 }],
  },
  async run(interaction, context) {
    const page = (interaction.options.getInteger('page') ?? 1) - 1;
    const view = sourcesView(context.footnoteFor(interaction.guildId).sources(), page, { previous: ids.sources(page, 'prev'), next: ids.sources(page, 'next') });
    await interaction.reply(interactionReply(view, true));
  },
};
