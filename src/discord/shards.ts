import type { ChildProcess } from 'node:child_process';
import { ShardingManager, type Shard } from 'discord.js';
import type { Config } from '../config.js';
import { FootnoteError } from '../errors.js';
import type { Logger } from '../log.js';
import { serveRateLimit } from './shardedRateLimit.js';
import { designateWriter, routeReindexes } from './shardedReindex.js';

/** Discord allows one IDENTIFY per 5 s (per max_concurrency bucket): discord.js's default gap between shards. */
const SPAWN_DELAY_MS = 5_500;
/** A shard still running this long after SIGTERM is killed (the manager itself gives up after 5 s). */
const SHARD_STOP_MS = 4_000;

export interface RunningShards {
  readonly manager: ShardingManager;
  /** Starts this host's shards one after the other, each once the previous one is connected. */
  spawn(): Promise<void>;
  /** Stops every shard (SIGTERM: each disconnects cleanly) and resolves once all have exited. */
  stop(): Promise<void>;
}

/**
 * SHARDS: the bot as `totalShards` gateway shards, one child process each running `file` (the bot's
 * entry point, with this process's Node options, so `--import tsx` carries over). Only the shards
 * in SHARD_LIST run on this host. Shards are started one at a time, each after the previous one is
 * connected: besides Discord's limit on connections, only the first may have to build a missing
 * index; the others then find it on disk.
 */
export function createShards({ config, log, file, totalShards }: { config: Config; log: Logger; file: string; totalShards: number }): RunningShards {
  const shardList = config.discord.shardList;
  const outside = shardList?.filter((id) => id >= totalShards) ?? [];
  if (outside.length) {
    throw new FootnoteError('CONFIG_INVALID', `SHARD_LIST: shard ${outside.join(', ')} does not exist: there are ${totalShards} shards (ids 0-${totalShards - 1})${config.discord.shards === 'auto' ? ', as Discord recommends (SHARDS=auto). Set SHARDS to a number, the same on every host' : ''}.`);
  }
  const manager = new ShardingManager(file, {
    totalShards,
    shardList: shardList ? [...shardList] : 'auto',
    mode: 'process',
    respawn: true,
    execArgv: process.execArgv,
    ...(config.discord.token !== undefined && { token: config.discord.token }),
  });
  serveRateLimit(manager, config.discord.questionsPerMinute);
  const writer = designateWriter(shardList ?? Array.from({ length: totalShards }, (_, id) => id));
  routeReindexes(manager, writer);
  let stopping = false;
  manager.on('shardCreate', (shard: Shard) => {
    if (stopping) void stopShard(shard);
    log.info('starting shard', { shard: shard.id, shards: totalShards });
    shard.on('death', (child) => {
      const exitCode = (child as ChildProcess).exitCode;
      if (!stopping) log.warn(`shard ${shard.id} exited${manager.respawn ? ': starting it again' : ''}`, { shard: shard.id, exitCode });
    });
  });
  return {
    manager,
    async spawn() {
      const ids = shardList ?? Array.from({ length: totalShards }, (_, id) => id);
      log.info('starting shards', { shards: totalShards, here: ids });
      // Not manager.spawn(): its timeout either gives up on a shard still building a missing index
      // or (-1) does not wait at all, so every shard would build it at once. Each shard gives up by
      // itself (a refused token, a gateway never ready) and exits, which fails the start here.
      manager.respawn = false;
      for (const [n, id] of ids.entries()) {
        if (stopping) return;
        if (n > 0) await new Promise((resolve) => setTimeout(resolve, SPAWN_DELAY_MS));
        await startShard(manager.createShard(id));
      }
      manager.respawn = !stopping;
      log.info('every shard is connected', { shards: manager.shards.size });
    },
    async stop() {
      stopping = true;
      manager.respawn = false;
      await Promise.all(manager.shards.map(stopShard));
    },
  };
}

/** Resolves once the shard's bot is connected; rejects if its process exits first. */
async function startShard(shard: Shard): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onReady = () => {
      shard.off('death', onDeath);
      resolve();
    };
    const onDeath = () => {
      shard.off('ready', onReady);
      reject(new FootnoteError('DISCORD_UNREACHABLE', `Shard ${shard.id} exited while starting (its error is above). No shard was left running.`));
    };
    shard.once('ready', onReady);
    shard.once('death', onDeath);
    void shard.spawn(-1);
  });
}

function stopShard(shard: Shard): Promise<void> {
  const child = shard.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    const kill = setTimeout(() => child.kill('SIGKILL'), SHARD_STOP_MS);
    kill.unref();
    child.kill('SIGTERM');
  });
}
