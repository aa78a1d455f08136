/**
 * `startDiscordStandin()`: one local HTTP server (127.0.0.1, ephemeral port) serving Discord's REST API under
 * `/api/v10` and the gateway as a websocket upgrade on the same port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { APIInteraction, APIMessage, APIUser, GatewayMessageCreateDispatchData } from 'discord.js';
import { Gateway, INTENTS, PRIVILEGED_INTENTS, type GatewaySession, type IdentifyRecord } from './gateway.js';
import { InteractionHandle } from './interactions.js';
import { LIMITS } from './limits.js';
import { BOT_USER, defaultGuild, guildMessage, IDS, MEMBER, type Actor, type GuildInit } from './payloads.js';
import { ApiServer, type InjectedFailure, type StandinSettings } from './server.js';
import type { RecordedRequest, Violation } from './types.js';
import { clone, isDict, snowflake, waitUntil, type Dict } from './util.js';
import { World } from './world.js';

export interface StandinOptions {
  /** The bot token the stand-in accepts (REST `Authorization: Bot <token>` and gateway IDENTIFY). Default `test-token`. */
  token?: string;
  /** Default IDS.application. */
  applicationId?: string;
  /** Default: the application id (as for every modern app). */
  botUserId?: string;
  /** Username etc. of the bot user. */
  botUser?: Partial<APIUser>;
  /** Default: `[defaultGuild()]` (see payloads.ts). */
  guilds?: GuildInit[];
  /** HELLO's heartbeat_interval. Default 41250 ms, like Discord. */
  heartbeatIntervalMs?: number;
  /** Window for an interaction's first callback. Default 3000 ms (Discord's). */
  interactionAckWindowMs?: number;
  /** How long the interaction webhook accepts edits / follow-ups. Default 15 min. */
  interactionTokenTtlMs?: number;
  /**
   * Privileged intents "enabled in the developer portal" (GuildMembers 1<<1, GuildPresences 1<<8, MessageContent
   * 1<<15). Asking for others closes the gateway with 4014. Default: all three.
   */
  allowedPrivilegedIntents?: number;
  /**
   * Send MESSAGE_CREATE / MESSAGE_UPDATE / MESSAGE_DELETE for what the bot itself posts (as Discord does; a bot that
   * doesn't ignore its own messages loops). Default true.
   */
  echoBotMessages?: boolean;
  /**
   * The shard count GET /gateway/bot recommends. Default 1. Whatever the count, IDENTIFY accepts any valid
   * `[id, count]`, and guild events reach only the session whose shard owns the guild: `(guild_id >> 22) % count`.
   */
  shards?: number;
  /** Refuse to dispatch a command / autocomplete interaction for a command the bot has not registered. Default false. */
  strictCommands?: boolean;
  /** Debug lines. Default: silent, unless DISCORD_STANDIN_DEBUG is set (then stderr). */
  log?: (line: string) => void;
}

export interface DispatchedMessage {
  /** The MESSAGE_CREATE payload as the stand-in stored it. */
  message: APIMessage;
  /** How many gateway sessions got the event (0: the client lacks the GUILD_MESSAGES intent, or none connected). */
  deliveredTo: number;
  /**
   * Whether the content reached the client: without the MESSAGE_CONTENT intent Discord blanks content, embeds,
   * attachments and components — except in messages that mention the bot, DMs and the bot's own messages.
   */
  contentVisible: boolean;
}

/** A member's new post in a forum channel (see `createForumPost`). */
export interface ForumPostInit {
  /** The forum channel (type 15). */
  forumId: string;
  /** The post's title: the thread's name. */
  title: string;
  /** The starter message's text. */
  content: string;
  /** Default MEMBER. */
  author?: Actor;
  /** The thread's id, which is also the starter message's. Default: a new snowflake. */
  id?: string;
  /** Wait this long between THREAD_CREATE and the starter's MESSAGE_CREATE; until then fetching it answers 10008. */
  starterDelayMs?: number;
  /** The first N fetches of the starter message answer 404 10008 (Unknown Message) even once it exists. */
  starterUnavailableFetches?: number;
}

export interface ForumPost {
  /** The thread as stored (type 11, parent_id = the forum, owner_id = the author). */
  thread: Dict;
  /** The starter message as dispatched (id and channel_id = the thread's id). */
  starter: DispatchedMessage;
  /** How many sessions got THREAD_CREATE. */
  threadDeliveredTo: number;
}

