/**
 * The websocket gateway: HELLO → IDENTIFY → READY (+ one GUILD_CREATE per guild) → dispatches, with heartbeats,
 * sequence numbers, RESUME (events missed while disconnected are replayed), and Discord's close codes.
 *
 * Transport compression: `?compress=zlib-stream` (one zlib context for the whole connection, every payload ending
 * in a Z_SYNC_FLUSH, i.e. the bytes 00 00 ff ff) and payload compression (`compress: true` in IDENTIFY: each payload
 * deflated on its own) are both supported. discord.js 14 asks for neither unless the optional `zlib-sync` package is
 * installed, so by default everything is plain JSON text frames.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { World } from './world.js';
import { randomBytes } from 'node:crypto';
import { isDict, type Dict } from './util.js';

/** GatewayIntentBits that matter here. */
export const INTENTS = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;
export const PRIVILEGED_INTENTS = INTENTS.GuildMembers | INTENTS.GuildPresences | INTENTS.MessageContent;
/** Every intent bit Discord defines (0–21, 24, 25). Anything else closes the connection with 4013. */
const VALID_INTENTS = ((1 << 22) - 1) | (1 << 24) | (1 << 25);

/** The gateway close codes the stand-in uses. */
export const CLOSE = {
  UnknownError: 4000,
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidShard: 4010,
  InvalidAPIVersion: 4012,
  InvalidIntents: 4013,
  DisallowedIntents: 4014,
} as const;

export interface IdentifyRecord {
  at: number;
  token: string;
  intents: number;
  properties: unknown;
  shard: unknown;
  compress: boolean;
  presence?: unknown;
  largeThreshold?: number;
  /** The close code the stand-in answered with, when it refused the IDENTIFY. */
  refusedWith?: number;
}

export interface GatewaySession {
  id: string;
  intents: number;
  seq: number;
  /** Every dispatch sent in this session, for RESUME replays. */
  log: Array<{ op: 0; t: string; s: number; d: unknown }>;
  connection: Connection | null;
  /** Guild ids still to be sent as GUILD_CREATE after READY. */
  pendingGuilds: number;
  resumes: number;
  /** `[shard id, shard count]` from IDENTIFY; `[0, 1]` (every guild) when the client sent none. */
  shard: [number, number];
}

/** Whether the session's shard receives `guildId`'s events: Discord's `(guild_id >> 22) % num_shards`. */
export function ownsGuild(shard: readonly [number, number], guildId: string): boolean {
  return Number((BigInt(guildId) >> 22n) % BigInt(shard[1])) === shard[0];
}

interface Connection {
  socket: WebSocket;
  session: GatewaySession | null;
  transport: 'zlib-stream' | null;
  payloadCompression: boolean;
  deflate?: zlib.Deflate;
  deflateChunks: Buffer[];
  timers: Set<NodeJS.Timeout>;
  remote: string;
  closedByServer: boolean;
}

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  allowedPrivilegedIntents: number;
  /** `ws://127.0.0.1:PORT` (known once listening). */
  url: () => string;
  log: (line: string) => void;
}

