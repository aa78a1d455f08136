/**
 * The bot under pressure, end to end on the real model and index: a member asking too fast, a
 * command that throws, a busy bot. The member always gets a message (never a stuck
 * "thinking…"), the log explains what happened without the token, and the bot keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../src/discord/context.js';
import { COMMANDS } from '../../src/discord/registry.js';
import type { Footnote } from '../../src/service.js';
import { cachedFootnote } from '../helpers/footnote.js';
import { createWorkspace, removeTempDirs, type Workspace } from '../helpers/workspace.js';
import { IDS, MEMBER, mentionMessage, MODERATOR, OWNER } from './discord-standin/index.js';
import {
  expectCleanRun,
  expectNoPings,
  expectVerbatim,
  isEphemeral,
  logRecords,
  MODEL_WAIT_MS,
  shownQuotes,
  slash,
  startBotRun,
  TOKEN,
  type BotRun,
} from './helpers.js';

let ws: Workspace;
let footnote: Footnote;

beforeAll(async () => {
  ws = createWorkspace({ seed: true });
  footnote = await cachedFootnote(ws.config());
});

afterAll(removeTempDirs);

/** The same Footnote, with `ask` replaced (everything else, getters included, is the real one). */
function withAsk(ask: Footnote['ask']): Footnote {
  return Object.create(footnote, { ask: { value: ask } }) as Footnote;
}

