/**
 * A burst of /ask from many members at once, through the real bot against the Discord stand-in,
 * and its figures: how many were acknowledged within Discord's 3 s, answered, told the bot is
 * busy; how long until each member saw the final reply; how many requests the bot sent. Used by
 * test/reliability/burst.test.ts (a bounded burst) and bench/burst.ts (the full 200). No vitest
 * here, so the bench can import it.
 */
import type { DiscordStandin, InteractionHandle } from '../e2e/discord-standin/index.js';
import { actor, slashCommand } from '../e2e/discord-standin/index.js';

/** The text of the BOT_BUSY refusal (src/discord/queue.ts). */
const BUSY = 'I am answering a lot of questions right now.';
const ACK_WINDOW_MS = 3000;

export interface BurstOutcome {
  readonly member: string;
  readonly question: string;
  /** Milliseconds from dispatch to the first accepted callback; undefined if none. */
  readonly ackMs: number | undefined;
  /** Milliseconds from dispatch to the message the member ends up seeing; undefined if none came. */
  readonly replyMs: number | undefined;
  readonly kind: 'answered' | 'busy' | 'other' | 'none';
  /** HTTP requests the bot sent for this interaction (callbacks and webhook calls). */
  readonly requests: number;
}

export interface BurstFigures {
  readonly members: number;
  readonly acknowledgedWithin3s: number;
  readonly answered: number;
  readonly busy: number;
  /** Neither an answer nor a busy refusal (an error message, or nothing before the timeout). */
  readonly failed: number;
  readonly answeredPercent: number;
  readonly ackP95Ms: number;
  readonly replyP50Ms: number;
  readonly replyP95Ms: number;
  readonly replyMaxMs: number;
  /** Requests the bot sent for the burst's interactions. */
  readonly requests: number;
  readonly seconds: number;
}

/** Snowflakes of burst members, clear of the stand-in's own ids (IDS.*). */
export function burstMemberId(i: number): string {
  return (2_000_000_000_000_000_000n + BigInt(i)).toString();
}

/**
 * Dispatches `/ask question:<questions[i]>` from member i, all at once, and waits (up to
 * `timeoutMs`) until every member has a final message. The stand-in's records of earlier work
 * stay; only this burst's interactions are counted.
 */
export async function runBurst(standin: DiscordStandin, questions: readonly string[], timeoutMs = 60_000): Promise<{ outcomes: BurstOutcome[]; figures: BurstFigures }> {
  const started = performance.now();
  const handles = questions.map((question, i) =>
    standin.dispatchInteraction(slashCommand({ name: 'ask', options: { question }, member: actor({ id: burstMemberId(i) }) })),
  );
  await Promise.all(handles.map((h) => h.waitForReply(timeoutMs).catch(() => undefined)));
  // A reply may be followed by nothing else; a refused edit or stray follow-up would show in the records.
  const outcomes = handles.map((h, i) => outcomeOf(standin, h, burstMemberId(i), questions[i]!));
  return { outcomes, figures: figuresOf(outcomes, (performance.now() - started) / 1000) };
}

function outcomeOf(standin: DiscordStandin, h: InteractionHandle, member: string, question: string): BurstOutcome {
  const ack = h.acknowledgement;
  let replyMs: number | undefined;
  let content: string | undefined;
  let embeds = 0;
  if (ack && (ack.type === 4 || ack.type === 7)) {
    replyMs = ack.delayMs;
    content = ack.data?.content as string | undefined;
    embeds = (ack.data?.embeds as unknown[] | undefined)?.length ?? 0;
  } else if (ack) {
    const final = h.edits.find((e) => e.accepted) ?? h.followUps.find((f) => f.accepted);
    if (final) {
      replyMs = final.delayMs;
      content = final.message?.content as string | undefined;
      embeds = (final.message?.embeds as unknown[] | undefined)?.length ?? 0;
    }
  }
  const kind = replyMs === undefined ? 'none' : content?.startsWith(BUSY) ? 'busy' : /Question: /.test(content ?? '') || embeds > 0 ? 'answered' : 'other';
  const requests = standin.requests.filter((r) => r.path.includes(h.token)).length;
  return { member, question, ackMs: ack?.delayMs, replyMs, kind, requests };
}

/** The q-quantile (0-1) of `values`, nearest rank; 0 for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function figuresOf(outcomes: readonly BurstOutcome[], seconds: number): BurstFigures {
  const count = (kind: BurstOutcome['kind']) => outcomes.filter((o) => o.kind === kind).length;
  const acks = outcomes.flatMap((o) => (o.ackMs === undefined ? [] : [o.ackMs]));
  const replies = outcomes.flatMap((o) => (o.kind === 'answered' ? [o.replyMs!] : []));
  const answered = count('answered');
  return {
    members: outcomes.length,
    acknowledgedWithin3s: acks.filter((ms) => ms <= ACK_WINDOW_MS).length,
    answered,
    busy: count('busy'),
    failed: count('other') + count('none'),
    answeredPercent: Math.round((1000 * answered) / Math.max(1, outcomes.length)) / 10,
    ackP95Ms: Math.round(quantile(acks, 0.95)),
    replyP50Ms: Math.round(quantile(replies, 0.5)),
    replyP95Ms: Math.round(quantile(replies, 0.95)),
    replyMaxMs: Math.round(quantile(replies, 1)),
    requests: outcomes.reduce((sum, o) => sum + o.requests, 0),
    seconds: Math.round(seconds * 100) / 100,
  };
}

/** Samples the process's resident memory every `everyMs` until stopped; returns the peak in MB. */
export function sampleRss(everyMs = 100): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), everyMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return Math.round(peak / 1024 / 1024);
    },
  };
}