export class Gateway extends EventEmitter {
  readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly sessions = new Map<string, GatewaySession>();
  readonly identifies: IdentifyRecord[] = [];
  /** Heartbeats received (op 1), over all connections. */
  heartbeats = 0;
  /** Close codes the server sent or received, newest last: `{ code, by: 'server' | 'client' }`. */
  readonly closes: Array<{ code: number; by: 'server' | 'client'; at: number }> = [];
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly world: World,
    private readonly opts: GatewayOptions,
  ) {
    super();
    this.setMaxListeners(0);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
  }

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'ws://127.0.0.1');
    const conn: Connection = {
      socket,
      session: null,
      transport: null,
      payloadCompression: false,
      deflateChunks: [],
      timers: new Set(),
      remote: `${req.socket.remoteAddress}:${req.socket.remotePort}`,
      closedByServer: false,
    };
    this.connections.add(conn);
    socket.on('close', (code) => this.onClose(conn, code));
    socket.on('error', () => undefined);
    socket.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));

    const version = url.searchParams.get('v');
    const encoding = url.searchParams.get('encoding') ?? 'json';
    const compress = url.searchParams.get('compress');
    if (version !== null && version !== '10') return this.closeWith(conn, CLOSE.InvalidAPIVersion, 'Invalid API version.');
    if (encoding !== 'json') return this.closeWith(conn, CLOSE.DecodeError, 'The stand-in only speaks encoding=json.');
    if (compress === 'zlib-stream') {
      conn.transport = 'zlib-stream';
      conn.deflate = zlib.createDeflate({ chunkSize: 65535 });
      conn.deflate.on('data', (chunk: Buffer) => this.onDeflated(conn, chunk));
    } else if (compress !== null) {
      return this.closeWith(conn, CLOSE.DecodeError, `Unsupported transport compression ${compress}.`);
    }
    this.opts.log(`gateway: connection from ${conn.remote} (${url.search || 'no query'})`);
    this.send(conn, { op: 10, d: { heartbeat_interval: this.opts.heartbeatIntervalMs, _trace: ['["discord-standin",{"micros":0}]'] }, s: null, t: null });
  }

  private onDeflated(conn: Connection, chunk: Buffer): void {
    conn.deflateChunks.push(chunk);
    const l = chunk.length;
    if (l >= 4 && chunk[l - 4] === 0x00 && chunk[l - 3] === 0x00 && chunk[l - 2] === 0xff && chunk[l - 1] === 0xff) {
      const frame = Buffer.concat(conn.deflateChunks);
      conn.deflateChunks = [];
      if (conn.socket.readyState === WebSocket.OPEN) conn.socket.send(frame, { binary: true });
    }
  }

  private send(conn: Connection, payload: Dict, onSent?: () => void): void {
    if (conn.socket.readyState !== WebSocket.OPEN) return;
    const json = JSON.stringify(payload);
    if (conn.transport === 'zlib-stream' && conn.deflate) {
      conn.deflate.write(json);
      conn.deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => onSent?.());
    } else if (conn.payloadCompression && payload.op !== 10) {
      conn.socket.send(zlib.deflateSync(json), { binary: true }, () => onSent?.());
    } else {
      conn.socket.send(json, () => onSent?.());
    }
  }

  private closeWith(conn: Connection, code: number, reason: string): void {
    this.opts.log(`gateway: closing ${conn.remote} with ${code} (${reason})`);
    this.closes.push({ code, by: 'server', at: Date.now() });
    conn.closedByServer = true;
    if (conn.socket.readyState === WebSocket.OPEN || conn.socket.readyState === WebSocket.CONNECTING) {
      conn.socket.close(code, reason);
    }
  }

  private later(conn: Connection, ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      conn.timers.delete(timer);
      fn();
    }, ms);
    conn.timers.add(timer);
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    let payload: unknown;
    try {
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      payload = JSON.parse(isBinary ? zlib.inflateSync(buffer).toString('utf8') : buffer.toString('utf8'));
    } catch {
      return this.closeWith(conn, CLOSE.DecodeError, 'Error while decoding payload.');
    }
    if (!isDict(payload) || typeof payload.op !== 'number') return this.closeWith(conn, CLOSE.DecodeError, 'Error while decoding payload.');
    const d = payload.d;
    switch (payload.op) {
      case 1: // heartbeat
        this.heartbeats++;
        this.send(conn, { op: 11, d: null, s: null, t: null });
        this.emit('heartbeat');
        return;
      case 2:
        return this.onIdentify(conn, isDict(d) ? d : {});
      case 6:
        return this.onResume(conn, isDict(d) ? d : {});
      case 3: // presence update
      case 4: // voice state update
        if (!conn.session) return this.closeWith(conn, CLOSE.NotAuthenticated, 'Not authenticated.');
        return;
      case 8:
        if (!conn.session) return this.closeWith(conn, CLOSE.NotAuthenticated, 'Not authenticated.');
        return this.onRequestGuildMembers(conn.session, isDict(d) ? d : {});
      default:
        return this.closeWith(conn, CLOSE.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private onIdentify(conn: Connection, d: Dict): void {
    const record: IdentifyRecord = {
      at: Date.now(),
      token: String(d.token),
      intents: Number(d.intents),
      properties: d.properties,
      shard: d.shard,
      compress: Boolean(d.compress),
      ...(d.presence !== undefined ? { presence: d.presence } : {}),
      ...(typeof d.large_threshold === 'number' ? { largeThreshold: d.large_threshold } : {}),
    };
    this.identifies.push(record);
    const refuse = (code: number, reason: string): void => {
      record.refusedWith = code;
      this.emit('identify', record);
      this.closeWith(conn, code, reason);
    };
    if (conn.session) return refuse(CLOSE.AlreadyAuthenticated, 'Already authenticated.');
    if (d.token !== this.opts.token) return refuse(CLOSE.AuthenticationFailed, 'Authentication failed.');
    const intents = record.intents;
    if (!Number.isInteger(intents) || intents < 0 || (intents & ~VALID_INTENTS) !== 0) return refuse(CLOSE.InvalidIntents, 'Invalid intent(s).');
    if ((intents & PRIVILEGED_INTENTS & ~this.opts.allowedPrivilegedIntents) !== 0) return refuse(CLOSE.DisallowedIntents, 'Disallowed intent(s).');
    let shard: [number, number] = [0, 1];
    if (Array.isArray(d.shard)) {
      const [id, count] = d.shard as unknown[];
      if (!Number.isInteger(id) || !Number.isInteger(count) || (id as number) < 0 || (count as number) < 1 || (id as number) >= (count as number)) {
        return refuse(CLOSE.InvalidShard, 'Invalid shard.');
      }
      shard = [id as number, count as number];
    }
    conn.payloadCompression = record.compress && conn.transport === null;
    const session: GatewaySession = {
      id: randomSessionId(),
      intents,
      seq: 0,
      log: [],
      connection: conn,
      pendingGuilds: 0,
      resumes: 0,
      shard,
    };
    this.sessions.set(session.id, session);
    conn.session = session;
    this.emit('identify', record);

    // Each shard gets only the guilds it owns, as on Discord.
    const guildIds = [...this.world.guilds.keys()].filter((id) => ownsGuild(shard, id));
    const app = this.world.applicationId;
    const applicationFlags =
      (this.opts.allowedPrivilegedIntents & INTENTS.GuildPresences ? 1 << 13 : 0) |
      (this.opts.allowedPrivilegedIntents & INTENTS.GuildMembers ? 1 << 15 : 0) |
      (this.opts.allowedPrivilegedIntents & INTENTS.MessageContent ? 1 << 19 : 0);
    const ready = {
      v: 10,
      user_settings: {},
      user: { ...this.world.botUser, verified: true, mfa_enabled: false, email: null, flags: 0 },
      guilds: guildIds.map((id) => ({ id, unavailable: true })),
      guild_join_requests: [],
      relationships: [],
      private_channels: [],
      presences: [],
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.opts.url(),
      shard,
      application: { id: app, flags: applicationFlags },
      geo_ordered_rtc_regions: ['local'],
      auth: {},
      _trace: ['["discord-standin",{"micros":0}]'],
    };
    const sendGuilds = (intents & INTENTS.Guilds) !== 0;
    session.pendingGuilds = sendGuilds ? guildIds.length : 0;
    this.dispatchTo(session, 'READY', ready, () => {
      if (!sendGuilds || guildIds.length === 0) {
        this.emit('session-ready', session);
        return;
      }
      // Real Discord streams the guilds in after READY; the pause also keeps discord.js from seeing a GUILD_CREATE
      // before it has processed READY (it would then wait 15 s for a guild it already has).
      this.later(conn, 5, () => {
        for (const id of guildIds) {
          this.dispatchTo(session, 'GUILD_CREATE', this.world.guildCreatePayload(id, { allMembers: (intents & INTENTS.GuildMembers) !== 0 }));
        }
        session.pendingGuilds = 0;
        this.emit('session-ready', session);
      });
    });
  }

  private onResume(conn: Connection, d: Dict): void {
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    if (d.token !== this.opts.token) {
      this.closeWith(conn, CLOSE.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    if (!session || conn.session) {
      // op 9 Invalid Session, not resumable: the client must IDENTIFY again.
      this.later(conn, 50, () => this.send(conn, { op: 9, d: false, s: null, t: null }));
      return;
    }
    if (session.connection && session.connection !== conn) {
      this.closeWith(session.connection, CLOSE.UnknownError, 'Session resumed elsewhere.');
      session.connection.session = null;
    }
    session.connection = conn;
    session.resumes++;
    conn.session = session;
    const since = typeof d.seq === 'number' ? d.seq : 0;
    for (const event of session.log) if (event.s > since) this.send(conn, event);
    this.dispatchTo(session, 'RESUMED', { _trace: ['["discord-standin",{"micros":0}]'] });
    this.emit('resumed', session);
  }

  private onRequestGuildMembers(session: GatewaySession, d: Dict): void {
    const guild = typeof d.guild_id === 'string' ? this.world.guilds.get(d.guild_id) : undefined;
    if (!guild) return;
    const userIds: string[] | undefined = Array.isArray(d.user_ids) ? d.user_ids.map(String) : typeof d.user_ids === 'string' ? [d.user_ids] : undefined;
    const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
    const limit = typeof d.limit === 'number' && d.limit > 0 ? d.limit : Infinity;
    const members = [...guild.members.values()]
      .filter(({ actor: a }) => (userIds ? userIds.includes(a.id) : a.username.toLowerCase().startsWith(query)))
      .slice(0, limit)
      .map(({ actor: a, joinedAt }) => {
        const user = this.world.users.get(a.id) ?? this.world.botUser;
        return { user, roles: a.roles, nick: a.nick, avatar: null, joined_at: joinedAt, premium_since: null, deaf: false, mute: false, flags: 0, pending: false, communication_disabled_until: null };
      });
    const notFound = userIds ? userIds.filter((id) => !guild.members.has(id)) : [];
    this.dispatchTo(session, 'GUILD_MEMBERS_CHUNK', {
      guild_id: guild.id,
      members,
      chunk_index: 0,
      chunk_count: 1,
      not_found: notFound,
      ...(d.nonce !== undefined ? { nonce: d.nonce } : {}),
    });
  }

  private onClose(conn: Connection, code: number): void {
    this.connections.delete(conn);
    for (const timer of conn.timers) clearTimeout(timer);
    conn.timers.clear();
    conn.deflate?.close();
    if (!conn.closedByServer) this.closes.push({ code, by: 'client', at: Date.now() });
    const session = conn.session;
    if (session && session.connection === conn) {
      session.connection = null;
      // A client closing with 1000/1001 ends its session; anything else leaves it resumable.
      if (code === 1000 || code === 1001) this.sessions.delete(session.id);
    }
    this.opts.log(`gateway: ${conn.remote} closed (${code})`);
    this.emit('close', code);
  }

  private dispatchTo(session: GatewaySession, t: string, d: unknown, onSent?: () => void): void {
    const event = { op: 0 as const, t, s: ++session.seq, d };
    session.log.push(event);
    if (session.log.length > 5000) session.log.splice(0, session.log.length - 5000);
    if (session.connection) this.send(session.connection, event, onSent);
  }

  /** Sessions that would receive a dispatch (connected, or disconnected but resumable). */
  activeSessions(): GatewaySession[] {
    return [...this.sessions.values()];
  }

  /**
   * Send a dispatch to every session. `shape` may adapt the payload per session (e.g. strip message content without
   * the MESSAGE_CONTENT intent) or return undefined to skip that session (missing intent). A payload with a
   * `guild_id` goes only to the sessions whose shard owns that guild. Returns how many got it.
   */
  dispatch(t: string, d: unknown, shape?: (session: GatewaySession) => unknown): number {
    let delivered = 0;
    for (const session of this.sessions.values()) {
      const data = shape ? shape(session) : d;
      if (data === undefined) continue;
      if (isDict(data) && typeof data.guild_id === 'string' && !ownsGuild(session.shard, data.guild_id)) continue;
      this.dispatchTo(session, t, data);
      delivered++;
    }
    return delivered;
  }

  /** Drop the live connections with `code` (default 4000: discord.js then RESUMEs and gets the missed events). */
  disconnect(code: number = CLOSE.UnknownError, reason = 'Disconnected by the test'): void {
    for (const conn of this.connections) if (!conn.closedByServer) this.closeWith(conn, code, reason);
  }

  /** Ask clients to reconnect (op 7); they close with 4200 and RESUME. */
  requestReconnect(): void {
    for (const conn of this.connections) this.send(conn, { op: 7, d: null, s: null, t: null });
  }

  /** Resolve once a session has received READY and all its GUILD_CREATEs. */
  waitForSession(timeoutMs = 5000): Promise<GatewaySession> {
    const ready = [...this.sessions.values()].find((s) => s.connection && s.pendingGuilds === 0 && s.seq > 0);
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('session-ready', onReady);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for a gateway session (did the client log in?)`));
      }, timeoutMs);
      const onReady = (s: GatewaySession): void => {
        clearTimeout(timer);
        resolve(s);
      };
      this.once('session-ready', onReady);
    });
  }

  async close(): Promise<void> {
    for (const conn of this.connections) {
      for (const timer of conn.timers) clearTimeout(timer);
      conn.timers.clear();
      conn.deflate?.close();
      conn.socket.terminate();
    }
    this.connections.clear();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function randomSessionId(): string {
  return randomBytes(16).toString('hex');
}