export interface DiscordStandin {
  /** `http://127.0.0.1:PORT/api` → `new Client({ rest: { api: standin.apiUrl } })`. */
  readonly apiUrl: string;
  /** `ws://127.0.0.1:PORT` (what GET /gateway/bot returns). */
  readonly gatewayUrl: string;
  readonly port: number;
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: APIUser;
  /** Every HTTP request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Requests no route matched (answered 404). A clean run has none. */
  readonly unhandled: RecordedRequest[];
  /** Bodies refused with 50035 / 50006. */
  readonly violations: Violation[];
  /** Exceptions inside the stand-in itself (answered 500). A clean run has none. */
  readonly internalErrors: Array<{ request: RecordedRequest; error: unknown }>;
  /** Every dispatched interaction, in order. */
  readonly interactions: InteractionHandle[];
  /** IDENTIFY payloads received (token, intents, ...), refused ones included. */
  readonly identifies: IdentifyRecord[];
  /** Live state: guilds, channels, messages, registered commands. */
  readonly world: World;
  /** Adjustable while running, e.g. `settings.interactionAckWindowMs = 100` to test the 3 s rule quickly. */
  readonly settings: StandinSettings;
  readonly gateway: Gateway;

  /** Registered commands: global ones, or one guild's. */
  commands(guildId?: string): Dict[];
  /** Messages stored for a channel (sent by the bot or dispatched), oldest first. */
  channelMessages(channelId: string): APIMessage[];

  /** Send INTERACTION_CREATE; the handle records the callback(s), edits and follow-ups. */
  dispatchInteraction(payload: APIInteraction): InteractionHandle;
  /** Send MESSAGE_CREATE (honouring the session's GUILD_MESSAGES / MESSAGE_CONTENT intents). */
  dispatchMessage(payload: GatewayMessageCreateDispatchData | APIMessage): DispatchedMessage;
  /** Send any other dispatch event to every session; returns how many got it. */
  dispatch(event: string, data: unknown): number;
  /**
   * A member opens a post in a forum channel, in Discord's order: THREAD_CREATE (`newly_created`)
   * for the new public thread, then MESSAGE_CREATE for its starter message, whose id is the
   * thread's. Resolves once both are dispatched. See `ForumPostInit` to delay the starter message
   * or refuse its first fetches with 10008.
   */
  createForumPost(init: ForumPostInit): Promise<ForumPost>;

