/**
 * What the stand-in knows about "Discord": the bot user, guilds (roles, channels, members), messages, threads,
 * registered application commands and uploaded attachments. The HTTP API and the gateway both read and write it.
 */
import type { APIRole, APIUser } from 'discord.js';
import {
  actor,
  partialMemberOf,
  userOf,
  type Actor,
  type ChannelInit,
  type GuildInit,
} from './payloads.js';
import { computePermissions, EVERYONE_PERMISSIONS, BOT_ROLE_PERMISSIONS, type OverwriteLike } from './permissions.js';
import { clone, isDict, isoNow, snowflake, type Dict } from './util.js';

export interface GuildState {
  id: string;
  name: string;
  ownerId: string;
  preferredLocale: string;
  roles: APIRole[];
  /** userId → member (the bot included). */
  members: Map<string, { actor: Actor; joinedAt: string }>;
  channelIds: string[];
  joinedAt: string;
}

export interface StoredFile {
  /** The multipart field name, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** ChannelType values for threads. */
export const THREAD_TYPES = new Set([10, 11, 12]);
/** MessageFlags */
export const FLAGS = { CROSSPOSTED: 1, SUPPRESS_EMBEDS: 4, HAS_THREAD: 32, EPHEMERAL: 64, LOADING: 128, SUPPRESS_NOTIFICATIONS: 4096, IS_COMPONENTS_V2: 32768 } as const;

function roleOf(init: NonNullable<GuildInit['roles']>[number]): APIRole {
  return {
    id: init.id,
    name: init.name,
    color: init.color ?? 0,
    colors: { primary_color: init.color ?? 0, secondary_color: null, tertiary_color: null },
    hoist: init.hoist ?? false,
    icon: null,
    unicode_emoji: null,
    position: init.position ?? 0,
    permissions: init.permissions,
    managed: init.managed ?? false,
    mentionable: init.mentionable ?? false,
    flags: 0 as APIRole['flags'],
    ...(init.tags ? { tags: init.tags as APIRole['tags'] } : {}),
  };
}

function channelOf(init: ChannelInit, guildId: string, index: number): Dict {
  const type = init.type ?? 0;
  const channel: Dict = {
    id: init.id,
    type,
    guild_id: guildId,
    name: init.name,
    position: init.position ?? index,
    permission_overwrites: (init.permissionOverwrites ?? []).map((o) => ({ ...o })),
    parent_id: init.parentId ?? null,
    nsfw: init.nsfw ?? false,
    flags: 0,
  };
  if (type === 0 || type === 5) {
    Object.assign(channel, {
      topic: init.topic ?? null,
      last_message_id: null,
      rate_limit_per_user: 0,
      default_auto_archive_duration: 1440,
      default_thread_rate_limit_per_user: 0,
      last_pin_timestamp: null,
    });
  }
  if (type === 2) Object.assign(channel, { bitrate: 64000, user_limit: 0, rtc_region: null, last_message_id: null });
  if (type === 15) {
    // A forum: members open posts (threads whose starter message has the thread's id); no messages of its own.
    Object.assign(channel, {
      topic: init.topic ?? null,
      last_message_id: null,
      rate_limit_per_user: 0,
      default_auto_archive_duration: 1440,
      default_thread_rate_limit_per_user: 0,
      available_tags: [],
      default_reaction_emoji: null,
      default_sort_order: null,
      default_forum_layout: 0,
    });
  }
  return channel;
}

export class World {
  readonly guilds = new Map<string, GuildState>();
  readonly channels = new Map<string, Dict>();
  readonly messages = new Map<string, Dict>();
  readonly users = new Map<string, APIUser>();
  readonly globalCommands: Dict[] = [];
  readonly guildCommands = new Map<string, Dict[]>();
  /** `channelId/attachmentId/filename` → bytes, served at `${baseUrl}/attachments/...`. */
  readonly attachments = new Map<string, { data: Buffer; contentType: string }>();
  /** Set once the HTTP server listens. */
  baseUrl = 'http://127.0.0.1';
  private componentIdCounter = 0;

