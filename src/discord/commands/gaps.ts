import { ApplicationCommandType, InteractionContextType, MessageFlags, PermissionFlagsBits, type Interaction } from 'discord.js';
import { GAPS_PER_PAGE, gapsView } from '../../format/gaps.js';
import { reportGaps } from '../../gaps/index.js';
import type { BotContext, ButtonHandler, SlashCommand } from '../context.js';
import { ids } from '../customIds.js';
import { requireModerator } from '../guards.js';
import { updateReply } from '../reply.js';

function checkModerator(interaction: Interaction, context: BotContext): void {
  requireModerator(interaction, context.config.discord.moderatorRoleIds, 'see the questions members asked');
}

async function page(interaction: Interaction, context: BotContext, wanted: number) {
  const footnote = context.footnoteFor(interaction.guildId);
  const report = await reportGaps(context.config, footnote.index, { guild: interaction.guildId, embedder: footnote.embedder });
  const n = Math.min(Math.max(0, wanted || 0), Math.max(0, Math.ceil(report.groups.length / GAPS_PER_PAGE) - 1));
  return updateReply(gapsView(report, n, { previous: ids.gaps(n, 'prev'), next: ids.gaps(n, 'next') }));
}

export const gapsCommand: SlashCommand = {
  definition: {
    name: 'gaps',
    description: 'Moderators: questions the corpus could not answer or that got 👎, grouped by wording.',
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
    // A default only: it shows members' questions, and server admins can override it, so run() checks again.
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  },
  async run(interaction, context) {
    checkModerator(interaction, context);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply(await page(interaction, context, 0));
  },
};

/** ◀ ▶ under /gaps: the report is made again (the file may have grown), so a page is always current. */
export const gapsPageButton: ButtonHandler = {
  prefix: 'gaps',
  async run(interaction, [current = '0', direction], context) {
    checkModerator(interaction, context);
    await interaction.deferUpdate();
    await interaction.editReply(await page(interaction, context, Number(current) + (direction === 'next' ? 1 : -1)));
  },
};
