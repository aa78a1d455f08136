/**
 * Small helpers shared by the stand-in's modules: snowflakes, timestamps and "wait until" promises.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';

/** Discord's epoch (2015-01-01T00:00:00.000Z), the zero point of every snowflake's timestamp. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

let snowflakeIncrement = 0n;

/** A fresh, unique snowflake whose timestamp is now (so discord.js's `createdAt` getters look sane). */
export function snowflake(at: number = Date.now()): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  const time = BigInt(at) - DISCORD_EPOCH;
  // worker id 1, process id 1: purely cosmetic.
  return ((time << 22n) | (1n << 17n) | (1n << 12n) | snowflakeIncrement).toString();
}

/** A random interaction token; the real ones are long opaque strings, so is this one. */
export function interactionToken(): string {
  return `aW50ZXJhY3Rpb24${randomBytes(48).toString('base64url')}`;
}

export function isoNow(at: number = Date.now()): string {
  return new Date(at).toISOString().replace('Z', '+00:00');
}

/** A JSON-ish object whose shape is checked at run time (request bodies, loose payloads). */
export type Dict = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/**
 * Resolve with the first non-undefined value `check()` returns, re-checking every time `emitter` emits `event`.
 * Rejects after `timeoutMs` with a message built by `describe()`, or when `signal` aborts (the stand-in closed).
 */
export function waitUntil<T>(
  emitter: EventEmitter,
  event: string,
  check: () => T | undefined,
  timeoutMs: number,
  describe: () => string,
  signal?: AbortSignal,
): Promise<T> {
  const first = check();
  if (first !== undefined) return Promise.resolve(first);
  return new Promise<T>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      emitter.off(event, onEvent);
      signal?.removeEventListener('abort', onAbort);
    };
    const onEvent = (): void => {
      let value: T | undefined;
      try {
        value = check();
      } catch (error) {
        cleanup();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (value !== undefined) {
        cleanup();
        resolve(value);
      }
    };
    const onAbort = (): void => {
      cleanup();
      reject(new Error(`Discord stand-in closed while waiting: ${describe()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${describe()}`));
    }, timeoutMs);
    emitter.on(event, onEvent);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