  constructor(
    readonly botUser: APIUser,
    readonly applicationId: string,
    guilds: GuildInit[],
  ) {
    this.users.set(botUser.id, botUser);
    for (const init of guilds) this.addGuild(init);
  }

  addGuild(init: GuildInit): GuildState {
    const joinedAt = isoNow();
    const roles = (init.roles ?? []).map(roleOf);
    if (!roles.some((r) => r.id === init.id)) {
      roles.unshift(roleOf({ id: init.id, name: '@everyone', permissions: EVERYONE_PERMISSIONS, position: 0 }));
    }
    let botRoleIds = init.botRoleIds;
    if (!botRoleIds) {
      const managed = roleOf({ id: snowflake(), name: this.botUser.username, permissions: BOT_ROLE_PERMISSIONS, position: roles.length, managed: true, tags: { bot_id: this.botUser.id } });
      roles.push(managed);
      botRoleIds = [managed.id];
    }
    const guild: GuildState = {
      id: init.id,
      name: init.name ?? 'Test Guild',
      ownerId: init.ownerId ?? (init.members?.[0]?.id ?? snowflake()),
      preferredLocale: init.preferredLocale ?? 'en-US',
      roles,
      members: new Map(),
      channelIds: [],
      joinedAt,
    };
    const bot = actor({ id: this.botUser.id, username: this.botUser.username, globalName: this.botUser.global_name ?? null, roles: botRoleIds, bot: true });
    guild.members.set(bot.id, { actor: bot, joinedAt });
    for (const m of init.members ?? []) {
      guild.members.set(m.id, { actor: m, joinedAt: '2024-01-01T00:00:00.000000+00:00' });
      this.users.set(m.id, userOf(m));
    }
    const channels = init.channels ?? [{ id: snowflake(), name: 'general' }];
    channels.forEach((c, i) => {
      this.channels.set(c.id, channelOf(c, guild.id, i));
      guild.channelIds.push(c.id);
    });
    this.guilds.set(guild.id, guild);
    return guild;
  }

  guildOfChannel(channelId: string): GuildState | undefined {
    const guildId = this.channels.get(channelId)?.guild_id;
    return typeof guildId === 'string' ? this.guilds.get(guildId) : undefined;
  }

  /** Permissions of a member (by roles) in a channel, overwrites applied (threads use their parent's). */
  permissionsIn(channelId: string, userId: string, roleIds?: readonly string[]): bigint {
    const channel = this.channels.get(channelId);
    const guild = this.guildOfChannel(channelId);
    if (!channel || !guild) return 0n;
    const source = THREAD_TYPES.has(channel.type) ? this.channels.get(channel.parent_id) ?? channel : channel;
    return computePermissions({
      guildId: guild.id,
      ownerId: guild.ownerId,
      userId,
      memberRoleIds: roleIds ?? guild.members.get(userId)?.actor.roles ?? [],
      roles: guild.roles,
      overwrites: (source.permission_overwrites ?? []) as OverwriteLike[],
    });
  }

  botPermissionsIn(channelId: string): bigint {
    return this.permissionsIn(channelId, this.botUser.id);
  }

  /** The GUILD_CREATE payload. Without the GUILD_MEMBERS intent Discord only includes the bot's own member. */
  guildCreatePayload(guildId: string, opts: { allMembers: boolean }): Dict {
    const g = this.guilds.get(guildId);
    if (!g) throw new Error(`unknown guild ${guildId}`);
    const channels = g.channelIds.map((id) => this.channels.get(id)).filter((c): c is Dict => !!c);
    const members = [...g.members.values()]
      .filter(({ actor: a }) => opts.allMembers || a.id === this.botUser.id)
      .map(({ actor: a, joinedAt }) => ({
        ...partialMemberOf(a),
        joined_at: joinedAt,
        user: a.id === this.botUser.id ? this.botUser : userOf(a),
      }));
    const systemChannel = channels.find((c) => c.type === 0);
    return {
      id: g.id,
      name: g.name,
      icon: null,
      icon_hash: null,
      splash: null,
      discovery_splash: null,
      owner_id: g.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: 1,
      default_message_notifications: 1,
      explicit_content_filter: 2,
      roles: clone(g.roles),
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: systemChannel?.id ?? null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      max_members: 500000,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: g.preferredLocale,
      nsfw_level: 0,
      nsfw: false,
      incidents_data: null,
      // Gateway-only fields
      joined_at: g.joinedAt,
      large: false,
      unavailable: false,
      member_count: g.members.size,
      voice_states: [],
      members,
      channels: channels.filter((c) => !THREAD_TYPES.has(c.type)).map((c) => {
        const { guild_id: _omit, ...rest } = c;
        return clone(rest);
      }),
      threads: channels.filter((c) => THREAD_TYPES.has(c.type)).map((c) => clone(c)),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      lazy: true,
    };
  }

