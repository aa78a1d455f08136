import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType, MessageFlags } from 'discord.js';
import { MAX_QUESTION_LENGTH } from '../../search/answer.js';
import { takeQuestion } from '../answering.js';
import type { SlashCommand } from '../context.js';
import { updateReply } from '../reply.js';

export const askCommand: SlashCommand = {
  definition: {
    name: 'ask',
    description: 'Ask a question; get quotes from the corpus that answer it, with their sources.',
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
    options: [
      { name: 'question', description: 'Your question', type: ApplicationCommandOptionType.String, required: true, max_length: Math.min(MAX_QUESTION_LENGTH, 1000) },
      { name: 'private', description: 'Show the answer only to you', type: ApplicationCommandOptionType.Boolean, required: false },
    ],
  },
  async run(interaction, context) {
    const question = interaction.options.getString('question', true);
    const ephemeral = interaction.options.getBoolean('private') ?? false;
    const view = await takeQuestion(context, interaction.guildId, interaction.user.id, question, () => interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {}));
    await interaction.editReply(updateReply(view));
  },
};
