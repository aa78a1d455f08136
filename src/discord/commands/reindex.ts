import { ApplicationCommandType, InteractionContextType, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { FootnoteError } from '../../errors.js';
import type { SlashCommand } from '../context.js';
import { isModerator } from '../guards.js';
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
    if (!isModerator(interaction, context.config.discord.moderatorRoleIds)) {
      throw new FootnoteError('NOT_ALLOWED', 'Only moderators (Manage Server permission or a moderator role) can reindex.');
    }
    if (context.footnote.reindexing) {
      throw new FootnoteError('INDEX_BUSY', 'A reindex is already running. You can ask questions meanwhile; try /reindex again when it has finished.');
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const { text } = await reindexWithProgress(context, (progress) => interaction.editReply(updateReply(notice(progress))));
    await interaction.editReply(updateReply(notice(text.slice(0, 2000))));
  },
};

