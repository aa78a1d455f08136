/**
 * Permission bits and Discord's permission computation (base permissions from roles, then channel overwrites).
 */

/** The permission flags a text bot deals with (values from Discord's docs). */
export const PERMISSIONS = {
  CREATE_INSTANT_INVITE: 1n << 0n,
  KICK_MEMBERS: 1n << 1n,
  BAN_MEMBERS: 1n << 2n,
  ADMINISTRATOR: 1n << 3n,
  MANAGE_CHANNELS: 1n << 4n,
  MANAGE_GUILD: 1n << 5n,
  ADD_REACTIONS: 1n << 6n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  MANAGE_MESSAGES: 1n << 13n,
  EMBED_LINKS: 1n << 14n,
  ATTACH_FILES: 1n << 15n,
  READ_MESSAGE_HISTORY: 1n << 16n,
  MENTION_EVERYONE: 1n << 17n,
  USE_EXTERNAL_EMOJIS: 1n << 18n,
  MANAGE_ROLES: 1n << 28n,
  USE_APPLICATION_COMMANDS: 1n << 31n,
  MANAGE_THREADS: 1n << 34n,
  CREATE_PUBLIC_THREADS: 1n << 35n,
  CREATE_PRIVATE_THREADS: 1n << 36n,
  SEND_MESSAGES_IN_THREADS: 1n << 38n,
  MODERATE_MEMBERS: 1n << 40n,
} as const;

export type PermissionName = keyof typeof PERMISSIONS;

/** A permission bitfield string (Discord's wire format) from flag names or bigints. */
export function permissionString(...flags: Array<PermissionName | bigint | string>): string {
  let bits = 0n;
  for (const flag of flags) {
    if (typeof flag === 'bigint') bits |= flag;
    else if (flag in PERMISSIONS) bits |= PERMISSIONS[flag as PermissionName];
    else bits |= BigInt(flag); // an existing bitfield string
  }
  return bits.toString();
}

export function hasPermission(bitfield: string | bigint, flag: PermissionName): boolean {
  const bits = typeof bitfield === 'bigint' ? bitfield : BigInt(bitfield || '0');
  return (bits & PERMISSIONS.ADMINISTRATOR) !== 0n || (bits & PERMISSIONS[flag]) !== 0n;
}

/** Every bit Discord defines today (what ADMINISTRATOR resolves to). */
export const ALL_PERMISSIONS = (1n << 53n) - 1n;

/** @everyone in the default guild: what an ordinary member can do. */
export const EVERYONE_PERMISSIONS = permissionString(
  'CREATE_INSTANT_INVITE',
  'ADD_REACTIONS',
  'VIEW_CHANNEL',
  'SEND_MESSAGES',
  'EMBED_LINKS',
  'ATTACH_FILES',
  'READ_MESSAGE_HISTORY',
  'USE_EXTERNAL_EMOJIS',
  'USE_APPLICATION_COMMANDS',
  'CREATE_PUBLIC_THREADS',
  'SEND_MESSAGES_IN_THREADS',
);

/** The bot's managed role in the default guild: what a text bot is usually invited with. */
export const BOT_ROLE_PERMISSIONS = permissionString(
  EVERYONE_PERMISSIONS,
  'MANAGE_THREADS',
);

/** The "Moderator" role in the default guild. */
export const MODERATOR_ROLE_PERMISSIONS = permissionString('MANAGE_GUILD', 'MANAGE_MESSAGES', 'MANAGE_THREADS', 'MODERATE_MEMBERS');

export interface RoleLike {
  id: string;
  permissions: string;
}
export interface OverwriteLike {
  id: string;
  type: number; // 0 role, 1 member
  allow: string;
  deny: string;
}

/** Discord's algorithm: base = @everyone | member roles; ADMINISTRATOR = all; then @everyone, role, member overwrites. */
export function computePermissions(input: {
  guildId: string;
  ownerId: string;
  userId: string;
  memberRoleIds: readonly string[];
  roles: readonly RoleLike[];
  overwrites?: readonly OverwriteLike[];
}): bigint {
  if (input.userId === input.ownerId) return ALL_PERMISSIONS;
  const byId = new Map(input.roles.map((r) => [r.id, BigInt(r.permissions)]));
  let base = byId.get(input.guildId) ?? 0n;
  for (const roleId of input.memberRoleIds) base |= byId.get(roleId) ?? 0n;
  if (base & PERMISSIONS.ADMINISTRATOR) return ALL_PERMISSIONS;
  const overwrites = input.overwrites ?? [];
  let perms = base;
  const everyone = overwrites.find((o) => o.id === input.guildId);
  if (everyone) perms = (perms & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== input.guildId && input.memberRoleIds.includes(o.id)) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  perms = (perms & ~deny) | allow;
  const member = overwrites.find((o) => o.type === 1 && o.id === input.userId);
  if (member) perms = (perms & ~BigInt(member.deny)) | BigInt(member.allow);
  // Without VIEW_CHANNEL nothing else in the channel is usable.
  if (!(perms & PERMISSIONS.VIEW_CHANNEL)) return 0n;
  return perms;
}
