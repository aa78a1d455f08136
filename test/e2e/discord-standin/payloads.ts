/**
 * Builders for what Discord sends a bot: interactions (slash command, autocomplete, button, select, message context
 * menu) and guild MESSAGE_CREATE payloads, plus the default test guild and the people in it.
 *
 * Builders are pure: they know the default ids below but not the running stand-in. `dispatchInteraction` /
 * `dispatchMessage` complete what only the stand-in knows (the registered command's id, the channel object, the
 * bot's `app_permissions` in that channel when left empty, the current state of a clicked message).
 */
import type {
  APIApplicationCommandAutocompleteGuildInteraction,
  APIApplicationCommandInteractionDataBasicOption,
  APIApplicationCommandInteractionDataOption,
  APIAttachment,
  APIChatInputApplicationCommandGuildInteraction,
  APIInteractionGuildMember,
  APIMessage,
  APIMessageApplicationCommandGuildInteraction,
  APIMessageComponentButtonInteraction,
  APIMessageComponentGuildInteraction,
  APIUser,
  GatewayMessageCreateDispatchData,
} from 'discord.js';
import {
  EVERYONE_PERMISSIONS,
  MODERATOR_ROLE_PERMISSIONS,
  BOT_ROLE_PERMISSIONS,
  PERMISSIONS,
  permissionString,
  type OverwriteLike,
} from './permissions.js';
import { interactionToken, isoNow, snowflake } from './util.js';

/** Fixed ids of the default world. The bot user shares the application's id, as for every modern Discord app. */
export const IDS = {
  application: '1000000000000000001',
  bot: '1000000000000000001',
  guild: '1000000000000000100',
  /** @everyone's id is the guild's id. */
  everyoneRole: '1000000000000000100',
  botRole: '1000000000000000101',
  moderatorRole: '1000000000000000102',
  /** #general: everyone (and the bot) can read and write. */
  channel: '1000000000000000200',
  /** #read-only: the bot can read but not send (an overwrite denies SEND_MESSAGES to its role). */
  readOnlyChannel: '1000000000000000201',
  owner: '1000000000000000300',
  member: '1000000000000000301',
  moderator: '1000000000000000302',
} as const;

export const DEFAULT_LOCALE = 'en-US';

/** Someone acting in the guild: who they are, their role ids, and their permissions (a bitfield string). */
export interface Actor {
  id: string;
  username: string;
  globalName: string | null;
  /** Total permissions in the channel, as Discord puts in `member.permissions` of an interaction. */
  permissions: string;
  roles: string[];
  nick: string | null;
  bot: boolean;
}

export function actor(init: Partial<Actor> & { id: string }): Actor {
  return {
    username: `user_${init.id.slice(-4)}`,
    globalName: null,
    permissions: EVERYONE_PERMISSIONS,
    roles: [],
    nick: null,
    bot: false,
    ...init,
  };
}

/** An ordinary member: @everyone's permissions only (no MANAGE_GUILD). */
export const MEMBER: Actor = actor({ id: IDS.member, username: 'ordinary_member', globalName: 'Ordinary Member' });
/** A moderator: the Moderator role (MANAGE_GUILD = 1<<5, MANAGE_MESSAGES, ...). */
export const MODERATOR: Actor = actor({
  id: IDS.moderator,
  username: 'moderator',
  globalName: 'Moderator',
  roles: [IDS.moderatorRole],
  permissions: permissionString(EVERYONE_PERMISSIONS, MODERATOR_ROLE_PERMISSIONS),
});
/** The guild owner: every permission. */
export const OWNER: Actor = actor({
  id: IDS.owner,
  username: 'guild_owner',
  globalName: 'Guild Owner',
  permissions: ((1n << 53n) - 1n).toString(),
});

const NO_USER_FLAGS = 0 as NonNullable<APIUser['flags']>;

export const BOT_USER: APIUser = {
  id: IDS.bot,
  username: 'Footnote',
  discriminator: '0',
  global_name: null,
  avatar: null,
  bot: true,
  public_flags: NO_USER_FLAGS,
  flags: NO_USER_FLAGS,
};

export function userOf(a: Actor): APIUser {
  return {
    id: a.id,
    username: a.username,
    discriminator: '0',
    global_name: a.globalName,
    avatar: null,
    public_flags: NO_USER_FLAGS,
    ...(a.bot ? { bot: true } : {}),
  };
}

