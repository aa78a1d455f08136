import type { Attachment, ChatInputCommandInteraction, ButtonInteraction, MessageContextMenuCommandInteraction } from 'discord.js';
import type { Moderator } from '../curate/actions.js';
import type { AttachmentRef } from '../curate/download.js';
import { FootnoteError } from '../errors.js';
import type { BotContext } from './context.js';
import { requireModerator as requireModeratorFor } from './guards.js';
import { reindexWithProgress } from './reindexProgress.js';
import { notice, updateReply } from './reply.js';

type CurateInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction | ButtonInteraction;

/** Refuses anyone who is not a moderator, whatever Discord's command permissions say, and any change while a reindex runs. */
export function requireModerator(interaction: CurateInteraction, context: BotContext, doing = 'change the corpus'): void {
  requireModeratorFor(interaction, context.config.discord.moderatorRoleIds, doing);
}

export function requireIdle(interaction: CurateInteraction, context: BotContext): void {
  if (context.footnoteFor(interaction.guildId).reindexing) throw new FootnoteError('INDEX_BUSY', 'A reindex is running. Nothing was changed; try again when it has finished.');
}

/** Who acted, for the audit log: the salted hash of their id (no raw ids are stored) and the name shown in the server. */
export function moderatorOf(interaction: CurateInteraction, context: BotContext): Moderator {
  const member = interaction.member;
  const name = member && 'displayName' in member ? member.displayName : (member?.nick ?? interaction.user.displayName);
  return { user: context.feedback.hashUser(interaction.user.id), name };
}

export function attachmentRef(a: Attachment): AttachmentRef {
  return { id: a.id, name: a.name, url: a.url, size: a.size };
}

/** After a change: reindex at once with live progress under `summary`, then the summary and the report. */
export async function reindexAfterChange(interaction: CurateInteraction, context: BotContext, summary: string): Promise<void> {
  const show = (text: string) => interaction.editReply(updateReply(notice(`${summary}\n${text}`.slice(0, 2000))));
  await show('Reindexing…');
  const { text } = await reindexWithProgress(context, interaction.guildId, show);
  await show(text);
}
