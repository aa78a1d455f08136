import fs from 'node:fs';

/**
 * The lines of FEEDBACK_FILE. One file, JSON lines, append-only, three kinds:
 * - a vote (👍/👎 on an answer): the original format, with no `kind` (files written before declined
 *   questions were recorded hold only these) or `kind: "vote"`;
 * - `kind: "declined"`: a question asked on Discord that the bot declined to answer;
 * - `kind: "reason"`: what a member said was wrong after a 👎, referring to the answer by id.
 * Members appear only as `user`, a salted hash (see FeedbackStore); never by their Discord id.
 */
export interface CitedQuote {
  readonly docId: string;
  readonly source: string;
  readonly start: number;
  readonly end: number;
  readonly lineStart: number;
  readonly lineEnd: number;
}

export interface VoteRecord {
  readonly kind?: 'vote';
  readonly time: string;
  readonly vote: 'up' | 'down';
  readonly answerId: string;
  readonly question: string;
  readonly answered: boolean;
  readonly quotes: CitedQuote[];
  /** sha256 of a secret salt and the member's id: votes can be counted per member, not traced to one. */
  readonly user: string;
  /** The server the question was asked in; absent in DMs and in older lines. */
  readonly guild?: string;
}

export interface DeclinedRecord {
  readonly kind: 'declined';
  readonly time: string;
  readonly answerId: string;
  readonly question: string;
  /** The nearest excerpts shown instead of an answer (they did not answer it). */
  readonly closest: CitedQuote[];
  readonly user: string;
  readonly guild?: string;
}

export const DOWN_REASONS = {
  'wrong-passage': 'wrong passage',
  outdated: 'outdated',
  'not-answered': 'not answered',
} as const;
export type DownReason = keyof typeof DOWN_REASONS;

export function isDownReason(value: unknown): value is DownReason {
  return typeof value === 'string' && Object.hasOwn(DOWN_REASONS, value);
}

export interface ReasonRecord {
  readonly kind: 'reason';
  readonly time: string;
  readonly answerId: string;
  readonly reason: DownReason;
  readonly user: string;
}

/**
 * Only what was asked in `guild`: one server's moderators never see another server's members'
 * questions. Lines without a server (DMs, or written before servers were recorded) are kept only
 * when `includeUnattributed`, which a bot with one corpus for all its servers allows.
 */
export function feedbackOfGuild(log: FeedbackLog, guild: string | null, includeUnattributed: boolean): FeedbackLog {
  const mine = (r: { guild?: string }) => (r.guild === undefined ? includeUnattributed : r.guild === guild);
  return { votes: log.votes.filter(mine), declined: log.declined.filter(mine) };
}

export interface FeedbackLog {
  /** The latest vote of each member on each answer, with the latest reason they gave for a 👎. */
  readonly votes: (VoteRecord & { reason?: DownReason })[];
  readonly declined: DeclinedRecord[];
}

/** Reads every kind of line; a line that is not JSON (a torn last line after a crash) or of an unknown kind is skipped. */
export function readFeedbackLog(file: string): FeedbackLog {
  if (!fs.existsSync(file)) return { votes: [], declined: [] };
  const votes = new Map<string, VoteRecord>();
  const reasons = new Map<string, DownReason>();
  const declined: DeclinedRecord[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (typeof r !== 'object' || r === null || typeof r.answerId !== 'string' || typeof r.user !== 'string') continue;
    const key = `${r.answerId}:${r.user}`;
    if ((r.kind === undefined || r.kind === 'vote') && (r.vote === 'up' || r.vote === 'down') && typeof r.question === 'string') {
      votes.set(key, { ...(r as unknown as VoteRecord), quotes: Array.isArray(r.quotes) ? (r.quotes as CitedQuote[]) : [] });
    } else if (r.kind === 'declined' && typeof r.question === 'string') {
      declined.push({ ...(r as unknown as DeclinedRecord), closest: Array.isArray(r.closest) ? (r.closest as CitedQuote[]) : [] });
    } else if (r.kind === 'reason' && isDownReason(r.reason)) {
      reasons.set(key, r.reason);
    }
  }
  return {
    votes: [...votes].map(([key, v]) => {
      const reason = v.vote === 'down' ? reasons.get(key) : undefined;
      return reason ? { ...v, reason } : v;
    }),
    declined,
  };
}
