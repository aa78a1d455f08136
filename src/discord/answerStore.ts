import { randomBytes } from 'node:crypto';
import type { Answer } from '../search/answer.js';

/** What the buttons under an answer need to act on it later. */
export interface StoredAnswer {
  readonly id: string;
  readonly answer: Answer;
  /** How many quotes one page shows. */
  readonly pageSize: number;
  readonly createdAt: number;
  /** The server it was asked in (none in DMs): feedback about it is that server's alone. */
  readonly guild?: string;
}

/**
 * Recent answers, by a short id that fits in a button's custom id. Bounded (oldest dropped) and
 * in memory: after a restart, old buttons say the answer has expired and to ask again.
 */
export class AnswerStore {
  private readonly answers = new Map<string, StoredAnswer>();
  constructor(private readonly capacity = 2000) {}

  add(answer: Answer, pageSize: number, guildId?: string | null): StoredAnswer {
    const stored = { id: randomBytes(6).toString('base64url'), answer, pageSize, createdAt: Date.now(), ...(guildId && { guild: guildId }) };
    this.answers.set(stored.id, stored);
    while (this.answers.size > this.capacity) this.answers.delete(this.answers.keys().next().value!);
    return stored;
  }

  get(id: string): StoredAnswer | undefined {
    return this.answers.get(id);
  }
}
