/**
 * The shard side of QUESTIONS_PER_MINUTE with SHARDS (src/discord/shardedRateLimit.ts), over a real
 * IPC channel: a forked child process stands in for the shard manager. The e2e test
 * (test/e2e/bot-shards.test.ts) covers the real ShardingManager; this covers what happens when
 * the manager does not answer.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { managerLimit } from '../../src/discord/shardedRateLimit.js';

/** A parent for the code under test: this test process plays the shard, the child the manager. */
function managerChild(answers: boolean): ChildProcess {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'footnote-ipc-'));
  const file = path.join(dir, 'manager.cjs');
  // Counts per user with a limit of 2; or, when it must not answer, ignores every request.
  fs.writeFileSync(
    file,
    `const counts = new Map();
process.on('message', (m) => {
  if (${answers} && m && m.footnote === 'rate-limit') {
    const n = (counts.get(m.user) || 0) + 1;
    counts.set(m.user, n);
    process.send({ footnote: 'rate-limit-answer', request: m.request, wait: n > 2 ? 42 : 0 });
  }
});`,
  );
  return fork(file, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
}

/** The child's side of the channel as `process` is to a shard: send to it, hear from it. */
function channelTo(child: ChildProcess): NodeJS.Process {
  return {
    on: (event: string, listener: (m: unknown) => void) => child.on(event as 'message', listener),
    send: (message: unknown, _h: unknown, _o: unknown, callback: (e: Error | null) => void) => child.send(message as object, callback),
    get connected() {
      return child.connected;
    },
  } as unknown as NodeJS.Process;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

describe('managerLimit: a shard asks the manager for the count', () => {
  it('GIVEN a manager that answers THEN its answer decides, per member', async () => {
    const child = managerChild(true);
    children.push(child);
    const lines: string[] = [];
    const limit = managerLimit(2, createLogger({ level: 'debug', pretty: false, write: (l) => lines.push(l) }), channelTo(child));
    expect([await limit.take('a'), await limit.take('a'), await limit.take('a'), await limit.take('b')]).toEqual([0, 0, 42, 0]);
    expect(lines.join('\n')).not.toContain('counting questions per minute in this shard only');
  });

  it('GIVEN a manager that does not answer THEN after 2 s the shard counts by itself, at once for the next questions, and says so once', async () => {
    const child = managerChild(false);
    children.push(child);
    const lines: string[] = [];
    const limit = managerLimit(1, createLogger({ level: 'debug', pretty: false, write: (l) => lines.push(l) }), channelTo(child));
    const started = Date.now();
    expect(await limit.take('a')).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    const next = Date.now();
    expect(await limit.take('a')).toBeGreaterThan(0);
    expect(Date.now() - next).toBeLessThan(500);
    expect(lines.filter((l) => l.includes('counting questions per minute in this shard only'))).toHaveLength(1);
  }, 10_000);

  it('GIVEN no channel to a manager THEN the shard counts by itself at once', async () => {
    const child = managerChild(true);
    children.push(child);
    child.disconnect();
    const limit = managerLimit(1, createLogger({ level: 'error', pretty: false, write: () => undefined }), channelTo(child));
    expect(await limit.take('a')).toBe(0);
    expect(await limit.take('a')).toBeGreaterThan(0);
  });
});