const JOINED_AT = '2024-01-01T00:00:00.000000+00:00';

/** The guild member object (without `user`), as in MESSAGE_CREATE's `member`. */
export function partialMemberOf(a: Actor): Omit<APIInteractionGuildMember, 'user' | 'permissions'> {
  return {
    roles: [...a.roles],
    nick: a.nick,
    avatar: null,
    banner: null,
    joined_at: JOINED_AT,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as APIInteractionGuildMember['flags'],
    pending: false,
    communication_disabled_until: null,
  };
}

export function interactionMemberOf(a: Actor): APIInteractionGuildMember {
  return { ...partialMemberOf(a), user: userOf(a), permissions: a.permissions };
}

// ---------------------------------------------------------------------------------------------------------------
// Guilds

export interface RoleInit {
  id: string;
  name: string;
  permissions: string;
  position?: number;
  color?: number;
  /** Managed roles belong to an integration (the bot's own role is one). */
  managed?: boolean;
  /** For a bot's managed role: `{ bot_id }`. */
  tags?: Record<string, string | null>;
  mentionable?: boolean;
  hoist?: boolean;
}

export interface ChannelInit {
  id: string;
  name: string;
  /** ChannelType: 0 text (default), 2 voice, 4 category, 5 announcement, 15 forum. */
  type?: number;
  parentId?: string | null;
  topic?: string | null;
  nsfw?: boolean;
  position?: number;
  permissionOverwrites?: OverwriteLike[];
}

export interface GuildInit {
  id: string;
  name?: string;
  ownerId?: string;
  preferredLocale?: string;
  /** Must contain @everyone (id = guild id); added with EVERYONE_PERMISSIONS when missing. */
  roles?: RoleInit[];
  channels?: ChannelInit[];
  /** Members besides the bot (who is always a member). */
  members?: Actor[];
  /** The bot member's role ids (default: a managed "Footnote" role with BOT_ROLE_PERMISSIONS). */
  botRoleIds?: string[];
}

