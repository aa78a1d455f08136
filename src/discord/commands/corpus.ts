import { randomBytes } from 'node:crypto';
import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { addUpload, curateDeps } from '../../curate/actions.js';
import { documentFiles, originOf } from '../../curate/catalog.js';
import { isCurateRefusal } from '../../curate/refusal.js';
import { FootnoteError } from '../../errors.js';
import { corpusListView, removeConfirmView } from '../../format/corpusViews.js';
import { escapeMarkdown } from '../../format/markdown.js';
import type { SourceSummary } from '../../service.js';
import type { BotContext, SlashCommand } from '../context.js';
import { attachmentRef, moderatorOf, reindexAfterChange, requireIdle, requireModerator } from '../curate.js';
import { isModerator } from '../guards.js';
import { interactionReply, notice, updateReply } from '../reply.js';

/** Removals waiting for their confirmation button, by token: who asked, and what. */
export const pendingRemovals = new Map<string, { userId: string; guildId: string | null; docId: string; expires: number }>();
const CONFIRM_MS = 10 * 60_000;

export const corpusIds = {
  list: (page: number, direction: 'prev' | 'next') => `corpus-list:${page}:${direction}`,
  remove: (token: string, choice: 'yes' | 'no') => `corpus-rm:${token}:${choice}`,
};

/** /corpus add | remove | list, for moderators. The work is in src/curate/; this only adapts. */
export const corpusCommand: SlashCommand = {
  definition: {
    name: 'corpus',
    description: 'Moderators: add, remove or list the documents I answer from.',
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
    // A default only: server admins can override it, so run() checks again.
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'add',
        description: 'Add a document file (.txt, .md, .html or .pdf, up to 10 MiB), then reindex.',
        options: [
          { type: ApplicationCommandOptionType.Attachment, name: 'file', description: 'The document file', required: true },
          { type: ApplicationCommandOptionType.String, name: 'title', description: 'Its title (default: from the file)', required: false, max_length: 200 },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'remove',
        description: 'Remove a document from the corpus (asks first), then reindex.',
        options: [{ type: ApplicationCommandOptionType.String, name: 'document', description: 'Title or id of the document', required: true, autocomplete: true }],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'list',
        description: 'The documents, and where each came from.',
        options: [{ type: ApplicationCommandOptionType.Integer, name: 'page', description: 'Page number', required: false, min_value: 1 }],
      },
    ],
  },
  async run(interaction, context) {
    requireModerator(interaction, context, 'manage the corpus');
    const sub = interaction.options.getSubcommand();
    if (sub === 'list') {
      const page = (interaction.options.getInteger('page') ?? 1) - 1;
      await interaction.reply(interactionReply(corpusListView(context.footnoteFor(interaction.guildId).sources(), page, { previous: corpusIds.list(page, 'prev'), next: corpusIds.list(page, 'next') }), true));
      return;
    }
    if (sub === 'remove') {
      const doc = findDocument(context, interaction.guildId, interaction.options.getString('document', true));
      let files: string[];
      try {
        files = await documentFiles(context.footnoteFor(interaction.guildId).config.corpusDir, context.config.projectRoot, doc);
      } catch (error) {
        if (!isCurateRefusal(error)) throw error;
        await interaction.reply(interactionReply(notice(error.message), true));
        return;
      }
      const token = randomBytes(6).toString('hex');
      const now = Date.now();
      for (const [key, p] of pendingRemovals) if (p.expires < now) pendingRemovals.delete(key);
      pendingRemovals.set(token, { userId: interaction.user.id, guildId: interaction.guildId, docId: doc.id, expires: now + CONFIRM_MS });
      await interaction.reply(interactionReply(removeConfirmView(doc, files, { confirm: corpusIds.remove(token, 'yes'), cancel: corpusIds.remove(token, 'no') }), true));
      return;
    }
    requireIdle(interaction, context);
    const attachment = interaction.options.getAttachment('file', true);
    const title = interaction.options.getString('title') ?? undefined;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    let result;
    try {
      result = await addUpload(curateDeps(context.config, context.footnoteFor(interaction.guildId).config.corpusDir), { guildId: interaction.guildId!, attachment: attachmentRef(attachment), ...(title && { title }) }, moderatorOf(interaction, context));
    } catch (error) {
      if (!isCurateRefusal(error)) throw error;
      await interaction.editReply(updateReply(notice(error.message)));
      return;
    }
    context.log.info('corpus changed', { action: 'add-file', moderator: result.entry.moderator.user, documents: result.entry.documents });
    await reindexAfterChange(interaction, context, `Saved “${escapeMarkdown(result.titles.join(', '))}” to the corpus as \`${result.entry.files[0]}\`.`);
  },
  async autocomplete(interaction, context) {
    if (!isModerator(interaction, context.config.discord.moderatorRoleIds)) {
      await interaction.respond([]);
      return;
    }
    const typed = interaction.options.getFocused().toLowerCase();
    const choices = context.footnoteFor(interaction.guildId)
      .sources()
      .filter((s) => !['web-page', 'collection'].includes(originOf(s)) && s.id.length <= 100)
      .filter((s) => s.title.toLowerCase().includes(typed) || s.id.toLowerCase().includes(typed))
      .slice(0, 25)
      .map((s) => ({ name: `${s.title}`.replace(/[\u0000-\u001f]/g, ' ').slice(0, 100) || s.id, value: s.id }));
    await interaction.respond(choices);
  },
};

/** The document named: by id, else by a title that only one document has. */
export function findDocument(context: BotContext, guildId: string | null, named: string): SourceSummary {
  const sources = context.footnoteFor(guildId).sources();
  const found = sources.find((s) => s.id === named) ?? (() => {
    const byTitle = sources.filter((s) => s.title.toLowerCase() === named.trim().toLowerCase());
    return byTitle.length === 1 ? byTitle[0] : undefined;
  })();
  if (!found) throw new FootnoteError('DOCUMENT_NOT_FOUND', `There is no document '${escapeMarkdown(named.slice(0, 100))}'. Pick one from the list as you type, or see /corpus list.`);
  return found;
}
