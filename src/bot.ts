import { startBot, type RunningBot } from './discord/client.js';
import { checkDiscordAccess } from './discord/login.js';
import { loadEnvironment, reportFatal } from './environment.js';
import { errorDetails } from './errors.js';
import type { Logger } from './log.js';
import { botPaths, checkPaths } from './paths.js';
import { openCorpora } from './corpora.js';
import { startUpkeep } from './upkeep.js';
import { createShards } from './discord/shards.js';
import { isWriterShard } from './discord/shardedReindex.js';
import type { Footnote } from './service.js';
import { fileURLToPath } from 'node:url';
import { createProgressBar } from './cli/progress.js';

type Stoppable = Pick<RunningBot, 'stop'>;

/** Signals that mean "stop": from a terminal (INT, HUP), a process manager or container (TERM). */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** A stop that takes longer than this (a hung connection) exits anyway. */
const STOP_TIMEOUT_MS = 5_000;
const PARENT_CHECK_MS = 1_000;

/** `npm start`: load the model and index once, then answer on Discord until told to stop. */
async function main(): Promise<void> {
  const { config, log } = loadEnvironment();
  if (!config.discord.token) {
    process.stderr.write(
      'DISCORD_TOKEN is not set, so the bot cannot connect to Discord.\n' +
        'Create an application and bot at https://discord.com/developers/applications, copy its token into .env\n' +
        '(DISCORD_TOKEN=...; see .env.example and the README), run `npm run register`, then `npm start`.\n' +
        'Without Discord, `npm run ask -- "your question"` answers from the corpus in the terminal.\n',
    );
    process.exitCode = 1;
    return;
  }
  checkPaths(botPaths(config));
  const stopper = stopOnSignals(log);
  const recommendedShards = await checkDiscordAccess(config);
  if (config.discord.shards !== undefined) {
    // SHARDS: this process only manages; each shard process runs this file again as the bot.
    const shards = createShards({ config, log, file: fileURLToPath(import.meta.url), totalShards: config.discord.shards === 'auto' ? recommendedShards : config.discord.shards });
    stopper.attach(shards);
    await shards.spawn().catch(async (error: unknown) => {
      await shards.stop();
      throw error;
    });
    return;
  }
  process.on('unhandledRejection', (error) => log.error('unhandled rejection', errorDetails(error)));
  const bar = createProgressBar();
  // One model in memory, shared by the default corpus and every server's in CORPORA.
  const corpora = await openCorpora({ config, log, onProgress: (p) => bar.update(p), reindexInWorker: true });
  bar.done();
  const bot = await startBot({ config, log, corpora });
  // Scheduled web refreshes and corpus watching start once the bot answers, and stop before it
  // disconnects; with SHARDS, in the writer shard only (the others follow what it publishes).
  const upkeeps = isWriterShard() ? corpora.all.map((footnote) => startUpkeep({ footnote, config: footnote.config, log })) : [];
  // One shard of several, or a shared LanceDB dataset: another process (a shard's /reindex, `npm run
  // index`, another host) may publish a new version of the same index.
  const following = bot.client.shard || config.index.backend === 'lancedb' ? followIndexes(corpora.all, config.index.pollSeconds, log) : undefined;
  stopper.attach({
    stop: async () => {
      if (following) clearInterval(following);
      for (const upkeep of upkeeps) upkeep.stop();
      await bot.stop();
    },
  });
}

/**
 * Each shard checks every index's live version every INDEX_POLL_SECONDS (CURRENT, or LanceDB's
 * `live` tag) and switches to a version another process published. Polling rather than a message
 * from the shard that reindexed: it also reaches shards on other hosts (SHARD_LIST) and picks up
 * `npm run index` runs, and costs one small read per interval.
 */
function followIndexes(footnotes: readonly Footnote[], pollSeconds: number, log: Logger): NodeJS.Timeout {
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    void Promise.all(footnotes.map((footnote) => footnote.followCurrent().catch((error: unknown) => log.warn('could not load the new index version', { index: footnote.config.indexDir, ...errorDetails(error) })))).finally(() => (checking = false));
  }, pollSeconds * 1000);
  timer.unref();
  return timer;
}

/**
 * Stops cleanly (the gateway connection closed, then exit 0) on any stop signal, and when the
 * process that started the bot is gone. Under `npm start`, npm is what a process manager watches
 * and signals; if it dies without passing the signal on, the bot would otherwise answer on as an
 * orphan. Installed before the model loads, so a stop during start-up is honoured too.
 */
function stopOnSignals(log: Logger): { attach(bot: Stoppable): void } {
  let bot: Stoppable | undefined;
  let stopping = false;
  const stop = async (reason: string) => {
    // A terminal's Ctrl+C reaches npm and the bot, and npm passes it on: repeats are expected.
    if (stopping) return;
    stopping = true;
    log.info(`${reason}: disconnecting`);
    setTimeout(() => {
      log.warn(`still disconnecting after ${STOP_TIMEOUT_MS / 1000} s: exiting anyway`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    try {
      await bot?.stop();
    } catch (error) {
      log.warn('disconnecting failed', errorDetails(error));
    }
    process.exit(0);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => void stop(signal));

  // npm sets npm_lifecycle_event for the scripts it runs. Without npm (node directly, systemd,
  // nohup), a new parent is no reason to stop.
  // A shard process, forked by the manager (SHARDS) with an IPC channel: gone with the manager.
  if (process.channel) process.once('disconnect', () => void stop('the shard manager has exited'));
  if (process.env.npm_lifecycle_event !== undefined) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) void stop(`the parent process (${parent}, npm) has exited`);
    }, PARENT_CHECK_MS).unref();
  }
  return {
    attach(running) {
      bot = running;
      if (stopping) void running.stop().then(() => process.exit(0));
    },
  };
}

main().catch((error: unknown) => reportFatal(error, 'Could not start'));