  /** The first recorded (answered) request matching `predicate`, now or within `timeoutMs` (default 5000). */
  waitFor(predicate: (request: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Recorded requests by method and route pattern (`/channels/:channelId/messages`) or path (string or RegExp). */
  requestsTo(method: string, routeOrPath: string | RegExp): RecordedRequest[];
  /** Answer the next matching request(s) with this instead of the normal handling (e.g. a 500 or a 429). */
  failNext(failure: InjectedFailure): void;
  /** Interactions never acknowledged, or deferred and never completed. */
  unfinishedInteractions(): InteractionHandle[];
  /** Forget recorded requests, unhandled requests, violations and internal errors (not the world). */
  clearRecords(): void;
  /** Stop everything. Destroy the discord.js client first, or it will try to reconnect. */
  close(): Promise<void>;
}

function findComponentIds(components: unknown, out: string[] = []): string[] {
  if (!Array.isArray(components)) return out;
  for (const c of components) {
    if (!isDict(c)) continue;
    if (typeof c.custom_id === 'string') out.push(c.custom_id);
    findComponentIds(c.components, out);
    if (isDict(c.accessory)) findComponentIds([c.accessory], out);
  }
  return out;
}

/** Match given options against the registered schema: unknown names throw, types come from the schema. */
function alignOptions(given: unknown, schema: unknown, commandName: string): void {
  if (!Array.isArray(given)) return;
  const declared = Array.isArray(schema) ? (schema as Dict[]) : [];
  for (const option of given) {
    if (!isDict(option)) continue;
    const decl = declared.find((d) => d.name === option.name);
    if (!decl) {
      throw new Error(`Option "${String(option.name)}" is not declared by the registered command "${commandName}" (declared: ${declared.map((d) => d.name).join(', ') || 'none'})`);
    }
    if (option.type !== decl.type) {
      // e.g. an integer written for a NUMBER option: Discord would send type 10.
      if ((decl.type === 10 && option.type === 4) || (decl.type === 4 && option.type === 10) || [6, 7, 8, 9, 11].includes(decl.type)) option.type = decl.type;
      else throw new Error(`Option "${String(option.name)}" of "${commandName}" is declared with type ${decl.type}, the payload has type ${String(option.type)}`);
    }
    if (decl.type === 1 || decl.type === 2) alignOptions(option.options, decl.options, commandName);
  }
}

export async function startDiscordStandin(options: StandinOptions = {}): Promise<DiscordStandin> {
  const token = options.token ?? 'test-token';
  const applicationId = options.applicationId ?? IDS.application;
  const botUser: APIUser = { ...BOT_USER, ...options.botUser, id: options.botUserId ?? options.botUser?.id ?? applicationId, bot: true };
  const log = options.log ?? (process.env.DISCORD_STANDIN_DEBUG ? (line: string) => process.stderr.write(`[discord-standin] ${line}\n`) : () => undefined);
  const world = new World(botUser, applicationId, options.guilds ?? [defaultGuild()]);
  const abort = new AbortController();
  const interactionsById = new Map<string, InteractionHandle>();
  const interactions: InteractionHandle[] = [];
  let port = 0;
  const gatewayUrl = (): string => `ws://127.0.0.1:${port}`;

  const gateway = new Gateway(world, {
    token,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    allowedPrivilegedIntents: options.allowedPrivilegedIntents ?? PRIVILEGED_INTENTS,
    url: gatewayUrl,
    log,
  });
  const settings: StandinSettings = {
    interactionAckWindowMs: options.interactionAckWindowMs ?? LIMITS.interaction.ackWindowMs,
    interactionTokenTtlMs: options.interactionTokenTtlMs ?? LIMITS.interaction.tokenTtlMs,
    echoBotMessages: options.echoBotMessages ?? true,
    shards: options.shards ?? 1,
  };
  const api = new ApiServer({
    world,
    gateway,
    token,
    settings,
    interactions: interactionsById,
    gatewayUrl,
    log,
  });

  const server: Server = createServer((req, res) => {
    void api.handle(req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '/').startsWith('/api')) {
      socket.destroy();
      return;
    }
    gateway.handleUpgrade(req, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  world.baseUrl = `http://127.0.0.1:${port}`;
  log(`listening on ${world.baseUrl}`);

  const requireSession = (what: string): void => {
    if (gateway.activeSessions().length === 0) {
      throw new Error(`Cannot dispatch ${what}: no gateway session (log the discord.js client in and wait for "clientReady" first)`);
    }
  };

  const standin: DiscordStandin = {
    apiUrl: `http://127.0.0.1:${port}/api`,
    gatewayUrl: gatewayUrl(),
    port,
    token,
    applicationId,
    botUser,
    requests: api.requests,
    unhandled: api.unhandled,
    violations: api.violations,
    internalErrors: api.internalErrors,
    interactions,
    identifies: gateway.identifies,
    world,
    settings,
    gateway,

    commands(guildId) {
      return clone(world.commandsFor(guildId));
    },

    channelMessages(channelId) {
      return [...world.messages.values()]
        .filter((m) => m.channel_id === channelId)
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
        .map((m) => clone(m) as unknown as APIMessage);
    },

    dispatchInteraction(payload) {
      requireSession('an interaction');
      const p = clone(payload) as unknown as Dict;
      if (interactionsById.has(p.id)) throw new Error(`Interaction ${p.id} was already dispatched: build a new payload for each interaction`);
      p.application_id = applicationId;
      const channelId = String(p.channel_id ?? p.channel?.id ?? '');
      const channel = world.channels.get(channelId);
      const guild = typeof p.guild_id === 'string' ? world.guilds.get(p.guild_id) : undefined;
      if (guild && !channel) throw new Error(`Channel ${channelId} does not exist in guild ${guild.id}`);
      if (channel) {
        p.channel_id = channelId;
        const { permission_overwrites: _o, ...visible } = clone(channel);
        p.channel = { ...visible, permission_overwrites: clone(channel.permission_overwrites ?? []) };
      }
      if (guild) {
        p.guild = { id: guild.id, locale: guild.preferredLocale, features: [] };
        p.guild_locale = guild.preferredLocale;
      }
      if (!p.app_permissions) p.app_permissions = channel ? world.botPermissionsIn(channelId).toString() : '0';
      const user = p.member?.user ?? p.user;
      if (isDict(user) && typeof user.id === 'string' && !world.users.has(user.id)) world.users.set(user.id, user as unknown as APIUser);

      if ((p.type === 2 || p.type === 4) && isDict(p.data)) {
        const commandType = typeof p.data.type === 'number' ? p.data.type : 1;
        const command = world.findCommand(String(p.data.name), commandType, guild?.id);
        if (command) {
          p.data.id = command.id;
          if (command.guild_id) p.data.guild_id = command.guild_id;
          alignOptions(p.data.options, command.options, String(p.data.name));
        } else if (options.strictCommands) {
          throw new Error(`No command "${String(p.data.name)}" (type ${commandType}) is registered, globally or in guild ${guild?.id ?? '-'}`);
        } else if (!p.data.id) {
          p.data.id = snowflake();
        }
        if (p.data.type === 3 && isDict(p.data.resolved?.messages)) {
          for (const target of Object.values(p.data.resolved.messages as Dict)) {
            if (isDict(target) && !world.messages.has(target.id)) world.rememberMessage(target);
          }
        }
      }
      if (p.type === 3 && isDict(p.message)) {
        const current = world.messages.get(p.message.id);
        if (current) p.message = clone(current);
        else world.rememberMessage(p.message);
        const ids = findComponentIds(p.message.components);
        const customId = p.data?.custom_id;
        if (ids.length > 0 && !ids.includes(customId)) {
          throw new Error(`Message ${String(p.message.id)} has no component with custom_id "${String(customId)}" (it has: ${ids.join(', ')})`);
        }
      }

      const handle = new InteractionHandle(p as unknown as APIInteraction, (id) => world.messages.get(id), abort.signal, { wall: Date.now(), hr: performance.now() });
      interactionsById.set(handle.id, handle);
      interactions.push(handle);
      gateway.dispatch('INTERACTION_CREATE', p, () => clone(p));
      log(`dispatched INTERACTION_CREATE ${handle.id} (type ${handle.type})`);
      return handle;
    },

    dispatchMessage(payload) {
      requireSession('a message');
      const p = clone(payload) as unknown as Dict;
      if (Array.isArray(p.mentions)) {
        p.mentions = p.mentions.map((u: Dict) => (u.id === botUser.id ? { ...botUser, ...(u.member ? { member: u.member } : {}) } : u));
      }
      world.rememberMessage(p);
      const inGuild = typeof p.guild_id === 'string';
      const mentionsBot = Array.isArray(p.mentions) && p.mentions.some((u: Dict) => u.id === botUser.id);
      const exempt = !inGuild || mentionsBot || p.author?.id === botUser.id;
      let contentVisible = false;
      const deliveredTo = gateway.dispatch('MESSAGE_CREATE', p, (session: GatewaySession) => {
        const needed = inGuild ? INTENTS.GuildMessages : INTENTS.DirectMessages;
        if ((session.intents & needed) === 0) return undefined;
        if (exempt || (session.intents & INTENTS.MessageContent) !== 0) {
          contentVisible = true;
          return clone(p);
        }
        return { ...clone(p), content: '', embeds: [], attachments: [], components: [] };
      });
      log(`dispatched MESSAGE_CREATE ${String(p.id)} to ${deliveredTo} session(s)`);
      return { message: p as unknown as APIMessage, deliveredTo, contentVisible };
    },

    dispatch(event, data) {
      return gateway.dispatch(event, data, () => clone(data));
    },

    async createForumPost(init) {
      requireSession('a forum post');
      const forum = world.channels.get(init.forumId);
      if (!forum || forum.type !== 15) throw new Error(`Channel ${init.forumId} is not a forum channel (type 15)`);
      const author = init.author ?? MEMBER;
      const thread = world.createThread({ id: init.id ?? snowflake(), parentId: init.forumId, name: init.title, type: 11, ownerId: author.id });
      thread.message_count = 1;
      thread.total_message_sent = 1;
      thread.member_count = 1;
      if (init.starterUnavailableFetches) {
        const unknownMessage = { code: 10008, message: 'Unknown Message' };
        api.failures.push({ method: 'GET', path: `/channels/${thread.id}/messages/${thread.id}`, status: 404, body: unknownMessage, times: init.starterUnavailableFetches });
      }
      const threadDeliveredTo = gateway.dispatch('THREAD_CREATE', null, (session) =>
        (session.intents & INTENTS.Guilds) !== 0 ? { ...clone(thread), newly_created: true } : undefined,
      );
      log(`dispatched THREAD_CREATE ${String(thread.id)} (forum post in ${init.forumId})`);
      if (init.starterDelayMs) await new Promise((resolve) => setTimeout(resolve, init.starterDelayMs));
      const starter = standin.dispatchMessage(guildMessage({ id: thread.id, channelId: thread.id, guildId: forum.guild_id, content: init.content, author }));
      forum.last_message_id = thread.id;
      return { thread: clone(thread), starter, threadDeliveredTo };
    },

    waitFor(predicate, timeoutMs = 5000) {
      return waitUntil(
        api,
        'request',
        () => api.requests.find((r) => r.status !== undefined && predicate(r)),
        timeoutMs,
        () => `a matching request; seen: ${api.requests.map((r) => `${r.method} ${r.path} → ${r.status ?? '…'}`).join('; ') || 'none'}`,
        abort.signal,
      );
    },

    requestsTo(method, routeOrPath) {
      return api.requests.filter(
        (r) => r.method === method.toUpperCase() && (typeof routeOrPath === 'string' ? r.route === routeOrPath || r.path === routeOrPath : routeOrPath.test(r.path)),
      );
    },

    failNext(failure) {
      api.failures.push({ ...failure });
    },

    unfinishedInteractions() {
      return interactions.filter((h) => h.unfinished);
    },

    clearRecords() {
      api.requests.length = 0;
      api.unhandled.length = 0;
      api.violations.length = 0;
      api.internalErrors.length = 0;
    },

    async close() {
      abort.abort();
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      log('closed');
    },
  };
  return standin;
}
