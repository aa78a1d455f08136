import { FootnoteError } from '../errors.js';

export interface QuestionQueueOptions {
  /** A new question is turned away when its expected wait for an answer exceeds this. */
  readonly maxWaitMs: number;
  /** Hard bound on questions held (waiting or running), whatever the estimate says: memory. */
  readonly maxHeld?: number;
  /** The time one answer is assumed to take until one has been measured. */
  readonly initialAnswerMs?: number;
  readonly now?: () => number;
}

export interface QueueStats {
  readonly waiting: number;
  readonly running: boolean;
  /** Current estimate of the time one answer takes, in ms (an exponentially weighted mean). */
  readonly answerMs: number;
  readonly expectedWaitMs: number;
}

interface Job {
  readonly work: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly queuedAt: number;
  startedAt?: number;
}

/** Weight of the newest answer time in the mean: about the last ten answers count. */
const SMOOTHING = 0.2;
/**
 * After the last acknowledgement has gone out, the model waits this long for more questions of
 * the same burst: gateway events arrive in chunks, and a pass started between two chunks would
 * delay every acknowledgement of the next one.
 */
const QUIET_MS = 50;
/** ...but a question waits for acknowledgements at most this long before its model work starts. */
const MAX_HOLD_MS = 1500;
/** An acknowledgement counts as on its way at most this long (a request can hang for 15 s). */
const MAX_ACK_MS = 3000;

const busy = () => new FootnoteError('BOT_BUSY', 'I am answering a lot of questions right now. Please try again in a minute.');

/**
 * Holds the questions waiting for the model, and admits a new one by the wait it would have,
 * not by a count: one answer costs ~15 ms of model time, so 200 questions at once are answered
 * in seconds, while a slow model (a reindex competing for the cores) admits fewer. The wait is
 * the questions ahead times the recent mean answer time (or the age of the running
 * question, if the model seems stuck). Identical questions in flight share one answer, at no
 * extra cost. Admission is synchronous, so a refusal is known before anything goes to Discord.
 */
export class QuestionQueue {
  private readonly waiting: Job[] = [];
  /** One question at a time: the forward pass runs on this thread, so nothing would overlap it. */
  private running: Job | undefined;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private answerMs: number;
  /** Acknowledgements on their way: while there are any, no new model work starts. */
  private acknowledging = 0;
  private lastAcknowledged = -Infinity;
  private wakeUp: ReturnType<typeof setTimeout> | undefined;
  private readonly maxHeld: number;
  private readonly now: () => number;

  constructor(private readonly options: QuestionQueueOptions) {
    this.maxHeld = options.maxHeld ?? 1000;
    this.answerMs = options.initialAnswerMs ?? 25;
    this.now = options.now ?? (() => performance.now());
  }

  /** Questions held: waiting or being answered. */
  get size(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  stats(): QueueStats {
    return { waiting: this.waiting.length, running: this.running !== undefined, answerMs: this.answerMs, expectedWaitMs: this.expectedWaitMs() };
  }

  /** How long a new question would wait for its answer, in ms. */
  expectedWaitMs(): number {
    const perAnswer = Math.max(this.answerMs, this.running ? this.now() - this.running.startedAt! : 0);
    return (this.size + 1) * perAnswer;
  }

  /** Throws BOT_BUSY if a question with this key would be turned away now; changes nothing. */
  checkRoom(key: string): void {
    if (this.inFlight.has(key)) return;
    if (this.size >= this.maxHeld || this.expectedWaitMs() > this.options.maxWaitMs) throw busy();
  }

  /**
   * Queues `work` under `key` and returns its result; a question whose key is already in flight
   * gets that question's result instead (`work` is not run). Throws BOT_BUSY synchronously when
   * there is no room. The place is taken at once, but no model work starts while `after` (the
   * question's acknowledgement) or any other acknowledgement is on its way, nor for QUIET_MS
   * after the last one (MAX_HOLD_MS at most): a forward pass blocks the thread for its ~15 ms,
   * and in a burst the questions arriving behind must be acknowledged within Discord's 3 s;
   * answers can wait a little. The returned promise never counts as an unhandled rejection, so
   * a caller may drop it.
   */
  admit<T>(key: string, work: () => Promise<T>, after?: Promise<unknown>): Promise<T> {
    const shared = this.inFlight.get(key);
    if (!shared) this.checkRoom(key);
    if (after) this.holdWhile(after);
    if (shared) return shared as Promise<T>;
    const result = new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject, queuedAt: this.now() });
    });
    this.inFlight.set(key, result);
    result.then(
      () => this.inFlight.delete(key),
      () => this.inFlight.delete(key),
    );
    this.pump();
    return result;
  }

  private pump(): void {
    if (this.running || this.waiting.length === 0) return;
    const now = this.now();
    const job = this.waiting[0]!;
    const holdLeft = MAX_HOLD_MS - (now - job.queuedAt);
    const quietLeft = this.acknowledging > 0 ? holdLeft : QUIET_MS - (now - this.lastAcknowledged);
    const wait = Math.min(holdLeft, quietLeft);
    if (wait > 0) {
      clearTimeout(this.wakeUp);
      this.wakeUp = setTimeout(() => this.pump(), Math.ceil(wait));
      this.wakeUp.unref();
      return;
    }
    this.waiting.shift();
    job.startedAt = now;
    this.running = job;
    void this.start(job);
  }

  private holdWhile(acknowledgement: Promise<unknown>): void {
    this.acknowledging++;
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      clearTimeout(timer);
      this.acknowledging--;
      this.lastAcknowledged = this.now();
      this.pump();
    };
    const timer = setTimeout(release, MAX_ACK_MS);
    timer.unref();
    acknowledgement.then(release, release);
  }

  private async start(job: Job): Promise<void> {
    try {
      job.resolve(await job.work());
    } catch (error) {
      job.reject(error);
    } finally {
      this.answerMs += SMOOTHING * (this.now() - job.startedAt! - this.answerMs);
      this.running = undefined;
      this.pump();
    }
  }
}