describe('rate limit (QUESTIONS_PER_MINUTE=2)', () => {
  let run: BotRun;
  let modelCalls = 0;
  beforeAll(async () => {
    const counting = withAsk((question, options) => {
      modelCalls++;
      return footnote.ask(question, options);
    });
    run = await startBotRun({ workspace: ws, footnote: counting, env: { QUESTIONS_PER_MINUTE: '2' } });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('the third question within a minute gets an immediate, friendly, ephemeral refusal and no model work; others are still answered', async () => {
    for (const question of ['What did Lightfoot tell ICE?', 'What is FCRL?']) {
      const i = slash(run, 'ask', { question });
      expect(await i.waitForCallback(MODEL_WAIT_MS)).toMatchObject({ type: 5, accepted: true });
      expectVerbatim(shownQuotes(await i.waitForReply(MODEL_WAIT_MS)), ws.root);
    }
    expect(modelCalls).toBe(2);

    const third = slash(run, 'ask', { question: 'Who is Brandon Johnson?' });
    const callback = await third.waitForCallback(MODEL_WAIT_MS);
    expect(callback).toMatchObject({ type: 4, accepted: true });
    expect(Number(callback.data?.flags) & 64).toBe(64);
    expect(callback.delayMs).toBeLessThan(3000);
    const refusal = await third.waitForReply();
    expect(isEphemeral(refusal)).toBe(true);
    expect(refusal.content).toMatch(/^You are asking quickly: please wait \d+ s before your next question \(limit: 2 per minute\)\.$/);
    expect(refusal.embeds).toEqual([]);

    // The same member mentioning the bot is held to the same limit.
    const sent = run.standin.dispatchMessage(mentionMessage({ text: 'What did Lightfoot tell ICE?', author: MEMBER }));
    const post = await run.standin.waitFor((r) => r.method === 'POST' && (r.body as any)?.message_reference?.message_id === sent.message.id, MODEL_WAIT_MS);
    expect((post.body as any).content).toMatch(/^You are asking quickly/);
    expect(modelCalls).toBe(2);

    // Another member is answered.
    const other = slash(run, 'ask', { question: 'What did Lightfoot tell ICE?' }, OWNER);
    expect(await other.waitForCallback(MODEL_WAIT_MS)).toMatchObject({ type: 5, accepted: true });
    expectVerbatim(shownQuotes(await other.waitForReply(MODEL_WAIT_MS)), ws.root);
    expect(modelCalls).toBe(3);
    expectNoPings(run.standin);
    expectCleanRun(run.standin);
  });
});

describe('a command that throws', () => {
  let run: BotRun;
  const boom: Command = {
    definition: { name: 'boom', description: 'throws', type: 1 },
    run: async () => {
      throw new Error('kaboom');
    },
  };
  beforeAll(async () => {
    run = await startBotRun({ workspace: ws, footnote, commands: [...COMMANDS, boom] });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('the member gets an ephemeral apology with an error id; the log has the id and the error, never the token; the bot keeps answering', async () => {
    const i = slash(run, 'boom', {}, MODERATOR);
    const callback = await i.waitForCallback(MODEL_WAIT_MS);
    expect(callback).toMatchObject({ type: 4, accepted: true });
    expect(Number(callback.data?.flags) & 64).toBe(64);
    const reply = await i.waitForReply();
    expect(isEphemeral(reply)).toBe(true);
    const errorId = /error id `([0-9a-f]{8})`/.exec(reply.content)?.[1];
    expect(errorId, reply.content).toBeDefined();
    expect(reply.content).toMatch(/^Sorry, something went wrong on my side/);
    expect(reply.content).not.toContain('kaboom');

    const failure = logRecords(run).find((r) => r.errorId === errorId);
    expect(failure).toMatchObject({ level: 'error', msg: 'interaction failed', interaction: '/boom', error: 'kaboom', user: MODERATOR.id });
    const log = run.logLines.join('\n');
    expect(log).toContain(errorId);
    expect(log).toContain('kaboom');

    const ask = slash(run, 'ask', { question: 'What did Lightfoot tell ICE?' }, MODERATOR);
    expect(await ask.waitForCallback(MODEL_WAIT_MS)).toMatchObject({ type: 5, accepted: true });
    expectVerbatim(shownQuotes(await ask.waitForReply(MODEL_WAIT_MS)), ws.root);

    // The logger was given no secrets to scrub: the bot itself never logs the token.
    expect(run.logLines.length).toBeGreaterThanOrEqual(2);
    expect(log).not.toContain(TOKEN);
    expectNoPings(run.standin);
    expectCleanRun(run.standin);
  });
});

describe('a busy bot (MAX_QUESTION_WAIT_SECONDS=1)', () => {
  let run: BotRun;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const firstEntered = new Promise<void>((resolve) => (entered = resolve));

  beforeAll(async () => {
    // The first question holds the model until the test lets it go on: the queue sees a model
    // that takes longer than the wait allowed, so a new question would wait too long.
    const gated = withAsk(async (question, options) => {
      entered();
      await gate;
      return footnote.ask(question, options);
    });
    run = await startBotRun({ workspace: ws, footnote: gated, env: { MAX_QUESTION_WAIT_SECONDS: '1' } });
  });
  afterAll(async () => {
    release();
    await run?.stop();
  });

  it('REGRESSION: a question turned away (BOT_BUSY) costs one ephemeral reply, decided before deferring (not defer, delete and follow-up)', async () => {
    const first = slash(run, 'ask', { question: 'What did Lightfoot tell ICE?' }, MEMBER);
    expect(await first.waitForCallback(MODEL_WAIT_MS)).toMatchObject({ type: 5, accepted: true });
    await firstEntered;
    await new Promise((resolve) => setTimeout(resolve, 1200));

    for (const [busy, member] of [
      [slash(run, 'ask', { question: 'What is FCRL?' }, OWNER), OWNER],
      [slash(run, 'ask', { question: 'What is FCRL?', private: true }, MODERATOR), MODERATOR],
    ] as const) {
      const callback = await busy.waitForCallback(MODEL_WAIT_MS);
      expect(callback, member.username).toMatchObject({ type: 4, accepted: true });
      expect(Number(callback.data?.flags) & 64).toBe(64);
      expect(callback.data?.content).toBe('I am answering a lot of questions right now. Please try again in a minute.');
      expect(run.standin.requests.filter((r) => r.path.includes(busy.token)).length).toBe(1);
      expect([busy.edits, busy.followUps, busy.deletes].map((list) => list.length)).toEqual([0, 0, 0]);
      expect(busy.unfinished).toBe(false);
    }

    release();
    expectVerbatim(shownQuotes(await first.waitForReply(MODEL_WAIT_MS)), ws.root);
    expect(run.standin.channelMessages(IDS.channel).filter((m) => ((m.flags ?? 0) & 128) !== 0)).toEqual([]);
    expect(logRecords(run).filter((r) => r.level === 'error')).toEqual([]);
    expectNoPings(run.standin);
    expectCleanRun(run.standin);
  });
});
