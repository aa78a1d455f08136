import path from 'node:path';
import net from 'node:net';
import { FootnoteError } from './errors.js';
import type { LogLevel } from './log.js';

/**
 * All configuration, read once from the environment and validated. Every problem is collected
 * and reported together, each naming its variable: "MAX_QUOTES: expected an integer 1-10, got 'abc'".
 * `.env.example` documents every key read here (a test checks that they agree).
 */
export interface Config {
  readonly projectRoot: string;
  readonly corpusDir: string;
  readonly indexDir: string;
  /** Folder holding models in transformers.js layout (`<org>/<name>/…`); unset means the Hugging Face hub. */
  readonly modelDir: string | undefined;
  readonly embedModel: string;
  readonly passageMaxTokens: number;
  readonly passageOverlapSentences: number;
  readonly maxQuotes: number;
  /** Overrides the calibrated answerability threshold of the model (see README). */
  readonly answerThreshold: number | undefined;
  readonly logLevel: LogLevel;
  readonly web: WebConfig;
  /** Re-check web pages (and reindex what changed) this often in the bot; unset: never on a schedule. */
  readonly refreshHours: number | undefined;
  /** Reindex (debounced) when files in the corpus folder change, while the bot runs. */
  readonly watchCorpus: boolean;
  /**
   * Discord servers with a corpus of their own (CORPORA), each indexed in its own folder. Servers
   * not listed, direct messages and the command line use `corpusDir` and `indexDir`.
   */
  readonly corpora: readonly CorpusConfig[];
  /** Which backend keeps the index, and how versions are published and followed. */
  readonly index: IndexConfig;
  readonly discord: DiscordConfig;
}

/** INDEX_BACKEND and what goes with it (src/index/backend.ts). */
export interface IndexConfig {
  /** `embedded` (hnswlib and BM25 files in INDEX_DIR, the default) or `lancedb` (one shared dataset). */
  readonly backend: 'embedded' | 'lancedb';
  /** LANCEDB_URI: an absolute folder or an object-storage URI (s3://, gs://, az://); default `<INDEX_DIR>/lancedb`. */
  readonly lancedbUri: string;
  /** Complete versions kept, the live one included, so a reader still on the previous one can finish. */
  readonly keepVersions: number;
  /** How often a running bot checks whether another process published a new version. */
  readonly pollSeconds: number;
}

/** One server's corpus and index folder (absolute paths). */
export interface CorpusConfig {
  readonly guildId: string;
  readonly corpusDir: string;
  readonly indexDir: string;
}

/** Pages listed in `<CORPUS_DIR>/web.txt`, fetched when indexing (src/web/). */
export interface WebConfig {
  /** The list of pages and sitemaps, in the corpus folder (never indexed as a document). */
  readonly sourcesFile: string;
  /** Fetched copies, kept between runs beside the index versions. */
  readonly cacheDir: string;
  readonly timeoutSeconds: number;
  readonly maxPageBytes: number;
  readonly maxPagesPerSitemap: number;
  /**
   * Loopback, private and link-local addresses the fetcher may reach: none (false), all (true), or
   * just these addresses and CIDR ranges (an intranet, a local test server).
   */
  readonly allowPrivateAddresses: boolean | readonly string[];
}

/** The name of the web sources list in the corpus folder. */
export const WEB_SOURCES_FILE = 'web.txt';

export interface DiscordConfig {
  readonly token: string | undefined;
  readonly applicationId: string | undefined;
  readonly guildId: string | undefined;
  readonly apiUrl: string | undefined;
  readonly moderatorRoleIds: readonly string[];
  readonly replyInThread: boolean;
  /**
   * Channels (by id) where the bot answers more than mentions: `questions` (messages that read as
   * a question) or `all` (every message of some length). Unlisted channels: mentions only.
   */
  readonly replyModes: Readonly<Record<string, ReplyMode>>;
  /** Forum channels whose new posts are answered in their thread (when the corpus answers them). */
  readonly answerForums: readonly string[];
  /** In those forums, say once that nothing answers a post, instead of staying silent. */
  readonly forumSayUnanswered: boolean;
  readonly questionsPerMinute: number;
  /** A question is turned away when the bot expects to take longer than this to answer it. */
  readonly maxQuestionWaitSeconds: number;
  readonly feedbackFile: string;
  /** Where every change made to the corpus from Discord is appended (JSON lines): who, what, when. */
  readonly auditFile: string;
  /**
   * SHARDS: run the bot as this many gateway shards ('auto': the count Discord recommends), one
   * process each under discord.js's ShardingManager. Undefined: one process, no sharding. Also
   * undefined inside a shard process, where discord.js itself sets SHARDS to the shard's id.
   */
  readonly shards: 'auto' | number | undefined;
  /** SHARD_LIST: the shard ids this host runs (several hosts); undefined: all of them. */
  readonly shardList: readonly number[] | undefined;
}

