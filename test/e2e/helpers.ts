/**
 * Helpers for the bot's end-to-end tests: the real bot (`startBot`) on the real Footnote, logged in
 * to the local Discord stand-in, and checks on what it sent (quotes, citations, mentions, limits).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { APIMessage } from 'discord.js';
import { expect } from 'vitest';
import type { Config } from '../../src/config.js';
import { startBot, type RunningBot } from '../../src/discord/client.js';
import type { Command } from '../../src/discord/context.js';
import { COMMANDS, commandDefinitions } from '../../src/discord/registry.js';
import { unescapeMarkdown } from '../../src/format/markdown.js';
import { createLogger } from '../../src/log.js';
import type { Corpora } from '../../src/corpora.js';
import type { Footnote } from '../../src/service.js';
import { cliEnv, collect, type CliResult } from '../helpers/cli.js';
import { PROJECT_ROOT, type Workspace } from '../helpers/workspace.js';
import {
  IDS,
  MEMBER,
  slashCommand,
  startDiscordStandin,
  type Actor,
  type DiscordStandin,
  type InteractionHandle,
  type OptionInput,
  type RecordedRequest,
  type StandinOptions,
} from './discord-standin/index.js';

export const TOKEN = 'test-token';
/** Waits that involve the model: generous, because the machine may be busy with other work. */
export const MODEL_WAIT_MS = 30_000;

export interface BotRun {
  readonly standin: DiscordStandin;
  readonly bot: RunningBot;
  readonly config: Config;
  /** Every log line the bot wrote (JSON), at debug level. */
  readonly logLines: string[];
  stop(): Promise<void>;
}

/**
 * A stand-in, and the real bot logged in to it with `env` on top of the workspace's config
 * (DISCORD_TOKEN, DISCORD_API_URL and a FEEDBACK_FILE in the workspace are set). The commands are
 * registered in the test guild, as `npm run register` would, and the stand-in dispatches only
 * registered commands, checked against their real schema. The logger has no secrets configured: if the token ever
 * reached a log line, it would show.
 */
export async function startBotRun(options: {
  workspace: Workspace;
  /** One corpus for every server, or one per server (CORPORA: pass the same CORPORA in `env`). */
  footnote: Footnote | Corpora;
  env?: Record<string, string>;
  commands?: readonly Command[];
  standin?: StandinOptions;
}): Promise<BotRun> {
  const standin = await startDiscordStandin({ token: TOKEN, strictCommands: true, ...options.standin });
  const config = options.workspace.config({
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: standin.apiUrl,
    FEEDBACK_FILE: path.join(options.workspace.root, 'feedback', 'feedback.jsonl'),
    ...options.env,
  });
  const logLines: string[] = [];
  const log = createLogger({ level: 'debug', pretty: false, write: (line) => logLines.push(line) });
  const commands = options.commands ?? COMMANDS;
  let bot: RunningBot | undefined;
  try {
    const footnote = options.footnote;
    bot = await startBot({ config, log, commands, ...('forGuild' in footnote ? { corpora: footnote } : { footnote }) });
    // Registered in every guild of the stand-in, as `npm run register` would globally.
    for (const guild of options.standin?.guilds?.map((g) => g.id) ?? [IDS.guild]) {
      await bot.client.application!.commands.set(commandDefinitions(commands), guild);
    }
  } catch (error) {
    await bot?.stop();
    await standin.close();
    throw error;
  }
  const running = bot;
  return {
    standin,
    bot: running,
    config,
    logLines,
    async stop() {
      await running.stop();
      await standin.close();
    },
  };
}

/** Dispatches `/name option:value…` as `member` (default: an ordinary member). */
export function slash(run: BotRun, name: string, options: Record<string, OptionInput> = {}, member: Actor = MEMBER): InteractionHandle {
  return run.standin.dispatchInteraction(slashCommand({ name, options, member }));
}

export const EPHEMERAL = 64;

export function isEphemeral(message: Pick<APIMessage, 'flags'> | undefined): boolean {
  return ((message?.flags ?? 0) & EPHEMERAL) === EPHEMERAL;
}

// ---------------------------------------------------------------------------------------------------------------
// Quotes as shown

export interface ShownQuote {
  readonly title: string;
  /** The quote as a reader sees it (Markdown escapes removed), "…" included when shortened. */
  readonly text: string;
  readonly shortened: boolean;
  readonly source: string;
  readonly lineStart: number;
  readonly lineEnd: number;
}

/** The quote embeds of a message: "> quote\n— file, line(s) n–m". */
export function shownQuotes(message: Pick<APIMessage, 'embeds'>): ShownQuote[] {
  return (message.embeds ?? []).map((embed, i) => {
    const description = embed.description ?? '';
    const at = description.lastIndexOf('\n— ');
    expect(description.startsWith('> '), `embed ${i} is a block quote: ${description.slice(0, 80)}`).toBe(true);
    expect(at, `embed ${i} has a citation line`).toBeGreaterThan(0);
    const text = unescapeMarkdown(description.slice(2, at));
    const cite = unescapeMarkdown(description.slice(at + 3));
    const match = /^(.+), lines? (\d+)(?:–(\d+))?$/.exec(cite);
    expect(match, `embed ${i} citation "${cite}" names a file and its lines`).not.toBeNull();
    return {
      title: embed.title ?? '',
      text,
      shortened: text.endsWith('…'),
      source: match![1]!,
      lineStart: Number(match![2]),
      lineEnd: Number(match![3] ?? match![2]),
    };
  });
}

