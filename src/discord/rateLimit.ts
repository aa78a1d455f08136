/**
 * Questions per member per minute, as a sliding window. `take` returns 0 when the question may
 * go ahead, otherwise the seconds until it may.
 */
export class RateLimiter {
  private readonly recent = new Map<string, number[]>();
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(userId: string): number {
    const now = this.now();
    const times = (this.recent.get(userId) ?? []).filter((t) => now - t < 60_000);
    if (times.length >= this.perMinute) {
      this.recent.set(userId, times);
      return Math.max(1, Math.ceil((times[0]! + 60_000 - now) / 1000));
    }
    times.push(now);
    this.recent.set(userId, times);
    if (this.recent.size > 10_000) this.prune(now);
    return 0;
  }

  private prune(now: number): void {
    for (const [user, times] of this.recent) if (times.every((t) => now - t >= 60_000)) this.recent.delete(user);
  }
}

/**
 * What the bot asks before a question: seconds to wait, 0 to go ahead. Counted in this process, the
 * answer is immediate (not a promise), so deciding on a question takes no turn of the event loop.
 */
export interface QuestionLimit {
  take(userId: string): number | Promise<number>;
}