  // ------------------------------------------------------------------------------------------------ messages

  /** Remember a message someone else wrote (dispatched MESSAGE_CREATE, a context menu target, a clicked message). */
  rememberMessage(message: Dict): void {
    if (typeof message.id !== 'string') return;
    const stored = clone(message);
    delete stored.member;
    this.messages.set(message.id, { ...(this.messages.get(message.id) ?? {}), ...stored });
    if (isDict(message.author) && typeof message.author.id === 'string' && !this.users.has(message.author.id)) {
      this.users.set(message.author.id, message.author as unknown as APIUser);
    }
    const channel = this.channels.get(message.channel_id);
    if (channel && 'last_message_id' in channel) channel.last_message_id = message.id;
  }

  private assignComponentIds(components: unknown): void {
    if (!Array.isArray(components)) return;
    for (const c of components) {
      if (!isDict(c)) continue;
      if (c.id === undefined) c.id = ++this.componentIdCounter;
      this.assignComponentIds(c.components);
      if (isDict(c.accessory) && c.accessory.id === undefined) c.accessory.id = ++this.componentIdCounter;
    }
  }

  /**
   * Which users / roles / @everyone a message really pings, given `allowed_mentions`. When absent, Discord parses
   * everything in ordinary messages but only user mentions in interaction responses and webhook messages.
   */
  resolveMentions(content: string, allowed: unknown, repliedTo?: Dict, viaWebhook = false): { mentions: APIUser[]; mention_roles: string[]; mention_everyone: boolean } {
    const am = isDict(allowed) ? allowed : undefined;
    const parse: unknown[] = am ? (Array.isArray(am.parse) ? am.parse : []) : viaWebhook ? ['users'] : ['users', 'roles', 'everyone'];
    const allowedUsers: unknown[] = am && Array.isArray(am.users) ? am.users : [];
    const allowedRoles: unknown[] = am && Array.isArray(am.roles) ? am.roles : [];
    const users = new Map<string, APIUser>();
    for (const m of content.matchAll(/<@!?(\d{15,21})>/g)) {
      const id = m[1] as string;
      if (parse.includes('users') || allowedUsers.includes(id)) {
        users.set(id, this.users.get(id) ?? { id, username: `user_${id.slice(-4)}`, discriminator: '0', global_name: null, avatar: null });
      }
    }
    if (repliedTo && isDict(repliedTo.author) && (!am || am.replied_user === true)) {
      const author = repliedTo.author as unknown as APIUser;
      users.set(author.id, author);
    }
    const roles = [...content.matchAll(/<@&(\d{15,21})>/g)]
      .map((m) => m[1] as string)
      .filter((id) => parse.includes('roles') || allowedRoles.includes(id));
    return {
      mentions: [...users.values()],
      mention_roles: [...new Set(roles)],
      mention_everyone: parse.includes('everyone') && /@(everyone|here)\b/.test(content),
    };
  }

  private attachmentsFor(channelId: string, body: Dict, files: StoredFile[], existing: unknown[] = []): Dict[] {
    const described = Array.isArray(body.attachments) ? (body.attachments as unknown[]).filter(isDict) : undefined;
    const kept = described
      ? existing.filter((a) => isDict(a) && described.some((d) => String(d.id) === String(a.id)))
      : existing;
    const uploaded = files.map((file, index) => {
      const id = snowflake();
      const filename = file.filename || `file${index}`;
      const key = `${channelId}/${id}/${filename}`;
      this.attachments.set(key, { data: file.data, contentType: file.contentType });
      const description = described?.find((d) => String(d.id) === String(index))?.description;
      return {
        id,
        filename,
        size: file.data.length,
        url: `${this.baseUrl}/attachments/${key}`,
        proxy_url: `${this.baseUrl}/attachments/${key}`,
        content_type: file.contentType,
        ...(typeof description === 'string' ? { description } : {}),
      };
    });
    return [...(kept as Dict[]), ...uploaded];
  }

