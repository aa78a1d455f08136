import { ApplicationCommandType, InteractionContextType, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { addMessage, curateDeps } from '../../curate/actions.js';
import { isCurateRefusal } from '../../curate/refusal.js';
import { escapeMarkdown } from '../../format/markdown.js';
import type { MessageCommand } from '../context.js';
import { attachmentRef, moderatorOf, reindexAfterChange, requireIdle, requireModerator } from '../curate.js';
import { notice, updateReply } from '../reply.js';

/** Message context menu for moderators: save the message (and its document attachments) into the corpus, then reindex. */
export const addToCorpusCommand: MessageCommand = {
  definition: {
    name: 'Add to corpus',
    type: ApplicationCommandType.Message,
    contexts: [InteractionContextType.Guild],
    // A default only: server admins can override it, so run() checks again.
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  },
  async run(interaction, context) {
    requireModerator(interaction, context, 'add to the corpus');
    requireIdle(interaction, context);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const m = interaction.targetMessage;
    const channel = m.channel && 'name' in m.channel && typeof m.channel.name === 'string' ? m.channel.name : m.channelId;
    let result;
    try {
      result = await addMessage(
        curateDeps(context.config, context.footnoteFor(interaction.guildId).config.corpusDir),
        {
          guildId: interaction.guildId!,
          channelId: m.channelId,
          messageId: m.id,
          channelName: channel,
          authorName: m.member?.displayName ?? m.author.displayName,
          createdAt: m.createdAt,
          content: m.content,
          attachments: [...m.attachments.values()].map(attachmentRef),
        },
        moderatorOf(interaction, context),
      );
    } catch (error) {
      if (!isCurateRefusal(error)) throw error;
      await interaction.editReply(updateReply(notice(error.message)));
      return;
    }
    context.log.info('corpus changed', { action: 'add-message', moderator: result.entry.moderator.user, documents: result.entry.documents });
    const skipped = result.entry.skipped?.length ? `\nNot saved: ${result.entry.skipped.map(escapeMarkdown).join('; ')}` : '';
    await reindexAfterChange(interaction, context, `Saved ${result.titles.map((t) => `“${escapeMarkdown(t)}”`).join(', ')} to the corpus.${skipped}`);
  },
};
