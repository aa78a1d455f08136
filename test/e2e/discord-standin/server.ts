/**
 * The HTTP API (`/api/v10/...`): every request is recorded, routed, validated the way Discord does, and answered
 * with Discord-shaped JSON (errors: `{ code, message, errors? }`). Unknown routes answer 404 and are listed in
 * `unhandled`.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Gateway, GatewaySession } from './gateway.js';
import { INTENTS } from './gateway.js';
import type { InteractionHandle } from './interactions.js';
import {
  LIMITS,
  nestFormErrors,
  validateAutocompleteChoices,
  validateCommands,
  validateMessageBody,
  validateModal,
  type FormError,
} from './limits.js';
import { hasPermission, type PermissionName } from './permissions.js';
import type { ApiErrorBody, CallbackRecord, RecordedRequest, Violation, WebhookRecord } from './types.js';
import { clone, isDict, type Dict } from './util.js';
import { FLAGS, THREAD_TYPES, type StoredFile, type World } from './world.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(`${status} ${body.code} ${body.message}`);
  }
}

/** Discord's error answers used here. */
export const ERRORS = {
  unauthorized: () => new ApiError(401, { code: 0, message: '401: Unauthorized' }),
  notFound: () => new ApiError(404, { code: 0, message: '404: Not Found' }),
  unknownApplication: () => new ApiError(404, { code: 10002, message: 'Unknown Application' }),
  unknownChannel: () => new ApiError(404, { code: 10003, message: 'Unknown Channel' }),
  unknownGuild: () => new ApiError(404, { code: 10004, message: 'Unknown Guild' }),
  unknownMember: () => new ApiError(404, { code: 10007, message: 'Unknown Member' }),
  unknownMessage: () => new ApiError(404, { code: 10008, message: 'Unknown Message' }),
  unknownUser: () => new ApiError(404, { code: 10013, message: 'Unknown User' }),
  unknownWebhook: () => new ApiError(404, { code: 10015, message: 'Unknown Webhook' }),
  unknownCommand: () => new ApiError(404, { code: 10063, message: 'Unknown application command' }),
  unknownInteraction: () => new ApiError(404, { code: 10062, message: 'Unknown interaction' }),
  alreadyAcknowledged: () => new ApiError(400, { code: 40060, message: 'Interaction has already been acknowledged.' }),
  missingAccess: () => new ApiError(403, { code: 50001, message: 'Missing Access' }),
  cannotEditOthers: () => new ApiError(403, { code: 50005, message: 'Cannot edit a message authored by another user' }),
  emptyMessage: () => new ApiError(400, { code: 50006, message: 'Cannot send an empty message' }),
  missingPermissions: () => new ApiError(403, { code: 50013, message: 'Missing Permissions' }),
  wrongChannelType: () => new ApiError(400, { code: 50024, message: 'Cannot execute action on this channel type' }),
  invalidWebhookToken: () => new ApiError(401, { code: 50027, message: 'Invalid Webhook Token' }),
  invalidJson: () => new ApiError(400, { code: 50109, message: 'The request body contains invalid JSON.' }),
  threadExists: () => new ApiError(400, { code: 160004, message: 'A thread has already been created for this message' }),
  invalidForm: (errors: FormError[]) => new ApiError(400, { code: 50035, message: 'Invalid Form Body', errors: nestFormErrors(errors) }),
};

interface Ctx {
  record: RecordedRequest;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  files: StoredFile[];
}
interface Reply {
  status: number;
  body?: unknown;
}
type Handler = (ctx: Ctx) => Reply | Promise<Reply>;
interface Route {
  method: string;
  pattern: string;
  segments: string[];
  /** Needs `Authorization: Bot <token>`. Interaction callbacks and webhooks are authorized by their URL token. */
  auth: boolean;
  handler: Handler;
}

export interface InjectedFailure {
  method?: string;
  /** Matched against the path after `/api/v10` (a string must match exactly). */
  path: string | RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many requests to fail (default 1). */
  times?: number;
}

export interface StandinSettings {
  /** Window for an interaction's first callback (Discord: 3000 ms). */
  interactionAckWindowMs: number;
  /** How long the interaction webhook accepts edits / follow-ups (Discord: 15 min). */
  interactionTokenTtlMs: number;
  /** Echo the bot's own messages as MESSAGE_CREATE / UPDATE / DELETE. */
  echoBotMessages: boolean;
  /** The shard count GET /gateway/bot recommends (Discord: one per ~1,000 guilds). */
  shards: number;
}

export interface ApiServerDeps {
  world: World;
  gateway: Gateway;
  token: string;
  /** Live, adjustable by tests through `standin.settings`. */
  settings: StandinSettings;
  interactions: Map<string, InteractionHandle>;
  /** `ws://127.0.0.1:PORT`, known once listening. */
  gatewayUrl: () => string;
  log: (line: string) => void;
}

/** Which callback types each interaction type accepts. */
const ALLOWED_CALLBACKS: Record<number, number[]> = {
  2: [4, 5, 9, 10, 12], // application command
  3: [4, 5, 6, 7, 9, 10], // message component
  4: [8], // autocomplete
  5: [4, 5, 6, 7], // modal submit
};