/** How the bot answers in a channel (REPLY_MODES): mentions only, questions, or every message. */
export const REPLY_MODES = ['mention', 'questions', 'all'] as const;
export type ReplyMode = (typeof REPLY_MODES)[number];

type Env = Readonly<Record<string, string | undefined>>;

function isAddressOrRange(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  const family = net.isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name}: expected an integer ${min}-${max}, got '${value}'`);
      return fallback;
    }
    return Number(value);
  }

  optionalNumber(name: string, min: number, max: number): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!Number.isFinite(number) || number < min || number > max) {
      this.problems.push(`${name}: expected a number ${min}-${max}, got '${value}'`);
      return undefined;
    }
    return number;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name}: expected true or false, got '${value}'`);
    return fallback;
  }

  /** false (the default), true, or a comma-separated list of IP addresses and CIDR ranges. */
  addressAllowance(name: string): boolean | string[] {
    const value = this.raw(name);
    if (value === undefined || ['false', '0', 'no', 'off'].includes(value.toLowerCase())) return false;
    if (['true', '1', 'yes', 'on'].includes(value.toLowerCase())) return true;
    const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
    const bad = entries.filter((entry) => !isAddressOrRange(entry));
    if (bad.length) {
      this.problems.push(`${name}: expected true, false or comma-separated IP addresses and CIDR ranges (127.0.0.1, 10.0.0.0/8), got '${bad.join(', ')}'`);
      return false;
    }
    return entries;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name}: expected one of ${allowed.join(', ')}, got '${value}'`);
      return fallback;
    }
    return value as T;
  }

  snowflakes(name: string): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const ids = value.split(',').map((id) => id.trim()).filter(Boolean);
    const bad = ids.filter((id) => !/^\d{15,21}$/.test(id));
    if (bad.length) this.problems.push(`${name}: expected comma-separated Discord ids (digits), got '${bad.join(', ')}'`);
    return ids.filter((id) => !bad.includes(id));
  }

  optionalSnowflake(name: string): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && !/^\d{15,21}$/.test(value)) {
      this.problems.push(`${name}: expected a Discord id (15-21 digits), got '${value}'`);
      return undefined;
    }
    return value;
  }

  /** `channelId:mode` entries, comma-separated (REPLY_MODES). */
  replyModes(name: string): Record<string, ReplyMode> {
    const value = this.raw(name);
    const modes: Record<string, ReplyMode> = {};
    if (value === undefined) return modes;
    const bad: string[] = [];
    for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
      const match = /^(\d{15,21})\s*:\s*([a-z]+)$/i.exec(entry);
      const mode = match?.[2]!.toLowerCase() as ReplyMode | undefined;
      const id = match?.[1];
      if (!id || !mode || !REPLY_MODES.includes(mode) || (Object.hasOwn(modes, id) && modes[id] !== mode)) bad.push(entry);
      else modes[id] = mode;
    }
    if (bad.length) {
      this.problems.push(`${name}: expected comma-separated channelId:mode entries (a Discord id of 15-21 digits, mode one of ${REPLY_MODES.join(', ')}; one mode per channel), got '${bad.join(', ')}'`);
    }
    return modes;
  }

  /**
   * `serverId:corpusFolder[:indexFolder]` entries, comma-separated (CORPORA). Without an index
   * folder, `<INDEX_DIR>/servers/<server id>`. Two entries may not share a server or an index folder,
   * nor use the default INDEX_DIR: one index folder has one writer.
   */
  corpora(name: string, resolve: (p: string) => string, indexDir: string): CorpusConfig[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const corpora: CorpusConfig[] = [];
    const bad: string[] = [];
    for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
      const match = /^(\d{15,21})\s*:\s*([^:]+?)\s*(?::\s*([^:]+?)\s*)?$/.exec(entry);
      if (!match) bad.push(entry);
      else corpora.push({ guildId: match[1]!, corpusDir: resolve(match[2]!), indexDir: match[3] ? resolve(match[3]) : path.join(indexDir, 'servers', match[1]!) });
    }
    if (bad.length) {
      this.problems.push(`${name}: expected comma-separated serverId:corpusFolder or serverId:corpusFolder:indexFolder entries (a Discord server id of 15-21 digits), got '${bad.join(', ')}'`);
    }
    const seen = new Map<string, string>();
    for (const c of corpora) {
      if (seen.has(c.guildId)) this.problems.push(`${name}: server ${c.guildId} is listed more than once`);
      seen.set(c.guildId, c.indexDir);
    }
    for (const c of corpora) {
      const other = corpora.find((o) => o !== c && o.guildId !== c.guildId && o.indexDir === c.indexDir);
      if (other && c.guildId < other.guildId) this.problems.push(`${name}: servers ${c.guildId} and ${other.guildId} share the index folder ${c.indexDir}; give each its own`);
      if (c.indexDir === indexDir) this.problems.push(`${name}: server ${c.guildId} uses INDEX_DIR (${indexDir}), the default corpus's index; give it a folder of its own`);
    }
    return corpora;
  }

  /** SHARDS: 'auto' or a whole number of shards (1-10000). */
  shards(name: string): 'auto' | number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (value.toLowerCase() === 'auto') return 'auto';
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_SHARDS) {
      this.problems.push(`${name}: expected auto or a number of shards 1-${MAX_SHARDS}, got '${value}'`);
      return undefined;
    }
    return Number(value);
  }

  /** SHARD_LIST: comma-separated shard ids (0 to SHARDS - 1), each once; only with SHARDS. */
  shardList(name: string, shards: 'auto' | number | undefined, shardsName: string): number[] | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
    const bad = entries.filter((e) => !/^\d+$/.test(e) || (typeof shards === 'number' && Number(e) >= shards));
    const range = typeof shards === 'number' ? `0-${shards - 1}` : 'numbers from 0';
    if (entries.length === 0 || bad.length) {
      this.problems.push(`${name}: expected comma-separated shard ids (${range}), got '${bad.length ? bad.join(', ') : value}'`);
      return undefined;
    }
    const ids = entries.map(Number);
    if (new Set(ids).size !== ids.length) this.problems.push(`${name}: a shard id is listed more than once ('${value}')`);
    if (shards === undefined) this.problems.push(`${name}: set only together with ${shardsName} (the total number of shards, or auto)`);
    return ids;
  }

  /** LANCEDB_URI: a folder (made absolute: LanceDB takes a relative path for a cloud address) or an object-storage URI. */
  datasetUri(name: string, fallback: string, resolve: (p: string) => string): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
    if (scheme === undefined) return resolve(value);
    if (!['s3', 's3+ddb', 'gs', 'az', 'file', 'memory'].includes(scheme)) {
      this.problems.push(`${name}: expected a folder or an s3://, gs:// or az:// URI, got '${value}'`);
      return fallback;
    }
    return value.replace(/\/+$/, '');
  }

  optionalUrl(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      return value.replace(/\/+$/, '');
    } catch {
      this.problems.push(`${name}: expected an http(s) URL, got '${value}'`);
      return undefined;
    }
  }
}

