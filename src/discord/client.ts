import { Client, Events, GatewayIntentBits, type ClientOptions } from 'discord.js';
import type { Config } from '../config.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { corporaOf, type Corpora } from '../corpora.js';
import type { Footnote } from '../service.js';
import { AnswerStore } from './answerStore.js';
import type { BotContext, Command } from './context.js';
import { FeedbackStore } from './feedback.js';
import { logIn, readsAllMessages } from './login.js';
import { listenForQuestions } from './conversations.js';
import { QuestionQueue } from './queue.js';
import { RateLimiter } from './rateLimit.js';
import { managerLimit } from './shardedRateLimit.js';
import { isWriterShard, reindexInWriter, serveReindexes, type ReindexRun } from './shardedReindex.js';
import { COMMANDS } from './registry.js';
import { NO_MENTIONS } from './reply.js';
import { createRouter } from './router.js';

export interface RunningBot {
  readonly client: Client;
  readonly context: BotContext;
  stop(): Promise<void>;
}

/**
 * Client options: only non-privileged intents unless REPLY_MODES or ANSWER_FORUMS is set; mentions
 * off by default; a local API for tests.
 */
export function clientOptions(config: Config): ClientOptions {
  return {
    // Guilds: slash commands, guild data, threads. GuildMessages: messages that mention the bot,
    // whose text Discord delivers without the privileged Message Content intent. Reading other
    // messages (REPLY_MODES) and forum posts (ANSWER_FORUMS) needs Message Content, which must be
    // enabled for the bot in the developer portal, or Discord refuses the connection (4014).
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, ...(readsAllMessages(config) ? [GatewayIntentBits.MessageContent] : [])],
    allowedMentions: NO_MENTIONS,
    // discord.js's Client takes SHARDS from the environment as its shard ids. Outside a shard
    // process (the ShardingManager sets SHARDING_MANAGER and SHARDS=<id>), SHARDS is our own
    // setting (a count, auto, or blank), so the one shard is given explicitly.
    ...(!isShardProcess() && { shards: [0], shardCount: 1 }),
    ...(config.discord.apiUrl !== undefined && { rest: { api: config.discord.apiUrl } }),
  };
}

/** A process the ShardingManager started (it sets SHARDING_MANAGER), with its IPC channel. */
function isShardProcess(): boolean {
  return process.env.SHARDING_MANAGER !== undefined;
}

/**
 * Connects to Discord and answers until stopped: in each server from its corpus (`corpora`, from
 * CORPORA), or everywhere from `footnote` (one corpus).
 */
export async function startBot(options: { config: Config; log: Logger; commands?: readonly Command[] } & ({ footnote: Footnote } | { corpora: Corpora })): Promise<RunningBot> {
  const { config, log } = options;
  const corpora = 'corpora' in options ? options.corpora : corporaOf(options.footnote);
  const reindexHere: ReindexRun = (guildId, onProgress) => corpora.forGuild(guildId).reindex({ onProgress });
  const context: BotContext = {
    footnoteFor: (guildId) => corpora.forGuild(guildId),
    config,
    log,
    answers: new AnswerStore(),
    feedback: new FeedbackStore(config.discord.feedbackFile),
    limiter: isShardProcess() ? managerLimit(config.discord.questionsPerMinute, log) : new RateLimiter(config.discord.questionsPerMinute),
    reindex: isWriterShard() ? reindexHere : reindexInWriter((guildId) => corpora.forGuild(guildId)),
    queue: new QuestionQueue({ maxWaitMs: config.discord.maxQuestionWaitSeconds * 1000 }),
  };
  if (isShardProcess() && isWriterShard()) serveReindexes(reindexHere, log);
  const client = new Client(clientOptions(config));
  const route = createRouter(context, options.commands ?? COMMANDS);

  client.on(Events.InteractionCreate, (interaction) => void route(interaction));
  listenForQuestions(client, context);
  client.on(Events.Error, (error) => log.error('discord client error', { error: describeError(error) }));
  client.on(Events.Warn, (message) => log.warn(message));

  if (readsAllMessages(config)) {
    log.info('asking Discord for the privileged Message Content intent (REPLY_MODES or ANSWER_FORUMS is set): enable it on the Bot page of the developer portal');
  }
  await logIn(client, config);
  log.info('connected to Discord', { ...(client.shard && { shard: client.shard.ids }), user: client.user?.tag, guilds: client.guilds.cache.size, documents: corpora.default.index.catalog.length, corpora: corpora.all.length });
  return {
    client,
    context,
    async stop() {
      await client.destroy();
    },
  };
}
