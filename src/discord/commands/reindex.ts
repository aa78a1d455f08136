import { ApplicationCommandType, InteractionContextType, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { FootnoteError, isFootnoteError } from '../../errors.js';
import { escapeMarkdown } from '../../format/markdown.js';
import type { BuildProgress, BuildReport } from '../../index/build.js';
import type { SlashCommand } from '../context.js';
import { isModerator } from '../guards.js';
import { notice, updateReply } from '../reply.js';

const PHASE: Record<BuildProgress['phase'], string> = {
  fetching: 'Fetching the listed web pages…',
  reading: 'Reading the documents…',
  embedding: 'Embedding passages',
  indexing: 'Building the indexes…',
  writing: 'Writing the new index…',
};
const PROGRESS_EVERY_MS = 1500;

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
    let lastEdit = 0;
    let editing: Promise<unknown> = Promise.resolve();
    const onProgress = (p: BuildProgress) => {
      const now = Date.now();
      if (now - lastEdit < PROGRESS_EVERY_MS && p.done !== p.total) return;
      lastEdit = now;
      const text = p.phase === 'embedding' || (p.phase === 'fetching' && p.total > 1) ? `${PHASE[p.phase].replace(/…$/, '')}: ${p.done}/${p.total}` : PHASE[p.phase];
      editing = editing.then(() => interaction.editReply(updateReply(notice(`Reindexing. ${text}`))).catch(() => undefined));
    };
    let result: string;
    try {
      const report = await context.footnote.reindex({ onProgress });
      result = reportText(report);
      context.log.info('reindex finished', { added: report.added.length, changed: report.changed.length, removed: report.removed.length, seconds: report.seconds });
    } catch (error) {
      if (!isFootnoteError(error)) throw error;
      result = `Reindex failed: ${error.message}\nThe previous index is still served: answers are unchanged.`;
    }
    await editing;
    await interaction.editReply(updateReply(notice(result.slice(0, 2000))));
  },
};

function reportText(r: BuildReport): string {
  const names = (ids: string[]) => (ids.length === 0 ? '' : `: ${ids.slice(0, 10).map(escapeMarkdown).join(', ')}${ids.length > 10 ? ` and ${ids.length - 10} more` : ''}`);
  const lines = [
    r.wrote ? `Reindex done in ${r.seconds.toFixed(1)} s; answers now come from the new index.` : 'The index was already up to date.',
    ...(r.rebuildReason ? [`Rebuilt everything: ${r.rebuildReason}.`] : []),
    `Added ${r.added.length}${names(r.added)}`,
    `Changed ${r.changed.length}${names(r.changed)}`,
    `Removed ${r.removed.length}${names(r.removed)}`,
    `Unchanged ${r.unchanged.length}. Passages: ${r.passages}.`,
    ...(r.web ? [`Web pages: ${r.web.fetched} fetched, ${r.web.unchanged} unchanged, ${r.web.failed} failed.`] : []),
  ];
  if (r.skipped.length) lines.push(`Skipped ${r.skipped.length}:`, ...r.skipped.slice(0, 15).map((s) => `- ${escapeMarkdown(s.source)}: ${escapeMarkdown(s.reason)}`));
  return lines.join('\n');
}
