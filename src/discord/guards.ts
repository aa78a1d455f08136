import { PermissionFlagsBits, type Interaction } from 'discord.js';
import { FootnoteError } from '../errors.js';

/**
 * May this member run moderator commands? Checked when the command runs, whatever Discord's
 * command permissions say: server admins can override those, so they are a convenience, not a lock.
 */
export function isModerator(interaction: Interaction, moderatorRoleIds: readonly string[]): boolean {
  if (!interaction.inGuild()) return false;
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  const member = interaction.member;
  const roles: Iterable<string> = Array.isArray(member.roles) ? member.roles : member.roles.cache.keys();
  for (const role of roles) if (moderatorRoleIds.includes(role)) return true;
  return false;
}

/** Refuses (NOT_ALLOWED, said to the member) anyone `isModerator` does not let through: "Only moderators … can <doing>." */
export function requireModerator(interaction: Interaction, moderatorRoleIds: readonly string[], doing: string): void {
  if (!isModerator(interaction, moderatorRoleIds)) {
    throw new FootnoteError('NOT_ALLOWED', `Only moderators (Manage Server permission or a moderator role) can ${doing}.`);
  }
}
