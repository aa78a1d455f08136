import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FootnoteError, describeError, fileSystemProblem } from '../errors.js';
import { createFolder } from '../paths.js';
import type { StoredAnswer } from './answerStore.js';
import { readFeedbackLog, type DeclinedRecord, type DownReason, type ReasonRecord } from '../gaps/records.js';
import type { Logger } from '../log.js';

export interface FeedbackRecord {
  readonly time: string;
  readonly vote: 'up' | 'down';
  readonly answerId: string;
  readonly question: string;
  readonly answered: boolean;
  readonly quotes: { docId: string; source: string; start: number; end: number; lineStart: number; lineEnd: number }[];
  /** sha256 of a secret salt and the member's id: votes can be counted per member, not traced to one. */
  readonly user: string;
  /** The server the question was asked in; absent in DMs and in lines written before servers were recorded. */
  readonly guild?: string;
}

/**
 * 👍/👎 votes, appended as JSON lines to FEEDBACK_FILE, and in the same file (one history, one
 * salt, one file to back up or clear) the questions the bot declined and the reasons given for a
 * 👎, as lines of their own kind (src/gaps/records.ts). The salt lives beside it and never leaves the machine.
 */
export class FeedbackStore {
  private salt: string | undefined;
  constructor(readonly file: string) {}

  record(vote: 'up' | 'down', stored: StoredAnswer, userId: string): FeedbackRecord {
    const quotes = stored.answer.answered ? stored.answer.quotes : stored.answer.closest;
    const record: FeedbackRecord = {
      time: new Date().toISOString(),
      vote,
      answerId: stored.id,
      question: stored.answer.question,
      answered: stored.answer.answered,
      quotes: quotes.map((q) => ({ docId: q.docId, source: q.source, start: q.start, end: q.end, lineStart: q.lineStart, lineEnd: q.lineEnd })),
      user: this.hashUser(userId),
      ...(stored.guild && { guild: stored.guild }),
    };
    this.append(record);
    return record;
  }

  /** A question the bot declined to answer (asked by `userId`, stored only as a salted hash). */
  recordDeclined(stored: StoredAnswer, userId: string): DeclinedRecord {
    const record: DeclinedRecord = {
      kind: 'declined',
      time: new Date().toISOString(),
      answerId: stored.id,
      question: stored.answer.question,
      closest: stored.answer.closest.map((q) => ({ docId: q.docId, source: q.source, start: q.start, end: q.end, lineStart: q.lineStart, lineEnd: q.lineEnd })),
      user: this.hashUser(userId),
      ...(stored.guild && { guild: stored.guild }),
    };
    this.append(record);
    return record;
  }

  /** What was wrong with an answer voted 👎, a line of its own referring to the answer. */
  recordReason(answerId: string, reason: DownReason, userId: string): ReasonRecord {
    const record: ReasonRecord = { kind: 'reason', time: new Date().toISOString(), answerId, reason, user: this.hashUser(userId) };
    this.append(record);
    return record;
  }

  /** The member as stored: the first 16 hex digits of sha256(salt, Discord id). */
  hashUser(userId: string): string {
    return createHash('sha256').update(this.saltValue()).update(userId).digest('hex').slice(0, 16);
  }

  private append(record: object): void {
    try {
      createFolder(path.dirname(this.file));
      fs.appendFileSync(this.file, JSON.stringify(record) + '\n');
    } catch (error) {
      throw this.writeFailed(error);
    }
  }

  /** A vote that cannot be stored is the disk's problem, said plainly (the answer itself is unaffected). */
  private writeFailed(error: unknown): unknown {
    if (error instanceof FootnoteError) return error;
    const problem = fileSystemProblem(error);
    if (problem === undefined) return error;
    return new FootnoteError('FEEDBACK_WRITE_FAILED', `Sorry, your vote could not be saved: ${problem} (FEEDBACK_FILE ${this.file}). Please tell a moderator.`, { cause: error });
  }

  private saltValue(): string {
    if (this.salt) return this.salt;
    const file = path.join(path.dirname(this.file), '.salt');
    try {
      createFolder(path.dirname(file));
      try {
        fs.writeFileSync(file, randomBytes(16).toString('hex'), { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if (!fs.existsSync(file)) throw error; // else it was made before
      }
      this.salt = fs.readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw this.writeFailed(error);
    }
    return this.salt;
  }
}

/** Reads the votes of the feedback file (other kinds of line are skipped); the latest vote of a member on an answer counts. */
export function readFeedback(file: string): FeedbackRecord[] {
  return readFeedbackLog(file).votes;
}

/**
 * Records a declined question for /gaps. Never fails the answer: a line that cannot be written is
 * logged (without the member's id) and the member still gets their reply.
 */
export function noteDeclined(feedback: FeedbackStore, stored: StoredAnswer, userId: string, log: Logger): void {
  if (stored.answer.answered) return;
  try {
    feedback.recordDeclined(stored, userId);
  } catch (error) {
    log.warn('could not record a declined question', { file: feedback.file, error: describeError(error) });
  }
}
