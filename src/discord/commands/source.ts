import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType } from 'discord.js';
import { FootnoteError } from '../../errors.js';
import { documentView } from '../../format/discord.js';
import { DISCORD_LIMITS } from '../../format/limits.js';
import { escapeWithin, shortenText } from '../../format/markdown.js';
import type { SlashCommand } from '../context.js';
import { ids } from '../customIds.js';
import { interactionReply } from '../reply.js';

export const sourceCommand: SlashCommand = {
  definition: {
    name: 'source',
    description: 'Show one document: its title, details and text.',
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
    options: [{ name: 'document', description: 'Start typing a title or id', type: ApplicationCommandOptionType.String, required: true, autocomplete: true }],
  },
  async run(interaction, context) {
    const typed = interaction.options.getString('document', true);
    // What the member typed is echoed escaped and short: it may be Markdown, a link, or 6,000 characters.
    if (!context.footnoteFor(interaction.guildId).sources().some((s) => s.id === typed)) {
      throw new FootnoteError('DOCUMENT_NOT_FOUND', `There is no document with the id '${escapeWithin(typed, 200)}'. /sources lists them.`);
    }
    const doc = await context.footnoteFor(interaction.guildId).document(typed);
    await interaction.reply(interactionReply(documentView(doc, 0, { previous: ids.document(doc.id, 0, 'prev'), next: ids.document(doc.id, 0, 'next') }), true));
  },
  async autocomplete(interaction, context) {
    const typed = interaction.options.getFocused().toLowerCase().trim();
    const matches = context.footnoteFor(interaction.guildId)
      .sources()
      .filter((s) => s.id.length <= DISCORD_LIMITS.choiceValue)
      .filter((s) => typed === '' || s.title.toLowerCase().includes(typed) || s.id.toLowerCase().includes(typed))
      .slice(0, DISCORD_LIMITS.autocompleteChoices);
    await interaction.respond(matches.map((s) => ({ name: choiceName(s.title, s.id), value: s.id })));
  },
};

/** "Title (id)" within 100 characters: the title is shortened first, so the id (often what was typed) stays visible. */
function choiceName(title: string, id: string): string {
  const room = DISCORD_LIMITS.choiceName - id.length - 3;
  return room >= 20 ? `${shortenText(title, room)} (${id})` : shortenText(`${title} (${id})`, DISCORD_LIMITS.choiceName);
}
