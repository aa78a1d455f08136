import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FootnoteError, fileSystemProblem } from '../errors.js';
import { createFolder } from '../paths.js';
import type { StoredAnswer } from './answerStore.js';

export interface FeedbackRecord {
  readonly time: string;
  readonly vote: 'up' | 'down';
  readonly answerId: string;
  readonly question: string;
  readonly answered: boolean;
  readonly quotes: { docId: string; source: string; start: number; end: number; lineStart: number; lineEnd: number }[];
  /** sha256 of a secret salt and the member's id: votes can be counted per member, not traced to one. */
  readonly user: string;
}

/** 👍/👎 votes, appended as JSON lines to FEEDBACK_FILE. The salt lives beside it and never leaves the machine. */
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
      user: createHash('sha256').update(this.saltValue()).update(userId).digest('hex').slice(0, 16),
    };
    try {
      createFolder(path.dirname(this.file));
      fs.appendFileSync(this.file, JSON.stringify(record) + '\n');
    } catch (error) {
      throw this.writeFailed(error);
    }
    return record;
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

/** Reads the feedback file; the latest vote of a member on an answer counts. */
export function readFeedback(file: string): FeedbackRecord[] {
  if (!fs.existsSync(file)) return [];
  const latest = new Map<string, FeedbackRecord>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as FeedbackRecord;
      latest.set(`${r.answerId}:${r.user}`, r);
    } catch {
      /* a torn last line after a crash: skip it */
    }
  }
  return [...latest.values()];
}