  /** A message the bot (or its interaction webhook) creates. Returns the stored object. */
  createBotMessage(opts: {
    channelId: string;
    body: Dict;
    files?: StoredFile[];
    type?: number;
    flags?: number;
    referenced?: Dict;
    webhook?: boolean;
    interactionMetadata?: Dict;
    interaction?: Dict;
  }): Dict {
    const body = opts.body;
    const content = typeof body.content === 'string' ? body.content : '';
    const embeds = (Array.isArray(body.embeds) ? clone(body.embeds) : []).map((e: unknown) => {
      const embed = isDict(e) ? e : {};
      if (Array.isArray(embed.fields)) embed.fields = embed.fields.map((f: Dict) => ({ inline: false, ...f }));
      return { type: 'rich', ...embed };
    });
    const components = Array.isArray(body.components) ? clone(body.components) : [];
    this.assignComponentIds(components);
    const mentions = this.resolveMentions(content, body.allowed_mentions, opts.referenced, Boolean(opts.webhook));
    const message: Dict = {
      id: snowflake(),
      type: opts.type ?? (opts.referenced ? 19 : 0),
      channel_id: opts.channelId,
      author: this.botUser,
      content,
      timestamp: isoNow(),
      edited_timestamp: null,
      tts: Boolean(body.tts),
      ...mentions,
      attachments: this.attachmentsFor(opts.channelId, body, opts.files ?? []),
      embeds,
      components,
      pinned: false,
      flags: opts.flags ?? (typeof body.flags === 'number' ? body.flags : 0),
    };
    if (body.nonce !== undefined) message.nonce = body.nonce;
    if (isDict(body.poll)) message.poll = clone(body.poll);
    if (opts.referenced) {
      message.message_reference = {
        type: 0,
        message_id: opts.referenced.id,
        channel_id: opts.referenced.channel_id,
        ...(this.guildOfChannel(opts.referenced.channel_id) ? { guild_id: this.guildOfChannel(opts.referenced.channel_id)?.id } : {}),
      };
      message.referenced_message = clone(opts.referenced);
    }
    if (opts.webhook) {
      message.webhook_id = this.applicationId;
      message.application_id = this.applicationId;
    }
    if (opts.interactionMetadata) message.interaction_metadata = opts.interactionMetadata;
    if (opts.interaction) message.interaction = opts.interaction;
    this.messages.set(message.id, message);
    const channel = this.channels.get(opts.channelId);
    if (channel && 'last_message_id' in channel) channel.last_message_id = message.id;
    return message;
  }

  /** Apply a PATCH to a stored message (only the fields present change) and return it. */
  editMessage(message: Dict, body: Dict, files: StoredFile[] = []): Dict {
    const wasLoading = (Number(message.flags) & FLAGS.LOADING) !== 0;
    if (typeof body.content === 'string' || body.content === null) message.content = body.content ?? '';
    if (Array.isArray(body.embeds) || body.embeds === null) {
      message.embeds = (body.embeds ?? []).map((e: Dict) => ({ type: 'rich', ...clone(e) }));
    }
    if (Array.isArray(body.components) || body.components === null) {
      message.components = clone(body.components ?? []);
      this.assignComponentIds(message.components);
    }
    if (typeof body.flags === 'number') {
      // Only SUPPRESS_EMBEDS (and IS_COMPONENTS_V2) can be toggled by an edit.
      const mutable = FLAGS.SUPPRESS_EMBEDS | FLAGS.IS_COMPONENTS_V2;
      message.flags = (Number(message.flags) & ~mutable) | (body.flags & mutable);
    }
    if (Array.isArray(body.attachments) || files.length > 0) {
      message.attachments = this.attachmentsFor(message.channel_id, body, files, message.attachments ?? []);
    }
    if (typeof body.content === 'string' || body.allowed_mentions !== undefined) {
      const referenced = isDict(message.referenced_message) ? message.referenced_message : undefined;
      Object.assign(message, this.resolveMentions(message.content, body.allowed_mentions, referenced, Boolean(message.webhook_id)));
    }
    if (wasLoading) message.flags = Number(message.flags) & ~FLAGS.LOADING;
    else message.edited_timestamp = isoNow();
    return message;
  }

