import { ApplicationCommandType, InteractionContextType, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { FootnoteError } from '../../errors.js';
import type { SlashCommand } from '../context.js';
import { requireModerator } from '../guards.js';
import { reindexWithProgress } from '../reindexProgress.js';
import { notice, updateReply } from '../reply.js';

export const reindexCommand: SlashCommand = {
  definition: {
    name: 'reindex',
    description: 'Moderators: update the index from the documents folder.',
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
    // A default only: server admins can override it, so run() checks again.
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  },
  async run(interaction, context) {
    requireModerator(interaction, context.config.discord.moderatorRoleIds, 'reindex');
    if (context.footnoteFor(interaction.guildId).reindexing) {
      throw new FootnoteError('INDEX_BUSY', 'A reindex is already running. You can ask questions meanwhile; try /reindex again when it has finished.');
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const { text } = await reindexWithProgress(context, interaction.guildId, (progress) => interaction.editReply(updateReply(notice(progress))));
    await interaction.editReply(updateReply(notice(text.slice(0, 2000))));
  },
};

