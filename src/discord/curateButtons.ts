import { removeDocument, curateDeps } from '../curate/actions.js';
import { isCurateRefusal } from '../curate/refusal.js';
import { FootnoteError } from '../errors.js';
import { corpusListView } from '../format/corpusViews.js';
import { escapeMarkdown } from '../format/markdown.js';
import { corpusIds, findDocument, pendingRemovals } from './commands/corpus.js';
import type { ButtonHandler } from './context.js';
import { moderatorOf, reindexAfterChange, requireIdle, requireModerator } from './curate.js';
import { notice, updateReply } from './reply.js';

/** Previous / Next on /corpus list. */
export const corpusListButton: ButtonHandler = {
  prefix: 'corpus-list',
  async run(interaction, [page = '0', direction], context) {
    requireModerator(interaction, context, 'manage the corpus');
    const next = Number(page) + (direction === 'next' ? 1 : -1);
    await interaction.update(updateReply(corpusListView(context.footnoteFor(interaction.guildId).sources(), next, { previous: corpusIds.list(next, 'prev'), next: corpusIds.list(next, 'next') })));
  },
};

/** Remove / Cancel under /corpus remove's question: only the moderator who asked, checked again. */
export const corpusRemoveButton: ButtonHandler = {
  prefix: 'corpus-rm',
  async run(interaction, [token = '', choice], context) {
    const pending = pendingRemovals.get(token);
    if (!pending || pending.expires < Date.now() || pending.guildId !== interaction.guildId) throw new FootnoteError('EXPIRED', 'This confirmation has expired (the bot restarted or it is too old). Run /corpus remove again.');
    if (pending.userId !== interaction.user.id) throw new FootnoteError('NOT_ALLOWED', 'Only the moderator who asked for this removal can confirm it.');
    requireModerator(interaction, context, 'remove documents');
    if (choice !== 'yes') {
      pendingRemovals.delete(token);
      await interaction.update(updateReply(notice('Cancelled: nothing was removed.')));
      return;
    }
    requireIdle(interaction, context);
    pendingRemovals.delete(token);
    const doc = findDocument(context, interaction.guildId, pending.docId);
    await interaction.update(updateReply(notice(`Removing “${escapeMarkdown(doc.title)}”…`)));
    let result;
    try {
      result = await removeDocument(curateDeps(context.config, context.footnoteFor(interaction.guildId).config.corpusDir), interaction.guildId ?? '', doc, moderatorOf(interaction, context));
    } catch (error) {
      if (!isCurateRefusal(error)) throw error;
      await interaction.editReply(updateReply(notice(error.message)));
      return;
    }
    context.log.info('corpus changed', { action: 'remove', moderator: result.entry.moderator.user, documents: result.entry.documents });
    await reindexAfterChange(interaction, context, `Removed “${escapeMarkdown(doc.title)}” (${result.entry.files.length} file${result.entry.files.length === 1 ? '' : 's'}).`);
  },
};

export const CURATE_BUTTONS: readonly ButtonHandler[] = [corpusListButton, corpusRemoveButton];
