import { documentView, passageView, sourcesView } from '../format/discord.js';
import { CURATE_BUTTONS } from './curateButtons.js';
import { whatWasWrongView } from '../format/gaps.js';
import { DOWN_REASONS, isDownReason, type DownReason } from '../gaps/records.js';
import { gapsPageButton } from './commands/gaps.js';
import { answerPage, expired, shownQuotes } from './answering.js';
import type { ButtonHandler } from './context.js';
import { ids } from './customIds.js';
import { interactionReply, notice, updateReply } from './reply.js';

const more: ButtonHandler = {
  prefix: 'more',
  async run(interaction, [answerId = '', page = '1'], context) {
    const stored = context.answers.get(answerId);
    if (!stored) throw expired();
    await interaction.reply(interactionReply(answerPage(stored, Number(page), 'More for'), true));
  },
};

const passage: ButtonHandler = {
  prefix: 'passage',
  async run(interaction, [answerId = '', index = '0'], context) {
    const stored = context.answers.get(answerId);
    const quote = stored && shownQuotes(stored.answer)[Number(index)];
    if (!stored || !quote) throw expired();
    const found = await context.footnoteFor(interaction.guildId).passage(stored.answer.version, quote.passage);
    if (!found) {
      await interaction.reply(interactionReply(notice('The index has been updated since this answer; please ask again to see the current passage.'), true));
      return;
    }
    await interaction.reply(interactionReply(passageView(found.document, found.passage), true));
  },
};

const vote: ButtonHandler = {
  prefix: 'vote',
  async run(interaction, [answerId = '', choice], context) {
    const stored = context.answers.get(answerId);
    if (!stored) throw expired();
    context.feedback.record(choice === 'up' ? 'up' : 'down', stored, interaction.user.id);
    if (choice === 'up') {
      await interaction.reply(interactionReply(notice('Thanks! Glad the sources helped.'), true));
      return;
    }
    const reasonIds = Object.fromEntries((Object.keys(DOWN_REASONS) as DownReason[]).map((r) => [r, ids.reason(answerId, r)])) as Record<DownReason, string>;
    await interaction.reply(interactionReply(whatWasWrongView('Thanks: the moderators will look at what was missing.', reasonIds), true));
  },
};

/** The optional "what was wrong?" after a 👎: a line of its own in FEEDBACK_FILE, referring to the answer. */
const reason: ButtonHandler = {
  prefix: 'reason',
  async run(interaction, [answerId = '', choice], context) {
    if (!isDownReason(choice)) throw expired();
    context.feedback.recordReason(answerId, choice, interaction.user.id);
    await interaction.update(updateReply(notice(`Thanks: noted as “${DOWN_REASONS[choice]}”.`)));
  },
};

const sources: ButtonHandler = {
  prefix: 'sources',
  async run(interaction, [page = '0', direction], context) {
    const next = Number(page) + (direction === 'next' ? 1 : -1);
    const view = sourcesView(context.footnoteFor(interaction.guildId).sources(), next, { previous: ids.sources(next, 'prev'), next: ids.sources(next, 'next') });
    await interaction.update(updateReply(view));
  },
};

const document: ButtonHandler = {
  prefix: 'doc',
  async run(interaction, [page = '0', direction, ...rest], context) {
    const docId = rest.join(':');
    // An id too long for the 100-character custom id was cut: it is then the start of the document's id.
    const starting = context.footnoteFor(interaction.guildId).sources().filter((s) => s.id.startsWith(docId));
    const doc = await context.footnoteFor(interaction.guildId).document(starting.length === 1 ? starting[0]!.id : docId);
    const next = Number(page) + (direction === 'next' ? 1 : -1);
    await interaction.update(updateReply(documentView(doc, next, { previous: ids.document(doc.id, next, 'prev'), next: ids.document(doc.id, next, 'next') })));
  },
};

export const BUTTONS: readonly ButtonHandler[] = [more, passage, vote, sources, document, reason, gapsPageButton, ...CURATE_BUTTONS];
