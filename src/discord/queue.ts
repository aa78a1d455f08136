import { FootnoteError } from '../errors.js';

/**
 * Bounds the questions waiting for the model. The model runs one pass at a time; without a
 * bound, a burst of questions would pile up promises and memory and answer minutes late.
 * Beyond `maxPending`, a question is turned away at once with BOT_BUSY (the member is told to
 * try again), which keeps the bot responsive to everything else.
 */
export class WorkQueue {
  private pending = 0;
  constructor(private readonly maxPending: number) {}

  get size(): number {
    return this.pending;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.pending >= this.maxPending) {
      throw new FootnoteError('BOT_BUSY', 'I am answering a lot of questions right now. Please try again in a minute.');
    }
    this.pending++;
    try {
      return await work();
    } finally {
      this.pending--;
    }
  }
}