const CHANNEL_MESSAGE_FLAGS = FLAGS.SUPPRESS_EMBEDS | FLAGS.SUPPRESS_NOTIFICATIONS | FLAGS.IS_COMPONENTS_V2 | (1 << 13);
const INTERACTION_MESSAGE_FLAGS = CHANNEL_MESSAGE_FLAGS | FLAGS.EPHEMERAL;

export class ApiServer extends EventEmitter {
  readonly requests: RecordedRequest[] = [];
  readonly unhandled: RecordedRequest[] = [];
  readonly violations: Violation[] = [];
  /** Exceptions thrown inside the stand-in itself (answered 500) — a bug in the stand-in, not in the bot. */
  readonly internalErrors: Array<{ request: RecordedRequest; error: unknown }> = [];
  readonly failures: InjectedFailure[] = [];
  private readonly routes: Route[] = [];
  private seq = 0;

  constructor(private readonly deps: ApiServerDeps) {
    super();
    this.setMaxListeners(0);
    this.defineRoutes();
  }

  // ------------------------------------------------------------------------------------------------ plumbing

  private route(method: string, pattern: string, handler: Handler, auth = true): void {
    this.routes.push({ method, pattern, segments: pattern.split('/').filter(Boolean), auth, handler });
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      route.segments.forEach((seg, i) => {
        const part = parts[i] as string;
        if (seg.startsWith(':')) params[seg.slice(1)] = part;
        else if (seg !== part) ok = false;
      });
      if (ok) return { route, params };
    }
    return undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const apiPrefix = /^\/api\/v10(?=\/|$)/;
    const isApi = apiPrefix.test(url.pathname);
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : null;
    const record: RecordedRequest = {
      seq: ++this.seq,
      method,
      path: isApi ? url.pathname.replace(apiPrefix, '') || '/' : url.pathname,
      route: null,
      params: {},
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      files: [],
      authorization,
      headers: { ...req.headers },
      receivedAt: Date.now(),
    };
    this.requests.push(record);

    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      record.response = body;
      if (status === 204 || body === undefined) {
        res.writeHead(status, headers).end();
      } else if (Buffer.isBuffer(body)) {
        res.writeHead(status, headers).end(body);
      } else {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
      }
      this.emit('request', record);
    };

    let files: StoredFile[] = [];
    try {
      const contentType = String(req.headers['content-type'] ?? '');
      if (raw.length > 0 && contentType.startsWith('application/json')) {
        try {
          record.body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw ERRORS.invalidJson();
        }
      } else if (raw.length > 0 && contentType.startsWith('multipart/form-data')) {
        const parsed = await parseMultipart(raw, contentType);
        record.body = parsed.body;
        files = parsed.files;
        record.files = files.map((f) => ({ field: f.field, filename: f.filename, contentType: f.contentType, size: f.data.length }));
      } else if (raw.length > 0) {
        record.body = raw.toString('utf8');
      }

      if (!isApi) {
        const attachment = method === 'GET' && url.pathname.startsWith('/attachments/') ? this.deps.world.attachments.get(url.pathname.slice('/attachments/'.length)) : undefined;
        if (attachment) {
          record.route = '/attachments/*';
          answer(200, attachment.data, { 'content-type': attachment.contentType });
          return;
        }
        this.unhandled.push(record);
        this.deps.log(`http: UNHANDLED ${method} ${url.pathname}`);
        answer(404, { code: 0, message: '404: Not Found' });
        return;
      }

      const failure = this.failures.find((f) => (!f.method || f.method.toUpperCase() === method) && (typeof f.path === 'string' ? f.path === record.path : f.path.test(record.path)));
      if (failure) {
        failure.times = (failure.times ?? 1) - 1;
        if (failure.times <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
        record.injected = true;
        answer(failure.status, failure.body, failure.headers);
        return;
      }

      const matched = this.match(method, record.path);
      if (!matched) {
        this.unhandled.push(record);
        this.deps.log(`http: UNHANDLED ${method} ${record.path}`);
        answer(404, { code: 0, message: '404: Not Found' });
        return;
      }
      record.route = matched.route.pattern;
      record.params = matched.params;
      if (matched.route.auth && authorization !== `Bot ${this.deps.token}`) throw ERRORS.unauthorized();
      const reply = await matched.route.handler({ record, params: matched.params, query: record.query, body: record.body, files });
      answer(reply.status, reply.body);
    } catch (error) {
      if (error instanceof ApiError) {
        if (error.body.code === 50035 || error.body.code === 50006) {
          this.violations.push({ request: record, code: error.body.code, message: error.body.message, errors: flattenFormErrors(error.body.errors) });
        }
        answer(error.status, error.body);
      } else {
        this.internalErrors.push({ request: record, error });
        this.deps.log(`http: INTERNAL ERROR on ${method} ${record.path}: ${error instanceof Error ? error.stack : String(error)}`);
        answer(500, { code: 0, message: `discord stand-in internal error: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private channel(channelId: string): Dict {
    const channel = this.deps.world.channels.get(channelId);
    if (!channel) throw ERRORS.unknownChannel();
    return channel;
  }

  /** 403 50001 without VIEW_CHANNEL, 403 50013 without any of `needed`. */
  private requirePermissions(channelId: string, ...needed: PermissionName[]): void {
    const perms = this.deps.world.botPermissionsIn(channelId);
    if (!hasPermission(perms, 'VIEW_CHANNEL')) throw ERRORS.missingAccess();
    for (const flag of needed) if (!hasPermission(perms, flag)) throw ERRORS.missingPermissions();
  }

  private messageIn(channelId: string, messageId: string): Dict {
    const message = this.deps.world.messages.get(messageId);
    if (!message || message.channel_id !== channelId) throw ERRORS.unknownMessage();
    return message;
  }

  /** Validate a message-like body; throws 50035 / 50006 like Discord. `prefix` nests paths (e.g. `data`). */
  private validateMessage(body: unknown, opts: { mode: 'create' | 'edit'; files: StoredFile[]; resulting?: Dict; prefix?: string }): Dict {
    const b = isDict(body) ? body : {};
    const { errors, empty } = validateMessageBody(b, { mode: opts.mode, hasFiles: opts.files.length > 0, ...(opts.resulting ? { resulting: opts.resulting } : {}) });
    if (errors.length > 0) throw ERRORS.invalidForm(opts.prefix ? errors.map((e) => ({ ...e, path: [opts.prefix as string, ...e.path] })) : errors);
    if (empty) throw ERRORS.emptyMessage();
    return b;
  }

  private guildHasMessageIntent(session: GatewaySession): boolean {
    return (session.intents & INTENTS.GuildMessages) !== 0;
  }

  /** Echo a bot-made message event over the gateway, as Discord does (needs GUILD_MESSAGES for guild channels). */
  private echo(t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE' | 'MESSAGE_DELETE', message: Dict): void {
    if (!this.deps.settings.echoBotMessages) return;
    if (Number(message.flags) & FLAGS.EPHEMERAL) return;
    const guild = this.deps.world.guildOfChannel(message.channel_id);
    const data = t === 'MESSAGE_DELETE' ? { id: message.id, channel_id: message.channel_id, ...(guild ? { guild_id: guild.id } : {}) } : this.deps.world.gatewayMessage(message);
    this.deps.gateway.dispatch(t, data, (session) => (this.guildHasMessageIntent(session) ? clone(data) : undefined));
  }

  // ------------------------------------------------------------------------------------------------ routes

  private defineRoutes(): void {
    const w = this.deps.world;

    // Gateway discovery
    this.route('GET', '/gateway', () => ({ status: 200, body: { url: this.deps.gatewayUrl() } }), false);
    this.route('GET', '/gateway/bot', () => ({
      status: 200,
      body: {
        url: this.deps.gatewayUrl(),
        shards: this.deps.settings.shards,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      },
    }));

    // Users, application
    this.route('GET', '/users/@me', () => ({ status: 200, body: { ...w.botUser, verified: true, mfa_enabled: false, email: null, flags: 0 } }));
    this.route('GET', '/users/:userId', ({ params }) => {
      const user = w.users.get(params.userId as string);
      if (!user) throw ERRORS.unknownUser();
      return { status: 200, body: user };
    });
    const application = (): Dict => ({
      id: w.applicationId,
      name: w.botUser.username,
      icon: null,
      description: '',
      summary: '',
      type: null,
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: 0,
      bot: w.botUser,
      owner: { id: '1000000000000000300', username: 'guild_owner', discriminator: '0', global_name: null, avatar: null },
      team: null,
      approximate_guild_count: w.guilds.size,
      integration_types_config: { 0: {} },
      hook: true,
      redirect_uris: [],
      interactions_endpoint_url: null,
      tags: [],
    });
    this.route('GET', '/applications/@me', () => ({ status: 200, body: application() }));
    this.route('GET', '/oauth2/applications/@me', () => ({ status: 200, body: application() }));

    // Application commands (global and guild)
    for (const scope of ['', '/guilds/:guildId'] as const) {
      const base = `/applications/:applicationId${scope}/commands`;
      const list = (params: Record<string, string>): Dict[] => {
        if (params.applicationId !== w.applicationId) throw ERRORS.unknownApplication();
        if (params.guildId !== undefined && !w.guilds.has(params.guildId)) throw ERRORS.unknownGuild();
        return w.commandsFor(params.guildId);
      };
      this.route('GET', base, ({ params }) => ({ status: 200, body: clone(list(params)) }));
      this.route('PUT', base, ({ params, body }) => {
        const existing = list(params);
        const errors = validateCommands(body);
        if (errors.length > 0) throw ERRORS.invalidForm(errors);
        const next = (body as Dict[]).map((c) => w.normalizeCommand(c, params.guildId, existing));
        existing.splice(0, existing.length, ...next);
        return { status: 200, body: clone(next) };
      });
      this.route('POST', base, ({ params, body }) => {
        const existing = list(params);
        const errors = validateCommands([body]).map((e) => ({ ...e, path: e.path.slice(1) }));
        if (errors.length > 0) throw ERRORS.invalidForm(errors);
        const command = w.normalizeCommand(body as Dict, params.guildId, existing);
        const index = existing.findIndex((c) => c.id === command.id);
        if (index >= 0) existing[index] = command;
        else existing.push(command);
        return { status: index >= 0 ? 200 : 201, body: clone(command) };
      });
      this.route('GET', `${base}/:commandId`, ({ params }) => {
        const command = list(params).find((c) => c.id === params.commandId);
        if (!command) throw ERRORS.unknownCommand();
        return { status: 200, body: clone(command) };
      });
      this.route('PATCH', `${base}/:commandId`, ({ params, body }) => {
        const existing = list(params);
        const index = existing.findIndex((c) => c.id === params.commandId);
        const current = existing[index];
        if (!current) throw ERRORS.unknownCommand();
        const merged = { ...current, ...(isDict(body) ? body : {}) };
        const errors = validateCommands([merged]).map((e) => ({ ...e, path: e.path.slice(1) }));
        if (errors.length > 0) throw ERRORS.invalidForm(errors);
        const command = { ...w.normalizeCommand(merged, params.guildId, existing), id: current.id };
        existing[index] = command;
        return { status: 200, body: clone(command) };
      });
      this.route('DELETE', `${base}/:commandId`, ({ params }) => {
        const existing = list(params);
        const index = existing.findIndex((c) => c.id === params.commandId);
        if (index < 0) throw ERRORS.unknownCommand();
        existing.splice(index, 1);
        return { status: 204 };
      });
    }

    // Guilds
    this.route('GET', '/guilds/:guildId', ({ params }) => {
      if (!w.guilds.has(params.guildId as string)) throw ERRORS.unknownGuild();
      const full = w.guildCreatePayload(params.guildId as string, { allMembers: false });
      for (const key of ['joined_at', 'large', 'unavailable', 'member_count', 'voice_states', 'members', 'channels', 'threads', 'presences', 'stage_instances', 'guild_scheduled_events', 'soundboard_sounds', 'lazy']) delete full[key];
      return { status: 200, body: full };
    });
    this.route('GET', '/guilds/:guildId/channels', ({ params }) => {
      const guild = w.guilds.get(params.guildId as string);
      if (!guild) throw ERRORS.unknownGuild();
      return { status: 200, body: guild.channelIds.map((id) => w.channels.get(id)).filter((c) => c && !THREAD_TYPES.has(c.type)) };
    });
    this.route('GET', '/guilds/:guildId/roles', ({ params }) => {
      const guild = w.guilds.get(params.guildId as string);
      if (!guild) throw ERRORS.unknownGuild();
      return { status: 200, body: clone(guild.roles) };
    });
    this.route('GET', '/guilds/:guildId/members/:userId', ({ params }) => {
      const guild = w.guilds.get(params.guildId as string);
      if (!guild) throw ERRORS.unknownGuild();
      const member = guild.members.get(params.userId as string);
      if (!member) throw ERRORS.unknownMember();
      const a = member.actor;
      return {
        status: 200,
        body: {
          user: a.id === w.botUser.id ? w.botUser : w.users.get(a.id),
          roles: a.roles,
          nick: a.nick,
          avatar: null,
          banner: null,
          joined_at: member.joinedAt,
          premium_since: null,
          deaf: false,
          mute: false,
          flags: 0,
          pending: false,
          communication_disabled_until: null,
        },
      };
    });

    // Channels and messages
    this.route('GET', '/channels/:channelId', ({ params }) => ({ status: 200, body: clone(this.channel(params.channelId as string)) }));
    this.route('GET', '/channels/:channelId/messages', ({ params, query }) => {
      const channelId = params.channelId as string;
      this.channel(channelId);
      this.requirePermissions(channelId, 'READ_MESSAGE_HISTORY');
      const limit = Math.min(Math.max(Number(query.limit ?? 50) || 50, 1), 100);
      const messages = [...w.messages.values()]
        .filter((m) => m.channel_id === channelId && !(Number(m.flags) & FLAGS.EPHEMERAL))
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
        .filter((m) => (query.before ? BigInt(m.id) < BigInt(query.before) : true) && (query.after ? BigInt(m.id) > BigInt(query.after) : true))
        .slice(0, limit);
      return { status: 200, body: clone(messages) };
    });
    this.route('GET', '/channels/:channelId/messages/:messageId', ({ params }) => {
      this.channel(params.channelId as string);
      this.requirePermissions(params.channelId as string, 'READ_MESSAGE_HISTORY');
      return { status: 200, body: clone(this.messageIn(params.channelId as string, params.messageId as string)) };
    });
    this.route('POST', '/channels/:channelId/messages', ({ params, body, files }) => this.createChannelMessage(params.channelId as string, body, files));
    this.route('PATCH', '/channels/:channelId/messages/:messageId', ({ params, body, files }) => {
      const channelId = params.channelId as string;
      this.channel(channelId);
      this.requirePermissions(channelId);
      const message = this.messageIn(channelId, params.messageId as string);
      const b = isDict(body) ? body : {};
      if (message.author?.id !== w.botUser.id) {
        const onlyFlags = Object.keys(b).every((k) => k === 'flags');
        if (!onlyFlags) throw ERRORS.cannotEditOthers();
        this.requirePermissions(channelId, 'MANAGE_MESSAGES');
      }
      this.validateMessage(b, { mode: 'edit', files, resulting: message });
      w.editMessage(message, b, files);
      this.echo('MESSAGE_UPDATE', message);
      return { status: 200, body: clone(message) };
    });
    this.route('DELETE', '/channels/:channelId/messages/:messageId', ({ params }) => {
      const channelId = params.channelId as string;
      this.channel(channelId);
      const message = this.messageIn(channelId, params.messageId as string);
      if (message.author?.id !== w.botUser.id) this.requirePermissions(channelId, 'MANAGE_MESSAGES');
      w.messages.delete(message.id);
      this.echo('MESSAGE_DELETE', message);
      return { status: 204 };
    });
    this.route('POST', '/channels/:channelId/typing', ({ params }) => {
      this.channel(params.channelId as string);
      this.requirePermissions(params.channelId as string, this.isThread(params.channelId as string) ? 'SEND_MESSAGES_IN_THREADS' : 'SEND_MESSAGES');
      return { status: 204 };
    });
    for (const method of ['PUT', 'DELETE'] as const) {
      this.route(method, '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', ({ params }) => {
        const channelId = params.channelId as string;
        this.channel(channelId);
        this.requirePermissions(channelId, 'READ_MESSAGE_HISTORY', ...(method === 'PUT' ? (['ADD_REACTIONS'] as const) : []));
        const message = this.messageIn(channelId, params.messageId as string);
        const name = params.emoji as string;
        const reactions: Dict[] = (message.reactions ??= []);
        const existing = reactions.find((r) => r.emoji?.name === name || `${r.emoji?.name}:${r.emoji?.id}` === name);
        if (method === 'PUT') {
          if (!existing) reactions.push({ count: 1, count_details: { burst: 0, normal: 1 }, me: true, me_burst: false, burst_colors: [], emoji: { id: null, name } });
          else if (!existing.me) Object.assign(existing, { me: true, count: existing.count + 1 });
        } else if (existing?.me) {
          existing.me = false;
          existing.count -= 1;
          if (existing.count <= 0) reactions.splice(reactions.indexOf(existing), 1);
        }
        return { status: 204 };
      });
    }
    this.route('POST', '/channels/:channelId/messages/:messageId/threads', ({ params, body }) => {
      const channelId = params.channelId as string;
      const channel = this.channel(channelId);
      if (channel.type !== 0 && channel.type !== 5) throw ERRORS.wrongChannelType();
      this.requirePermissions(channelId, 'CREATE_PUBLIC_THREADS', 'READ_MESSAGE_HISTORY');
      const message = this.messageIn(channelId, params.messageId as string);
      const b = isDict(body) ? body : {};
      this.validateThreadBody(b);
      if (w.channels.has(message.id)) throw ERRORS.threadExists();
      const thread = w.createThread({
        id: message.id,
        parentId: channelId,
        name: b.name,
        type: channel.type === 5 ? 10 : 11,
        ...(typeof b.auto_archive_duration === 'number' ? { autoArchiveDuration: b.auto_archive_duration } : {}),
        ...(typeof b.rate_limit_per_user === 'number' ? { rateLimitPerUser: b.rate_limit_per_user } : {}),
      });
      message.thread = clone(thread);
      message.flags = Number(message.flags) | FLAGS.HAS_THREAD;
      this.deps.gateway.dispatch('THREAD_CREATE', { ...clone(thread), newly_created: true }, (s) => ((s.intents & INTENTS.Guilds) !== 0 ? { ...clone(thread), newly_created: true } : undefined));
      return { status: 201, body: clone(thread) };
    });
    this.route('POST', '/channels/:channelId/threads', ({ params, body }) => {
      const channelId = params.channelId as string;
      const channel = this.channel(channelId);
      if (channel.type !== 0 && channel.type !== 5) throw ERRORS.wrongChannelType();
      const b = isDict(body) ? body : {};
      const type = typeof b.type === 'number' ? b.type : 12;
      this.requirePermissions(channelId, type === 12 ? 'CREATE_PRIVATE_THREADS' : 'CREATE_PUBLIC_THREADS');
      this.validateThreadBody(b);
      const thread = w.createThread({
        parentId: channelId,
        name: b.name,
        type,
        ...(typeof b.auto_archive_duration === 'number' ? { autoArchiveDuration: b.auto_archive_duration } : {}),
        ...(typeof b.rate_limit_per_user === 'number' ? { rateLimitPerUser: b.rate_limit_per_user } : {}),
      });
      this.deps.gateway.dispatch('THREAD_CREATE', null, (s) => ((s.intents & INTENTS.Guilds) !== 0 ? { ...clone(thread), newly_created: true } : undefined));
      return { status: 201, body: clone(thread) };
    });
    this.route('PUT', '/channels/:channelId/thread-members/@me', ({ params }) => {
      if (!this.isThread(params.channelId as string)) throw ERRORS.wrongChannelType();
      return { status: 204 };
    });

    // Interactions
    this.route('POST', '/interactions/:interactionId/:interactionToken/callback', (ctx) => this.interactionCallback(ctx), false);
    this.route('POST', '/webhooks/:applicationId/:webhookToken', (ctx) => this.webhookExecute(ctx), false);
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      this.route(method, '/webhooks/:applicationId/:webhookToken/messages/:messageId', (ctx) => this.webhookMessage(method, ctx), false);
    }
  }

  private isThread(channelId: string): boolean {
    return THREAD_TYPES.has(this.deps.world.channels.get(channelId)?.type);
  }

  private validateThreadBody(b: Dict): void {
    const errors: FormError[] = [];
    if (typeof b.name !== 'string' || b.name.length < 1 || b.name.length > LIMITS.thread.name) {
      errors.push({ path: ['name'], code: b.name === undefined ? 'BASE_TYPE_REQUIRED' : 'BASE_TYPE_BAD_LENGTH', message: b.name === undefined ? 'This field is required' : `Must be between 1 and ${LIMITS.thread.name} in length.` });
    }
    if (b.auto_archive_duration !== undefined && ![60, 1440, 4320, 10080].includes(b.auto_archive_duration)) {
      errors.push({ path: ['auto_archive_duration'], code: 'BASE_TYPE_CHOICES', message: 'Value must be one of (60, 1440, 4320, 10080).' });
    }
    if (errors.length > 0) throw ERRORS.invalidForm(errors);
  }

  private createChannelMessage(channelId: string, body: unknown, files: StoredFile[]): Reply {
    const w = this.deps.world;
    this.channel(channelId);
    this.requirePermissions(channelId, this.isThread(channelId) ? 'SEND_MESSAGES_IN_THREADS' : 'SEND_MESSAGES');
    const b = this.validateMessage(body, { mode: 'create', files });
    if (files.length > 0) this.requirePermissions(channelId, 'ATTACH_FILES');
    let referenced: Dict | undefined;
    const ref = isDict(b.message_reference) ? b.message_reference : undefined;
    if (ref && (ref.type ?? 0) === 0) {
      this.requirePermissions(channelId, 'READ_MESSAGE_HISTORY');
      const target = w.messages.get(String(ref.message_id));
      const sameChannel = target && target.channel_id === (ref.channel_id ?? channelId) && target.channel_id === channelId;
      if (!sameChannel) {
        if (ref.fail_if_not_exists !== false) {
          throw ERRORS.invalidForm([{ path: ['message_reference'], code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }]);
        }
      } else referenced = target;
    }
    if (b.enforce_nonce && b.nonce !== undefined) {
      const cutoff = Date.now() - 5 * 60_000;
      const duplicate = [...w.messages.values()].find((m) => m.channel_id === channelId && m.nonce === b.nonce && m.author?.id === w.botUser.id && Date.parse(m.timestamp) >= cutoff);
      if (duplicate) return { status: 200, body: clone(duplicate) };
    }
    const message = w.createBotMessage({
      channelId,
      body: b,
      files,
      flags: (typeof b.flags === 'number' ? b.flags : 0) & CHANNEL_MESSAGE_FLAGS,
      ...(referenced ? { referenced } : {}),
    });
    if (this.isThread(channelId)) {
      const thread = w.channels.get(channelId) as Dict;
      thread.message_count = Number(thread.message_count ?? 0) + 1;
      thread.total_message_sent = Number(thread.total_message_sent ?? 0) + 1;
    }
    this.echo('MESSAGE_CREATE', message);
    return { status: 200, body: clone(message) };
  }

  // ------------------------------------------------------------------------------------------------ interactions

  private interactionMetadata(handle: InteractionHandle, extra: Dict = {}): Dict {
    const p = handle.payload as unknown as Dict;
    const user = p.member?.user ?? p.user;
    const meta: Dict = {
      id: handle.id,
      type: handle.type,
      user,
      authorizing_integration_owners: p.authorizing_integration_owners ?? {},
      ...extra,
    };
    if (handle.type === 2) {
      meta.name = p.data?.name;
      meta.command_type = p.data?.type;
      if (p.data?.type === 3) meta.target_message_id = p.data?.target_id;
      if (p.data?.type === 2) meta.target_user = p.data?.resolved?.users?.[p.data?.target_id];
    }
    if (handle.type === 3) meta.interacted_message_id = p.message?.id;
    return meta;
  }

  private legacyInteraction(handle: InteractionHandle): Dict | undefined {
    const p = handle.payload as unknown as Dict;
    if (handle.type !== 2) return undefined;
    return { id: handle.id, type: handle.type, name: p.data?.name, user: p.member?.user ?? p.user };
  }

  private responseMessageType(handle: InteractionHandle): number {
    const p = handle.payload as unknown as Dict;
    if (handle.type === 2) return p.data?.type === 1 ? 20 : 23;
    return 0;
  }

  private interactionCallback({ record, params, query, body, files }: Ctx): Reply {
    const handle = this.deps.interactions.get(params.interactionId as string);
    if (!handle || handle.token !== params.interactionToken) throw ERRORS.unknownInteraction();
    const b = isDict(body) ? body : {};
    const type = Number(b.type);
    const data = isDict(b.data) ? b.data : undefined;
    const delayMs = performance.now() - handle.dispatchedAtHr;
    const withResponse = query.with_response === 'true';
    const cb: CallbackRecord = { type, data, accepted: false, status: 0, delayMs, receivedAt: record.receivedAt, withResponse, request: record };
    return this.recorded(handle, handle.callbacks, cb, () => {
      const reply = this.applyCallback(handle, type, data, files, withResponse, delayMs);
      cb.accepted = true;
      cb.status = reply.status;
      return reply;
    });
  }

  /**
   * Runs `work` for one recorded interaction request: an API error's status and body go on the
   * record, and either way the record joins `list` and the handle's waiters are woken, after the
   * HTTP answer has gone out, so a test awaiting the record sees a settled request.
   */
  private recorded<R extends { status: number; error?: ApiErrorBody }>(handle: InteractionHandle, list: R[], rec: R, work: () => Reply): Reply {
    try {
      return work();
    } catch (error) {
      if (error instanceof ApiError) {
        rec.status = error.status;
        rec.error = error.body;
      }
      throw error;
    } finally {
      list.push(rec);
      setImmediate(() => handle.changed());
    }
  }

  private applyCallback(handle: InteractionHandle, type: number, data: Dict | undefined, files: StoredFile[], withResponse: boolean, delayMs: number): Reply {
    const w = this.deps.world;
    if (handle.acknowledged) throw ERRORS.alreadyAcknowledged();
    if (delayMs > this.deps.settings.interactionAckWindowMs) throw ERRORS.unknownInteraction();
    const allowed = ALLOWED_CALLBACKS[handle.type] ?? [];
    if (!allowed.includes(type)) {
      throw ERRORS.invalidForm([{ path: ['type'], code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: `Interaction response type ${type} is not valid for interaction type ${handle.type} (allowed: ${allowed.join(', ')})` }]);
    }
    const p = handle.payload as unknown as Dict;
    const channelId = String(p.channel_id ?? p.channel?.id);
    let message: Dict | undefined;
    switch (type) {
      case 4: {
        const d = this.validateMessage(data, { mode: 'create', files, prefix: 'data' });
        message = w.createBotMessage({
          channelId,
          body: d,
          files,
          type: this.responseMessageType(handle),
          flags: (typeof d.flags === 'number' ? d.flags : 0) & INTERACTION_MESSAGE_FLAGS,
          webhook: true,
          interactionMetadata: this.interactionMetadata(handle),
          ...(this.legacyInteraction(handle) ? { interaction: this.legacyInteraction(handle) } : {}),
        });
        handle.originalMessageId = message.id;
        this.echo('MESSAGE_CREATE', message);
        break;
      }
      case 5: {
        const flags = (typeof data?.flags === 'number' ? data.flags : 0) & FLAGS.EPHEMERAL;
        message = w.createBotMessage({
          channelId,
          body: { content: '' },
          type: this.responseMessageType(handle),
          flags: flags | FLAGS.LOADING,
          webhook: true,
          interactionMetadata: this.interactionMetadata(handle),
          ...(this.legacyInteraction(handle) ? { interaction: this.legacyInteraction(handle) } : {}),
        });
        handle.originalMessageId = message.id;
        this.echo('MESSAGE_CREATE', message);
        break;
      }
      case 6:
      case 7: {
        const target = p.message?.id ? w.messages.get(p.message.id) : undefined;
        if (type === 7) {
          if (!target) throw ERRORS.unknownMessage();
          const d = this.validateMessage(data ?? {}, { mode: 'edit', files, resulting: target, prefix: 'data' });
          w.editMessage(target, d, files);
          this.echo('MESSAGE_UPDATE', target);
        }
        handle.originalMessageId = target?.id;
        message = target;
        break;
      }
      case 8: {
        const errors = validateAutocompleteChoices(data);
        if (errors.length > 0) throw ERRORS.invalidForm(errors);
        break;
      }
      case 9: {
        const errors = validateModal(data);
        if (errors.length > 0) throw ERRORS.invalidForm(errors);
        break;
      }
      default:
        break;
    }
    if (!withResponse) return { status: 204 };
    const interaction: Dict = { id: handle.id, type: handle.type };
    if (message) {
      interaction.response_message_id = message.id;
      interaction.response_message_loading = (Number(message.flags) & FLAGS.LOADING) !== 0;
      interaction.response_message_ephemeral = (Number(message.flags) & FLAGS.EPHEMERAL) !== 0;
    }
    const resource: Dict = { type };
    if (message && (type === 4 || type === 5 || type === 7)) resource.message = clone(message);
    return { status: 200, body: { interaction, resource } };
  }

  /** The interaction a webhook URL belongs to; Discord's answers for unknown / expired ones. */
  private webhookHandle(params: Record<string, string>): InteractionHandle {
    if (params.applicationId !== this.deps.world.applicationId) throw ERRORS.unknownWebhook();
    const handle = [...this.deps.interactions.values()].find((h) => h.token === params.webhookToken);
    if (!handle) throw ERRORS.unknownWebhook();
    if (Date.now() - handle.dispatchedAt > this.deps.settings.interactionTokenTtlMs) throw ERRORS.invalidWebhookToken();
    return handle;
  }

  private webhookRecord(handle: InteractionHandle, kind: WebhookRecord['kind'], messageId: string, ctx: Ctx): WebhookRecord {
    return {
      kind,
      messageId,
      body: isDict(ctx.body) ? ctx.body : undefined,
      accepted: false,
      status: 0,
      delayMs: performance.now() - handle.dispatchedAtHr,
      receivedAt: ctx.record.receivedAt,
      request: ctx.record,
    };
  }

  private webhookExecute(ctx: Ctx): Reply {
    const handle = this.webhookHandle(ctx.params);
    const rec = this.webhookRecord(handle, 'followUp', '', ctx);
    return this.recorded(handle, handle.followUps, rec, () => {
      // A follow-up needs an acknowledged interaction.
      if (!handle.acknowledged) throw ERRORS.unknownWebhook();
      const b = this.validateMessage(ctx.body, { mode: 'create', files: ctx.files });
      const p = handle.payload as unknown as Dict;
      const message = this.deps.world.createBotMessage({
        channelId: String(p.channel_id ?? p.channel?.id),
        body: b,
        files: ctx.files,
        type: 0,
        flags: (typeof b.flags === 'number' ? b.flags : 0) & INTERACTION_MESSAGE_FLAGS,
        webhook: true,
        interactionMetadata: this.interactionMetadata(handle, handle.originalMessageId ? { original_response_message_id: handle.originalMessageId } : {}),
      });
      rec.accepted = true;
      rec.messageId = message.id;
      rec.message = clone(message);
      this.echo('MESSAGE_CREATE', message);
      const wait = ctx.query.wait === 'true';
      rec.status = wait ? 200 : 204;
      return wait ? { status: 200, body: clone(message) } : { status: 204 };
    });
  }

  private webhookMessage(method: 'GET' | 'PATCH' | 'DELETE', ctx: Ctx): Reply {
    const handle = this.webhookHandle(ctx.params);
    const requested = ctx.params.messageId as string;
    const kind = method === 'GET' ? 'fetch' : method === 'PATCH' ? 'edit' : 'delete';
    const rec = this.webhookRecord(handle, kind, requested, ctx);
    const list = kind === 'fetch' ? handle.fetches : kind === 'edit' ? handle.edits : handle.deletes;
    return this.recorded(handle, list, rec, () => {
      const id = requested === '@original' ? handle.originalMessageId : requested;
      const ownIds = new Set([handle.originalMessageId, ...handle.followUps.filter((f) => f.accepted).map((f) => f.messageId)]);
      const message = id && ownIds.has(id) ? this.deps.world.messages.get(id) : undefined;
      if (!message) throw ERRORS.unknownMessage();
      let reply: Reply;
      if (method === 'GET') {
        reply = { status: 200, body: clone(message) };
      } else if (method === 'DELETE') {
        this.deps.world.messages.delete(message.id);
        this.echo('MESSAGE_DELETE', message);
        reply = { status: 204 };
      } else {
        const b = this.validateMessage(ctx.body, { mode: 'edit', files: ctx.files, resulting: message });
        this.deps.world.editMessage(message, b, ctx.files);
        this.echo('MESSAGE_UPDATE', message);
        reply = { status: 200, body: clone(message) };
      }
      rec.accepted = true;
      rec.status = reply.status;
      rec.message = clone(message);
      return reply;
    });
  }
}

function flattenFormErrors(errors: Dict | undefined, path: Array<string | number> = []): FormError[] {
  if (!errors) return [];
  const out: FormError[] = [];
  for (const [key, value] of Object.entries(errors)) {
    if (key === '_errors' && Array.isArray(value)) {
      for (const e of value) out.push({ path, code: String(e.code), message: String(e.message) });
    } else if (isDict(value)) {
      out.push(...flattenFormErrors(value, [...path, /^\d+$/.test(key) ? Number(key) : key]));
    }
  }
  return out;
}

/** multipart/form-data → `payload_json` (or the plain fields) and the files, using the platform's own parser. */
async function parseMultipart(raw: Buffer, contentType: string): Promise<{ body: unknown; files: StoredFile[] }> {
  const form = await new Request('http://standin.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: raw }).formData();
  const fields: Dict = {};
  const files: StoredFile[] = [];
  let body: unknown;
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      if (name === 'payload_json') {
        try {
          body = JSON.parse(value);
        } catch {
          throw ERRORS.invalidJson();
        }
      } else fields[name] = value;
    } else {
      files.push({ field: name, filename: value.name, contentType: value.type || 'application/octet-stream', data: Buffer.from(await value.arrayBuffer()) });
    }
  }
  if (body === undefined && Object.keys(fields).length > 0) body = fields;
  else if (isDict(body)) for (const [k, v] of Object.entries(fields)) body[k] ??= v;
  return { body, files };
}

