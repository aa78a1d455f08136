import type { Shard, ShardingManager } from 'discord.js';
import { FootnoteError, isFootnoteError, type ErrorCode } from '../errors.js';
import type { BuildProgress, BuildReport } from '../index/build.js';
import type { Logger } from '../log.js';
import type { Footnote } from '../service.js';

/**
 * With SHARDS, one shard process per host reindexes: the writer shard (the first this host runs).
 * /reindex (and the corpus commands that reindex) in any other shard is sent to it through the
 * manager, and its progress and result come back the same way, so the moderator sees them
 * whichever shard received the command. Only the writer shard loads a second model copy for a
 * reindex, and only it runs WATCH_CORPUS and INDEX_REFRESH_HOURS.
 *
 *   shard N ──reindex──▶ manager ──▶ writer shard      writer ──progress/result──▶ manager ──▶ shard N
 */
export const WRITER_SHARD_ENV = 'FOOTNOTE_WRITER_SHARD';

export type ReindexRun = (guildId: string | null, onProgress: (progress: BuildProgress) => void) => Promise<BuildReport>;

interface ReindexRequest {
  readonly footnote: 'reindex';
  readonly request: string;
  readonly guildId: string | null;
}
interface ReindexProgress {
  readonly footnote: 'reindex-progress';
  readonly request: string;
  readonly progress: BuildProgress;
}
interface ReindexResult {
  readonly footnote: 'reindex-result';
  readonly request: string;
  readonly report?: BuildReport;
  readonly error?: { readonly code: ErrorCode; readonly message: string };
}
type FromWriter = ReindexProgress | ReindexResult;

const kind = (m: unknown): string | undefined => {
  const tag = (m as { footnote?: unknown } | null)?.footnote;
  return typeof tag === 'string' && typeof (m as { request?: unknown }).request === 'string' ? tag : undefined;
};

/** The writer shard: this host's first. Set in the manager, read by each shard process. */
export function designateWriter(shardIds: readonly number[]): number {
  const writer = Math.min(...shardIds);
  process.env[WRITER_SHARD_ENV] = String(writer);
  return writer;
}

/** In a shard process: whether it is the writer (true outside SHARDS, where the one process is). */
export function isWriterShard(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.SHARDING_MANAGER === undefined || env[WRITER_SHARD_ENV] === undefined) return true;
  return Number(env.SHARDS) === Number(env[WRITER_SHARD_ENV]);
}

/** In the manager: passes requests to the writer shard and its messages back to the asking shard. */
export function routeReindexes(manager: ShardingManager, writer: number): void {
  const askedBy = new Map<string, Shard>();
  const answer = (shard: Shard, message: FromWriter) => void shard.send(message).catch(() => undefined);
  manager.on('shardCreate', (shard: Shard) => {
    shard.on('message', (message: unknown) => {
      const tag = kind(message);
      if (tag === 'reindex') {
        const request = message as ReindexRequest;
        const target = manager.shards.get(writer);
        if (!target?.process || !target.ready) {
          answer(shard, { footnote: 'reindex-result', request: request.request, error: { code: 'INDEX_BUSY', message: `The shard that rebuilds the index (shard ${writer}) is starting or restarting. Try again in a minute; answers are unchanged meanwhile.` } });
          return;
        }
        askedBy.set(request.request, shard);
        void target.send(request).catch(() => {
          askedBy.delete(request.request);
          answer(shard, { footnote: 'reindex-result', request: request.request, error: { code: 'INDEX_BUSY', message: `The shard that rebuilds the index (shard ${writer}) cannot be reached. Try again in a minute; answers are unchanged meanwhile.` } });
        });
      } else if (tag === 'reindex-progress' || tag === 'reindex-result') {
        const reply = message as FromWriter;
        const asker = askedBy.get(reply.request);
        if (!asker) return;
        if (tag === 'reindex-result') askedBy.delete(reply.request);
        answer(asker, reply);
      }
    });
    // A writer that dies mid-reindex published nothing (the live version is unchanged): say so.
    shard.on('death', () => {
      if (shard.id !== writer) return;
      for (const [request, asker] of askedBy) {
        answer(asker, { footnote: 'reindex-result', request, error: { code: 'INDEX_WRITE_FAILED', message: `The shard that rebuilds the index (shard ${writer}) stopped before the new index was published.` } });
      }
      askedBy.clear();
    });
  });
}

/** In the writer shard: runs the reindexes other shards ask for, one at a time like its own. */
export function serveReindexes(run: ReindexRun, log: Logger, channel: NodeJS.Process = process): void {
  const send = (message: FromWriter) => channel.send?.(message, undefined, undefined, () => undefined);
  channel.on('message', (message: unknown) => {
    if (kind(message) !== 'reindex') return;
    const { request, guildId } = message as ReindexRequest;
    log.info('reindex asked for by another shard', { guild: guildId });
    run(guildId, (progress) => send({ footnote: 'reindex-progress', request, progress })).then(
      (report) => send({ footnote: 'reindex-result', request, report }),
      (error: unknown) => send({ footnote: 'reindex-result', request, error: isFootnoteError(error) ? { code: error.code, message: error.message } : { code: 'INDEX_WRITE_FAILED', message: `The reindex failed unexpectedly (${error instanceof Error ? error.message : String(error)}).` } }),
    );
  });
}

/**
 * In any other shard: a reindex run by the writer shard. Once it has published, `footnote` serves
 * the new version at once rather than at its next poll, so "answers now come from the new index"
 * holds in this shard too.
 */
export function reindexInWriter(footnoteFor: (guildId: string | null) => Pick<Footnote, 'followCurrent'>, channel: NodeJS.Process = process): ReindexRun {
  const pending = new Map<string, { onProgress: (p: BuildProgress) => void; settle: (result: ReindexResult) => void }>();
  let next = 0;
  channel.on('message', (message: unknown) => {
    const tag = kind(message);
    if (tag === 'reindex-progress') pending.get((message as ReindexProgress).request)?.onProgress((message as ReindexProgress).progress);
    else if (tag === 'reindex-result') pending.get((message as ReindexResult).request)?.settle(message as ReindexResult);
  });
  return async (guildId, onProgress) => {
    const request = `${process.env.SHARDS ?? '?'}-${process.pid}-${next++}`;
    const result = await new Promise<ReindexResult>((resolve) => {
      pending.set(request, { onProgress, settle: resolve });
      const ask: ReindexRequest = { footnote: 'reindex', request, guildId };
      if (!channel.send || !channel.connected) {
        resolve({ footnote: 'reindex-result', request, error: { code: 'INDEX_BUSY', message: 'The shard manager cannot be reached, so the index cannot be rebuilt from here. Answers are unchanged.' } });
        return;
      }
      channel.send(ask, undefined, undefined, (error: Error | null) => {
        if (error) resolve({ footnote: 'reindex-result', request, error: { code: 'INDEX_BUSY', message: `The shard manager cannot be reached (${error.message}), so the index cannot be rebuilt from here. Answers are unchanged.` } });
      });
    }).finally(() => pending.delete(request));
    if (result.error) throw new FootnoteError(result.error.code, result.error.message);
    if (!result.report) throw new FootnoteError('INDEX_WRITE_FAILED', 'The shard that rebuilds the index sent no report.');
    if (result.report.wrote) await footnoteFor(guildId).followCurrent();
    return result.report;
  };
}
