/**
 * Many members asking at once. The question queue admits by expected wait and coalesces identical
 * questions (unit tests, on a fake clock), and end to end through the real discord.js client
 * against the stand-in: a burst is acknowledged within 3 s and answered, and a question turned
 * away costs one ephemeral reply. The full 200-question burst, with and without a reindex, is
 * `npm run bench:burst`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFootnoteError } from '../../src/errors.js';
import { QuestionQueue } from '../../src/discord/queue.js';
import type { Footnote } from '../../src/service.js';
import { expectCleanRun, expectNoPings, startBotRun, type BotRun } from '../e2e/helpers.js';
import { runBurst } from '../helpers/burst.js';
import { cachedFootnote } from '../helpers/footnote.js';
import { createWorkspace, removeTempDirs, seedQuestions, type Workspace } from '../helpers/workspace.js';

/** A promise and the functions that settle it, for work the test finishes when it wants. */
function gate<T = string>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function expectBusy(attempt: () => unknown): void {
  let thrown: unknown;
  try {
    attempt();
  } catch (error) {
    thrown = error;
  }
  expect(isFootnoteError(thrown, 'BOT_BUSY'), String(thrown)).toBe(true);
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('QuestionQueue', () => {
  it('admits by expected wait (questions ahead × mean answer time), not by a count', async () => {
    let now = 0;
    const queue = new QuestionQueue({ maxWaitMs: 1000, initialAnswerMs: 100, now: () => now });
    const gates = Array.from({ length: 10 }, () => gate());
    // At 100 ms an answer, ten questions fit in one second; the eleventh would wait 1.1 s.
    const answers = gates.map((g, i) => queue.admit(`q${i}`, () => g.promise));
    expect(queue.size).toBe(10);
    expectBusy(() => queue.admit('q10', async () => 'never'));
    expect(queue.size).toBe(10);

    // Answers turn out to take 10 ms: the estimate follows, and far more fit.
    for (const [i, g] of gates.entries()) {
      now += 10;
      g.resolve(`a${i}`);
      await tick();
    }
    expect(await Promise.all(answers)).toEqual(gates.map((_, i) => `a${i}`));
    expect(queue.size).toBe(0);
    expect(queue.stats().answerMs).toBeLessThan(20);
    const more = Array.from({ length: 40 }, () => gate());
    more.forEach((g, i) => queue.admit(`m${i}`, () => g.promise));
    expect(queue.size).toBe(40);
    more.forEach((g) => g.resolve('done'));
  });

  it('a model that seems stuck counts: the running question\'s age bounds the estimate from below', () => {
    let now = 0;
    const queue = new QuestionQueue({ maxWaitMs: 1000, initialAnswerMs: 10, now: () => now });
    void queue.admit('stuck', () => new Promise<string>(() => undefined));
    queue.checkRoom('another');
    now = 600; // (1 running + 1 new) × 600 ms > 1 s
    expectBusy(() => queue.checkRoom('another'));
  });

  it('identical questions in flight share one answer and one model call, even when the queue is full', async () => {
    const queue = new QuestionQueue({ maxWaitMs: 1000, initialAnswerMs: 500, now: () => 0 });
    const g = gate();
    let calls = 0;
    const work = () => {
      calls++;
      return g.promise;
    };
    const first = queue.admit('same', work);
    void queue.admit('other', async () => 'x');
    expectBusy(() => queue.admit('third', work)); // (2 + 1) × 500 ms > 1 s
    const second = queue.admit('same', work);
    expect(second).toBe(first);
    g.resolve('shared');
    expect(await second).toBe('shared');
    expect(calls).toBe(1);
    // Once answered, the same question is new work again.
    await tick();
    expect(await queue.admit('same', async () => 'again')).toBe('again');
  });

  it('no model work starts while an acknowledgement is on its way, so acknowledgements never wait for the model', async () => {
    const queue = new QuestionQueue({ maxWaitMs: 1000 });
    const first = gate<void>();
    const second = gate<void>();
    const started: string[] = [];
    const a = queue.admit('a', async () => void started.push('a'), first.promise);
    const b = queue.admit('b', async () => void started.push('b'), second.promise);
    first.resolve();
    await tick();
    expect(started).toEqual([]); // b's acknowledgement is still on its way
    second.reject(new Error('acknowledgement failed')); // settled either way: the work may go on
    const released = performance.now();
    await Promise.all([a, b]);
    expect(started).toEqual(['a', 'b']);
    // ...after a quiet moment, in case more questions of the same burst are arriving.
    expect(performance.now() - released).toBeGreaterThanOrEqual(40);
  });

  it('holds at most maxHeld questions, whatever the estimate', () => {
    const queue = new QuestionQueue({ maxWaitMs: 600_000, maxHeld: 3, initialAnswerMs: 1, now: () => 0 });
    for (let i = 0; i < 3; i++) void queue.admit(`q${i}`, () => new Promise(() => undefined));
    expectBusy(() => queue.admit('q3', async () => 'x'));
  });

  it('a failed answer reaches every caller, and a dropped one is no unhandled rejection', async () => {
    const queue = new QuestionQueue({ maxWaitMs: 1000, now: () => 0 });
    const g = gate();
    const kept = queue.admit('q', () => g.promise);
    void queue.admit('dropped', () => Promise.reject(new Error('model failed')));
    g.reject(new Error('model failed'));
    await expect(kept).rejects.toThrow('model failed');
    await tick();
    expect(queue.size).toBe(0);
  });
});

describe('a burst of /ask through the real client and the stand-in', () => {
  let ws: Workspace;
  let footnote: Footnote;
  const questions = [...new Set(seedQuestions().map((q) => q.question))];

  beforeAll(async () => {
    ws = createWorkspace({ seed: true });
    footnote = await cachedFootnote(ws.config());
  });
  afterAll(removeTempDirs);

  describe('60 members at once', () => {
    let run: BotRun;
    let modelCalls = 0;
    beforeAll(async () => {
      const counted = Object.create(footnote, {
        ask: { value: (q: string, o?: { limit?: number }) => (modelCalls++, footnote.ask(q, o)) },
      }) as Footnote;
      run = await startBotRun({ workspace: ws, footnote: counted });
    });
    afterAll(() => run?.stop());

    it('REGRESSION: a burst of questions is mostly refused: 60 at once are all acknowledged within 3 s and all answered, two requests each; identical questions share one model call', async () => {
      // 45 different questions; 15 of them asked by two members each, back to back.
      const distinct = questions.slice(0, 45);
      const asked = distinct.flatMap((q, i) => (i < 15 ? [q, q] : [q]));
      expect(asked).toHaveLength(60);
      const { outcomes, figures } = await runBurst(run.standin, asked, 60_000);

      expect(figures.acknowledgedWithin3s, JSON.stringify(figures)).toBe(60);
      expect(outcomes.filter((o) => o.kind !== 'answered').map((o) => `${o.kind}: ${o.question}`)).toEqual([]);
      expect(outcomes.map((o) => o.requests)).toEqual(asked.map(() => 2)); // defer + edit
      expect(modelCalls).toBeGreaterThanOrEqual(45);
      expect(modelCalls).toBeLessThan(60);
      expectNoPings(run.standin);
      expectCleanRun(run.standin);
    });
  });

  describe('more questions than the wait allows (MAX_QUESTION_WAIT_SECONDS=1, 150 ms an answer)', () => {
    let run: BotRun;
    beforeAll(async () => {
      const slow = Object.create(footnote, {
        ask: { value: async (q: string, o?: { limit?: number }) => (await new Promise((r) => setTimeout(r, 150)), footnote.ask(q, o)) },
      }) as Footnote;
      run = await startBotRun({ workspace: ws, footnote: slow, env: { MAX_QUESTION_WAIT_SECONDS: '1' } });
    });
    afterAll(() => run?.stop());

    it('REGRESSION: each question turned away costs exactly one request (an ephemeral reply); the others are answered', async () => {
      // First the queue learns what an answer costs: ten questions, all answered.
      const warm = await runBurst(run.standin, questions.slice(30, 40), 60_000);
      expect(warm.figures.answered, JSON.stringify(warm.figures)).toBe(10);
      const asked = questions.slice(0, 30);
      const { outcomes, figures } = await runBurst(run.standin, asked, 60_000);

      expect(figures.acknowledgedWithin3s, JSON.stringify(figures)).toBe(30);
      const busy = outcomes.filter((o) => o.kind === 'busy');
      const answered = outcomes.filter((o) => o.kind === 'answered');
      expect(busy.length).toBeGreaterThan(0);
      expect(answered.length).toBeGreaterThan(0);
      expect(busy.length + answered.length).toBe(30);
      expect(busy.map((o) => o.requests)).toEqual(busy.map(() => 1));
      expect(answered.map((o) => o.requests)).toEqual(answered.map(() => 2));
      for (const h of run.standin.interactions) {
        const ack = h.acknowledgement!;
        if (ack.type === 4) expect(Number(ack.data?.flags) & 64).toBe(64);
      }
      expectCleanRun(run.standin);
    });
  });
});
