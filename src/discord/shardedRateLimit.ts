import type { Shard, ShardingManager } from 'discord.js';
import type { Logger } from '../log.js';
import { RateLimiter, type QuestionLimit } from './rateLimit.js';

/**
 * With SHARDS, a member's servers can be on different shard processes, so the count of their
 * questions is kept once, in the ShardingManager's process, and each shard asks it over the IPC
 * channel discord.js opened. Several hosts each keep their own count.
 */
interface TakeRequest {
  readonly footnote: 'rate-limit';
  readonly request: number;
  readonly user: string;
}
interface TakeAnswer {
  readonly footnote: 'rate-limit-answer';
  readonly request: number;
  readonly wait: number;
}

/** Past this, a shard counts the question itself instead of waiting for the manager… */
const ANSWER_TIMEOUT_MS = 2_000;
/** …and goes on counting by itself this long, so that no question waits for a manager that is stuck. */
const COUNT_HERE_FOR_MS = 60_000;

const isRequest = (m: unknown): m is TakeRequest => (m as TakeRequest | null)?.footnote === 'rate-limit' && typeof (m as TakeRequest).user === 'string';
const isAnswer = (m: unknown): m is TakeAnswer => (m as TakeAnswer | null)?.footnote === 'rate-limit-answer' && typeof (m as TakeAnswer).wait === 'number';

/** In the manager: one count for every shard it runs. */
export function serveRateLimit(manager: ShardingManager, perMinute: number): void {
  const limiter = new RateLimiter(perMinute);
  manager.on('shardCreate', (shard: Shard) => {
    shard.on('message', (message: unknown) => {
      if (!isRequest(message)) return;
      const answer: TakeAnswer = { footnote: 'rate-limit-answer', request: message.request, wait: limiter.take(message.user) };
      // A shard that has exited cannot be answered; it counted nothing, nothing is lost.
      shard.send(answer).catch(() => undefined);
    });
  });
}

/**
 * In a shard process: asks the manager. If it does not answer in time (it is stuck, the channel is
 * closed), the shard counts on its own for a minute rather than hold questions, then asks again.
 */
export function managerLimit(perMinute: number, log: Logger, channel: NodeJS.Process = process): QuestionLimit {
  const fallback = new RateLimiter(perMinute);
  const pending = new Map<number, (wait: number) => void>();
  let next = 0;
  let warned = false;
  let countHereUntil = 0;
  channel.on('message', (message: unknown) => {
    if (isAnswer(message)) pending.get(message.request)?.(message.wait);
  });
  const countHere = (userId: string, why: string) => {
    if (!warned) log.warn(`counting questions per minute in this shard only: ${why}`);
    warned = true;
    return fallback.take(userId);
  };
  return {
    take(userId) {
      if (!channel.send || !channel.connected) return Promise.resolve(countHere(userId, 'no channel to the shard manager'));
      if (Date.now() < countHereUntil) return Promise.resolve(fallback.take(userId));
      const request = next++;
      return new Promise<number>((resolve) => {
        const timer = setTimeout(() => {
          countHereUntil = Date.now() + COUNT_HERE_FOR_MS;
          settle(countHere(userId, `the shard manager did not answer within ${ANSWER_TIMEOUT_MS / 1000} s`));
        }, ANSWER_TIMEOUT_MS);
        const settle = (wait: number) => {
          clearTimeout(timer);
          pending.delete(request);
          resolve(wait);
        };
        pending.set(request, settle);
        const ask: TakeRequest = { footnote: 'rate-limit', request, user: userId };
        channel.send!(ask, undefined, undefined, (error: Error | null) => {
          if (error) settle(countHere(userId, `the shard manager cannot be reached (${error.message})`));
        });
      });
    },
  };
}