  /** A gateway view of a stored message (adds `guild_id` and the author's `member` for guild channels). */
  gatewayMessage(message: Dict): Dict {
    const out = clone(message);
    const guild = this.guildOfChannel(message.channel_id);
    if (guild) {
      out.guild_id = guild.id;
      const member = guild.members.get(message.author?.id);
      if (member && !out.webhook_id) out.member = { ...partialMemberOf(member.actor), joined_at: member.joinedAt };
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------------ threads

  /** `ownerId` (default the bot): who opened it; the bot is a member only of threads it opened. */
  createThread(opts: { parentId: string; name: string; type: number; autoArchiveDuration?: number; rateLimitPerUser?: number; id?: string; ownerId?: string }): Dict {
    const parent = this.channels.get(opts.parentId);
    const guild = this.guildOfChannel(opts.parentId);
    const now = isoNow();
    const id = opts.id ?? snowflake();
    const thread: Dict = {
      id,
      type: opts.type,
      guild_id: guild?.id,
      parent_id: opts.parentId,
      owner_id: opts.ownerId ?? this.botUser.id,
      name: opts.name,
      last_message_id: null,
      rate_limit_per_user: opts.rateLimitPerUser ?? 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      flags: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: opts.autoArchiveDuration ?? parent?.default_auto_archive_duration ?? 1440,
        archive_timestamp: now,
        locked: false,
        create_timestamp: now,
        ...(opts.type === 12 ? { invitable: true } : {}),
      },
      member: { id, user_id: this.botUser.id, join_timestamp: now, flags: 0 },
    };
    if (opts.ownerId !== undefined && opts.ownerId !== this.botUser.id) delete thread.member;
    if (parent?.type === 15) thread.applied_tags = [];
    this.channels.set(id, thread);
    guild?.channelIds.push(id);
    return thread;
  }

  // ------------------------------------------------------------------------------------------------ commands

  commandsFor(guildId?: string): Dict[] {
    if (!guildId) return this.globalCommands;
    let list = this.guildCommands.get(guildId);
    if (!list) {
      list = [];
      this.guildCommands.set(guildId, list);
    }
    return list;
  }

  /** A stored command as Discord returns it (defaults filled, id kept for an existing name + type). */
  normalizeCommand(input: Dict, guildId: string | undefined, existing: Dict[]): Dict {
    const type = typeof input.type === 'number' ? input.type : 1;
    const previous = existing.find((c) => c.name === input.name && c.type === type);
    const command: Dict = {
      id: previous?.id ?? snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      default_member_permissions: input.default_member_permissions ?? null,
      type,
      name: input.name,
      name_localizations: input.name_localizations ?? null,
      description: input.description ?? '',
      description_localizations: input.description_localizations ?? null,
      nsfw: input.nsfw ?? false,
      integration_types: input.integration_types ?? [0],
      contexts: input.contexts ?? null,
    };
    if (guildId) command.guild_id = guildId;
    else command.dm_permission = input.dm_permission ?? true;
    if (Array.isArray(input.options) && input.options.length > 0) command.options = clone(input.options);
    if (input.handler !== undefined && type === 4) command.handler = input.handler;
    return command;
  }

  /** The registered command an interaction is for: guild commands first, then global ones. */
  findCommand(name: string, type: number, guildId?: string): Dict | undefined {
    const inGuild = guildId ? this.guildCommands.get(guildId)?.find((c) => c.name === name && c.type === type) : undefined;
    return inGuild ?? this.globalCommands.find((c) => c.name === name && c.type === type);
  }
}
