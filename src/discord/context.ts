import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Footnote } from '../service.js';
import type { AnswerStore } from './answerStore.js';
import type { FeedbackStore } from './feedback.js';
import type { QuestionQueue } from './queue.js';
import type { QuestionLimit } from './rateLimit.js';
import type { ReindexRun } from './shardedReindex.js';

/** What every command may use, injected (never global), so tests can build their own. */
export interface BotContext {
  /**
   * The corpus of the server an interaction or message came from (CORPORA; the default corpus for
   * servers not listed and direct messages). Always called with that server's id, never with an
   * id a member typed: a server's members and moderators reach its corpus only.
   */
  footnoteFor(guildId: string | null | undefined): Footnote;
  readonly config: Config;
  readonly log: Logger;
  readonly answers: AnswerStore;
  readonly feedback: FeedbackStore;
  /** QUESTIONS_PER_MINUTE: counted in this process, or with SHARDS in the shard manager's. */
  readonly limiter: QuestionLimit;
  /** Reindexes a server's corpus: here, or with SHARDS in the writer shard (src/discord/shardedReindex.ts). */
  readonly reindex: ReindexRun;
  readonly queue: QuestionQueue;
}

export interface SlashCommand {
  readonly definition: RESTPostAPIChatInputApplicationCommandsJSONBody;
  run(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: BotContext): Promise<void>;
}

export interface MessageCommand {
  readonly definition: RESTPostAPIContextMenuApplicationCommandsJSONBody;
  run(interaction: MessageContextMenuCommandInteraction, context: BotContext): Promise<void>;
}

export type Command = SlashCommand | MessageCommand;

/** Buttons are routed by the first segment of their custom id ("more:…"). */
export interface ButtonHandler {
  readonly prefix: string;
  run(interaction: ButtonInteraction, args: string[], context: BotContext): Promise<void>;
}