/** White space as quotes are displayed: every run one space. */
export function collapse(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

/**
 * Each shown quote is verbatim text of the file it cites, on the lines it cites (white space
 * collapsed); a shortened quote is a prefix of such text, cut between words, ending with "…".
 */
export function expectVerbatim(quotes: readonly ShownQuote[], projectRoot: string): void {
  expect(quotes.length).toBeGreaterThan(0);
  for (const q of quotes) {
    const file = path.resolve(projectRoot, q.source);
    expect(fs.existsSync(file), `cited file ${q.source} exists`).toBe(true);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(q.lineStart).toBeGreaterThanOrEqual(1);
    expect(q.lineEnd).toBeGreaterThanOrEqual(q.lineStart);
    expect(q.lineEnd).toBeLessThanOrEqual(lines.length);
    const cited = collapse(lines.slice(q.lineStart - 1, q.lineEnd).join('\n'));
    const kept = collapse(q.shortened ? q.text.replace(/\s?…$/, '') : q.text);
    expect(kept.length, q.text).toBeGreaterThan(0);
    expect(cited, `${q.source}:${q.lineStart}-${q.lineEnd} contains the quote`).toContain(kept);
    if (q.shortened) {
      // Cut between words: somewhere the kept text is followed by white space (or ends the lines).
      let cutBetweenWords = false;
      for (let at = cited.indexOf(kept); at >= 0 && !cutBetweenWords; at = cited.indexOf(kept, at + 1)) {
        const next = cited[at + kept.length];
        cutBetweenWords = next === undefined || next === ' ';
      }
      expect(cutBetweenWords, `"${kept.slice(-40)}" is cut between words`).toBe(true);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What the bot sent

function isDict(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every message body the bot sent: channel messages, interaction replies / updates, webhook edits and follow-ups. */
export function messageBodies(standin: DiscordStandin): { request: RecordedRequest; body: Record<string, any> }[] {
  const out: { request: RecordedRequest; body: Record<string, any> }[] = [];
  for (const request of standin.requests) {
    const body = request.body;
    if (!isDict(body)) continue;
    if (request.route === '/interactions/:interactionId/:interactionToken/callback') {
      if ((body.type === 4 || body.type === 7) && isDict(body.data)) out.push({ request, body: body.data });
    } else if ('content' in body || 'embeds' in body || 'components' in body) {
      out.push({ request, body });
    }
  }
  return out;
}

/**
 * Nobody was ever pinged: every message body the bot sent says `allowed_mentions.parse: []`, and
 * every message of the bot that the stand-in stored resolves to no user, role or @everyone mention.
 */
export function expectNoPings(standin: DiscordStandin): void {
  const bodies = messageBodies(standin);
  expect(bodies.length).toBeGreaterThan(0);
  // Every other request with a body is one that cannot carry a message: command registration,
  // an acknowledgement without a message (defer, autocomplete choices), a thread's name.
  const checked = new Set(bodies.map((b) => b.request));
  for (const request of standin.requests) {
    if (request.body === undefined || checked.has(request)) continue;
    const body = request.body as Record<string, any>;
    const kind = request.route?.endsWith('/commands')
      ? 'commands'
      : request.route === '/interactions/:interactionId/:interactionToken/callback' && [5, 6, 8].includes(body.type)
        ? 'acknowledgement'
        : request.route === '/channels/:channelId/messages/:messageId/threads' && Object.keys(body).every((k) => ['name', 'auto_archive_duration', 'rate_limit_per_user', 'type'].includes(k))
          ? 'thread'
          : undefined;
    expect(kind, `${request.method} ${request.path} ${JSON.stringify(body).slice(0, 200)}`).toBeDefined();
    if (kind === 'acknowledgement') expect(['content', 'embeds', 'components'].some((k) => k in (body.data ?? {}))).toBe(false);
  }
  for (const { request, body } of bodies) {
    expect(body.allowed_mentions?.parse, `${request.method} ${request.path}`).toEqual([]);
  }
  let messages = 0;
  for (const message of standin.world.messages.values()) {
    if (message.author?.id !== standin.botUser.id) continue;
    messages++;
    expect(message.mentions, message.content).toEqual([]);
    expect(message.mention_roles, message.content).toEqual([]);
    expect(message.mention_everyone, message.content).toBe(false);
  }
  expect(messages).toBeGreaterThan(0);
}

/** Discord refused nothing, nothing was acknowledged twice or left unanswered, no unknown route was called. */
export function expectCleanRun(standin: DiscordStandin): void {
  expect(standin.violations.map((v) => `${v.request.method} ${v.request.path}: ${v.code} ${JSON.stringify(v.errors)}`)).toEqual([]);
  expect(standin.unhandled.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  expect(standin.internalErrors).toEqual([]);
  for (const h of standin.interactions) {
    expect(h.callbacks.map((c) => `${c.type}:${c.status}`), `interaction ${h.id} acknowledged once`).toHaveLength(1);
    expect(h.callbacks[0]!.accepted).toBe(true);
  }
  expect(standin.unfinishedInteractions().map((h) => h.id)).toEqual([]);
}

/** The log as objects. */
export function logRecords(run: BotRun): Record<string, unknown>[] {
  return run.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

// ---------------------------------------------------------------------------------------------------------------
// Scripts

/** Runs `npx tsx <script>` from the project root with only `vars` as Footnote configuration. */
export function runScript(script: string, vars: Record<string, string>): Promise<CliResult> {
  return collect(spawn('npx', ['tsx', script], { cwd: PROJECT_ROOT, env: cliEnv(vars), stdio: ['ignore', 'pipe', 'pipe'] }));
}