/** More shards than this is a typo: Discord recommends one per 1,000-2,500 servers. */
const MAX_SHARDS = 10_000;

/**
 * SHARDS and SHARD_LIST. In a shard process (SHARDING_MANAGER set by discord.js), SHARDS is the
 * shard's id, set by the manager for discord.js's Client: not our setting, so not read.
 */
function shardSettings(read: Reader, env: Env): Pick<DiscordConfig, 'shards' | 'shardList'> {
  if (env.SHARDING_MANAGER !== undefined) return { shards: undefined, shardList: undefined };
  const shards = read.shards('SHARDS');
  return { shards, shardList: read.shardList('SHARD_LIST', shards, 'SHARDS') };
}

/** Reads and validates configuration from `env` (pass `process.env` after dotenv has run). */
export function loadConfig(env: Env, projectRoot: string = process.cwd()): Config {
  const read = new Reader(env);
  const resolve = (p: string) => path.resolve(projectRoot, p);
  const modelDir = read.optionalString('MODEL_DIR');
  const corpusDir = resolve(read.string('CORPUS_DIR', 'corpus'));
  const indexDir = resolve(read.string('INDEX_DIR', '.index'));

  const config: Config = {
    projectRoot,
    corpusDir,
    indexDir,
    modelDir: modelDir === undefined ? undefined : resolve(modelDir),
    embedModel: read.string('EMBED_MODEL', 'Xenova/bge-small-en-v1.5'),
    passageMaxTokens: read.integer('PASSAGE_MAX_TOKENS', 128, 32, 510),
    passageOverlapSentences: read.integer('PASSAGE_OVERLAP_SENTENCES', 1, 0, 5),
    maxQuotes: read.integer('MAX_QUOTES', 3, 1, 10),
    answerThreshold: read.optionalNumber('ANSWER_THRESHOLD', 0, 1),
    logLevel: read.oneOf('LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error', 'silent'] as const),
    web: {
      sourcesFile: path.join(corpusDir, WEB_SOURCES_FILE),
      cacheDir: path.join(indexDir, 'web'),
      timeoutSeconds: read.integer('WEB_TIMEOUT_SECONDS', 20, 1, 300),
      maxPageBytes: read.integer('WEB_MAX_PAGE_MB', 10, 1, 256) * 2 ** 20,
      maxPagesPerSitemap: read.integer('WEB_MAX_SITEMAP_PAGES', 500, 1, 50_000),
      allowPrivateAddresses: read.addressAllowance('WEB_ALLOW_PRIVATE_ADDRESSES'),
    },
    refreshHours: read.optionalNumber('INDEX_REFRESH_HOURS', 0.01, 24 * 365),
    watchCorpus: read.boolean('WATCH_CORPUS', false),
    corpora: read.corpora('CORPORA', resolve, indexDir),
    index: {
      backend: read.oneOf('INDEX_BACKEND', 'embedded', ['embedded', 'lancedb'] as const),
      lancedbUri: read.datasetUri('LANCEDB_URI', path.join(indexDir, 'lancedb'), resolve),
      keepVersions: read.integer('INDEX_KEEP_VERSIONS', 2, 2, 100),
      pollSeconds: read.integer('INDEX_POLL_SECONDS', 2, 1, 3600),
    },
    discord: {
      token: read.optionalString('DISCORD_TOKEN'),
      applicationId: read.optionalSnowflake('DISCORD_APPLICATION_ID'),
      guildId: read.optionalSnowflake('DISCORD_GUILD_ID'),
      apiUrl: read.optionalUrl('DISCORD_API_URL'),
      moderatorRoleIds: read.snowflakes('MODERATOR_ROLE_IDS'),
      replyInThread: read.boolean('REPLY_IN_THREAD', false),
      replyModes: read.replyModes('REPLY_MODES'),
      answerForums: read.snowflakes('ANSWER_FORUMS'),
      forumSayUnanswered: read.boolean('FORUM_SAY_UNANSWERED', false),
      questionsPerMinute: read.integer('QUESTIONS_PER_MINUTE', 6, 1, 1000),
      maxQuestionWaitSeconds: read.integer('MAX_QUESTION_WAIT_SECONDS', 10, 1, 600),
      feedbackFile: resolve(read.string('FEEDBACK_FILE', 'feedback/feedback.jsonl')),
      auditFile: resolve(read.string('AUDIT_FILE', 'audit/corpus-audit.jsonl')),
      ...shardSettings(read, env),
    },
  };

  if (read.problems.length) {
    throw new FootnoteError(
      'CONFIG_INVALID',
      `Configuration is invalid:\n${read.problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return deepFreeze(config);
}

/**
 * The configuration one server's corpus is read and indexed with: `config` with that corpus and
 * index folder (and the web list and page cache that live in them), every other setting shared.
 */
export function corpusConfig(config: Config, corpus: CorpusConfig): Config {
  return deepFreeze({
    ...config,
    corpusDir: corpus.corpusDir,
    indexDir: corpus.indexDir,
    // One dataset per server under the shared one, so a server's reindex never touches another's tables.
    index: { ...config.index, lancedbUri: `${config.index.lancedbUri}/servers/${corpus.guildId}` },
    web: { ...config.web, sourcesFile: path.join(corpus.corpusDir, WEB_SOURCES_FILE), cacheDir: path.join(corpus.indexDir, 'web') },
    corpora: [],
  });
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child);
  }
  return Object.freeze(value);
}