/** The default test guild: #general, #read-only (bot cannot send), @everyone, a bot role and a Moderator role. */
export function defaultGuild(overrides: Partial<GuildInit> = {}): GuildInit {
  return {
    id: IDS.guild,
    name: 'Footnote Test Guild',
    ownerId: IDS.owner,
    preferredLocale: DEFAULT_LOCALE,
    roles: [
      { id: IDS.everyoneRole, name: '@everyone', permissions: EVERYONE_PERMISSIONS, position: 0 },
      { id: IDS.moderatorRole, name: 'Moderator', permissions: MODERATOR_ROLE_PERMISSIONS, position: 1, hoist: true },
      {
        id: IDS.botRole,
        name: 'Footnote',
        permissions: BOT_ROLE_PERMISSIONS,
        position: 2,
        managed: true,
        tags: { bot_id: IDS.bot },
      },
    ],
    channels: [
      { id: IDS.channel, name: 'general', topic: 'General chat', position: 0 },
      {
        id: IDS.readOnlyChannel,
        name: 'read-only',
        topic: 'The bot may read but not write here',
        position: 1,
        permissionOverwrites: [
          {
            id: IDS.botRole,
            type: 0,
            allow: '0',
            deny: (PERMISSIONS.SEND_MESSAGES | PERMISSIONS.SEND_MESSAGES_IN_THREADS | PERMISSIONS.CREATE_PUBLIC_THREADS).toString(),
          },
        ],
      },
    ],
    members: [OWNER, MODERATOR, MEMBER],
    botRoleIds: [IDS.botRole],
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Interactions

export interface InteractionInit {
  /** Who acts (default: MEMBER, an ordinary member). Their `permissions` and `roles` go into `member`. */
  member?: Actor;
  guildId?: string;
  channelId?: string;
  /** The user's client locale (default en-US). */
  locale?: string;
  /**
   * The bot's permissions in the channel. Leave undefined: the stand-in computes them from the guild's roles and
   * the channel's overwrites when the interaction is dispatched.
   */
  appPermissions?: string;
  id?: string;
  token?: string;
  applicationId?: string;
}

/** A command option value: strings, booleans, integers and numbers are typed automatically. */
export type OptionInput =
  | string
  | number
  | boolean
  | { type: number; value: string | number | boolean; focused?: boolean };

/** ApplicationCommandOptionType: 3 string, 4 integer, 5 boolean, 10 number. */
function inferOptionType(value: string | number | boolean): number {
  if (typeof value === 'string') return 3;
  if (typeof value === 'boolean') return 5;
  return Number.isInteger(value) ? 4 : 10;
}

export function toOptions(
  options: Record<string, OptionInput> = {},
  focused?: string,
): APIApplicationCommandInteractionDataBasicOption[] {
  return Object.entries(options).map(([name, input]) => {
    const { type, value, focused: f } =
      typeof input === 'object' ? input : { type: inferOptionType(input), value: input, focused: undefined };
    const option: Record<string, unknown> = { name, type, value };
    if (f || focused === name) option.focused = true;
    return option as unknown as APIApplicationCommandInteractionDataBasicOption;
  });
}

function base(init: InteractionInit, type: number): Record<string, unknown> {
  const who = init.member ?? MEMBER;
  const guildId = init.guildId ?? IDS.guild;
  const channelId = init.channelId ?? IDS.channel;
  return {
    id: init.id ?? snowflake(),
    application_id: init.applicationId ?? IDS.application,
    type,
    token: init.token ?? interactionToken(),
    version: 1,
    guild_id: guildId,
    guild: { id: guildId, locale: DEFAULT_LOCALE, features: [] },
    channel_id: channelId,
    // Completed from the stand-in's guild state on dispatch (name, topic, overwrites...).
    channel: { id: channelId, type: 0, guild_id: guildId },
    member: interactionMemberOf(who),
    // '' = "let the stand-in compute the bot's permissions in this channel on dispatch".
    app_permissions: init.appPermissions ?? '',
    locale: init.locale ?? DEFAULT_LOCALE,
    guild_locale: DEFAULT_LOCALE,
    entitlements: [],
    // Guild-installed app (ApplicationIntegrationType.GuildInstall = 0) → the guild id.
    authorizing_integration_owners: { '0': guildId },
    // InteractionContextType.Guild
    context: 0,
    attachment_size_limit: 10 * 1024 * 1024,
  };
}

/** A chat-input ("slash") command, `/name option:value ...` (type 2, data.type 1). */
export function slashCommand(
  init: InteractionInit & {
    name: string;
    options?: Record<string, OptionInput>;
    /** Wrap the options in this subcommand. */
    subcommand?: string;
    /** Defaults to the id of the registered command with this name, or a fresh id. */
    commandId?: string;
    /** Uploaded files for attachment options (type 11, value = the attachment's id): `data.resolved.attachments`. */
    attachments?: APIAttachment[];
  },
): APIChatInputApplicationCommandGuildInteraction {
  let options: APIApplicationCommandInteractionDataOption[] = toOptions(init.options);
  if (init.subcommand) {
    options = [{ name: init.subcommand, type: 1, options: options as APIApplicationCommandInteractionDataBasicOption[] } as unknown as APIApplicationCommandInteractionDataOption];
  }
  return {
    ...base(init, 2),
    data: {
      id: init.commandId ?? '',
      name: init.name,
      type: 1,
      options,
      ...(init.attachments?.length ? { resolved: { attachments: Object.fromEntries(init.attachments.map((a) => [a.id, a])) } } : {}),
    },
  } as unknown as APIChatInputApplicationCommandGuildInteraction;
}

/** An autocomplete request (type 4) while the user types into option `focused`. */
export function autocomplete(
  init: InteractionInit & {
    name: string;
    options?: Record<string, OptionInput>;
    focused: string;
    subcommand?: string;
    commandId?: string;
  },
): APIApplicationCommandAutocompleteGuildInteraction {
  const options = { ...(init.options ?? {}) };
  if (!(init.focused in options)) options[init.focused] = '';
  let opts: APIApplicationCommandInteractionDataOption[] = toOptions(options, init.focused);
  if (init.subcommand) {
    opts = [{ name: init.subcommand, type: 1, options: opts } as unknown as APIApplicationCommandInteractionDataOption];
  }
  return {
    ...base(init, 4),
    data: { id: init.commandId ?? '', name: init.name, type: 1, options: opts },
  } as unknown as APIApplicationCommandAutocompleteGuildInteraction;
}

/** A button click (type 3, component_type 2) on `message`. */
export function buttonClick(
  init: InteractionInit & { customId: string; message: APIMessage },
): APIMessageComponentButtonInteraction {
  return {
    ...base(init, 3),
    channel_id: init.message.channel_id,
    channel: { id: init.message.channel_id, type: 0, guild_id: init.guildId ?? IDS.guild },
    message: init.message,
    data: { custom_id: init.customId, component_type: 2 },
  } as unknown as APIMessageComponentButtonInteraction;
}

/** A string select choice (type 3, component_type 3) on `message`. */
export function stringSelect(
  init: InteractionInit & { customId: string; values: string[]; message: APIMessage },
): APIMessageComponentGuildInteraction {
  return {
    ...base(init, 3),
    channel_id: init.message.channel_id,
    channel: { id: init.message.channel_id, type: 0, guild_id: init.guildId ?? IDS.guild },
    message: init.message,
    data: { custom_id: init.customId, component_type: 3, values: init.values },
  } as unknown as APIMessageComponentGuildInteraction;
}

/** A message context-menu command ("Apps → name" on `target`): type 2, data.type 3, target_id, resolved.messages. */
export function messageContextMenu(
  init: InteractionInit & { name: string; target: APIMessage; commandId?: string },
): APIMessageApplicationCommandGuildInteraction {
  return {
    ...base(init, 2),
    channel_id: init.target.channel_id,
    channel: { id: init.target.channel_id, type: 0, guild_id: init.guildId ?? IDS.guild },
    data: {
      id: init.commandId ?? '',
      name: init.name,
      type: 3,
      target_id: init.target.id,
      resolved: { messages: { [init.target.id]: init.target } },
    },
  } as unknown as APIMessageApplicationCommandGuildInteraction;
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

const KNOWN_USERS = new Map<string, APIUser>([
  [BOT_USER.id, BOT_USER],
  ...[MEMBER, MODERATOR, OWNER].map((a) => [a.id, userOf(a)] as [string, APIUser]),
]);

/** A guild MESSAGE_CREATE payload written by `author` (default MEMBER). `<@id>` mentions in `content` are parsed. */
export function guildMessage(init: {
  content: string;
  author?: Actor;
  channelId?: string;
  guildId?: string;
  id?: string;
  /** Extra users to list in `mentions` (the ones written `<@id>` in content are added automatically). */
  mentions?: APIUser[];
  embeds?: APIMessage['embeds'];
  attachments?: APIMessage['attachments'];
  /** Make it a reply (type 19) to this message. */
  replyTo?: APIMessage;
}): GatewayMessageCreateDispatchData {
  const author = init.author ?? MEMBER;
  const guildId = init.guildId ?? IDS.guild;
  const channelId = init.channelId ?? init.replyTo?.channel_id ?? IDS.channel;
  const mentioned = new Map<string, APIUser>();
  for (const u of init.mentions ?? []) mentioned.set(u.id, u);
  for (const match of init.content.matchAll(/<@!?(\d{15,21})>/g)) {
    const id = match[1] as string;
    if (!mentioned.has(id)) mentioned.set(id, KNOWN_USERS.get(id) ?? { id, username: `user_${id.slice(-4)}`, discriminator: '0', global_name: null, avatar: null });
  }
  const roleMentions = [...init.content.matchAll(/<@&(\d{15,21})>/g)].map((m) => m[1] as string);
  const message: Record<string, unknown> = {
    id: init.id ?? snowflake(),
    type: init.replyTo ? 19 : 0,
    channel_id: channelId,
    guild_id: guildId,
    author: userOf(author),
    member: partialMemberOf(author),
    content: init.content,
    timestamp: isoNow(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: /@(everyone|here)\b/.test(init.content),
    mentions: [...mentioned.values()],
    mention_roles: roleMentions,
    attachments: init.attachments ?? [],
    embeds: init.embeds ?? [],
    components: [],
    pinned: false,
    flags: 0,
    nonce: snowflake(),
  };
  if (init.replyTo) {
    message.message_reference = { type: 0, message_id: init.replyTo.id, channel_id: init.replyTo.channel_id, guild_id: guildId };
    message.referenced_message = init.replyTo;
  }
  return message as unknown as GatewayMessageCreateDispatchData;
}

/** A guild message that mentions the bot: `<@botId> text`, with the bot in `mentions`. */
export function mentionMessage(
  init: Omit<Parameters<typeof guildMessage>[0], 'content'> & { text: string; botUserId?: string },
): GatewayMessageCreateDispatchData {
  const botId = init.botUserId ?? IDS.bot;
  const { text, botUserId: _ignored, ...rest } = init;
  return guildMessage({ ...rest, content: `<@${botId}> ${text}` });
}
