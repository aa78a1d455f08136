/**
 * One dispatched interaction: what the bot answered (callbacks), and what it later did through the interaction's
 * webhook (edits of the original response, follow-ups, deletes), with promises to wait for each.
 */
import { EventEmitter } from 'node:events';
import type { APIInteraction, APIMessage } from 'discord.js';
import type { CallbackRecord, WebhookRecord } from './types.js';
import { waitUntil, type Dict } from './util.js';

const DEFAULT_WAIT_MS = 5000;

export class InteractionHandle {
  /** Snowflake of the interaction. */
  readonly id: string;
  readonly token: string;
  /** InteractionType: 2 command, 3 component, 4 autocomplete, 5 modal submit. */
  readonly type: number;
  /** Date.now() when INTERACTION_CREATE was sent. */
  readonly dispatchedAt: number;
  /** performance.now() at dispatch, for precise delays. */
  readonly dispatchedAtHr: number;
  /** All callbacks, accepted or refused, in arrival order. */
  readonly callbacks: CallbackRecord[] = [];
  readonly edits: WebhookRecord[] = [];
  readonly followUps: WebhookRecord[] = [];
  readonly deletes: WebhookRecord[] = [];
  readonly fetches: WebhookRecord[] = [];
  /** The message `@original` refers to, once there is one. */
  originalMessageId: string | undefined;
  /** @internal */
  readonly events = new EventEmitter();

  constructor(
    /** The payload exactly as dispatched (after the stand-in completed it). */
    readonly payload: APIInteraction,
    private readonly lookupMessage: (id: string) => Dict | undefined,
    private readonly signal: AbortSignal,
    now: { wall: number; hr: number },
  ) {
    this.id = payload.id;
    this.token = payload.token;
    this.type = payload.type;
    this.dispatchedAt = now.wall;
    this.dispatchedAtHr = now.hr;
    this.events.setMaxListeners(0);
  }

  /** @internal */
  changed(): void {
    this.events.emit('change');
  }

  /** The first accepted callback, if any. */
  get acknowledgement(): CallbackRecord | undefined {
    return this.callbacks.find((c) => c.accepted);
  }

  get acknowledged(): boolean {
    return this.acknowledgement !== undefined;
  }

  /** The current state of the original response (or, after an update / deferred update, of the clicked message). */
  get original(): APIMessage | undefined {
    return this.originalMessageId ? (this.lookupMessage(this.originalMessageId) as APIMessage | undefined) : undefined;
  }

  /**
   * Still "thinking…" / never answered: no accepted callback, or a deferred reply (type 5) that was neither edited
   * nor followed up. A user would see a spinner or "The application did not respond".
   */
  get unfinished(): boolean {
    const ack = this.acknowledgement;
    if (!ack) return true;
    if (ack.type !== 5) return false;
    return !this.edits.some((e) => e.accepted) && !this.followUps.some((f) => f.accepted);
  }

  private describe(what: string): string {
    const cbs = this.callbacks.map((c) => `type ${c.type}${c.accepted ? '' : ` (refused: ${c.error?.code})`}`).join(', ') || 'none';
    return `${what} of interaction ${this.id} (type ${this.type}); callbacks so far: ${cbs}; edits: ${this.edits.length}; follow-ups: ${this.followUps.length}`;
  }

  /** The first callback (accepted or refused — check `accepted`, `status`, `error`, `delayMs`). */
  waitForCallback(timeoutMs = DEFAULT_WAIT_MS): Promise<CallbackRecord> {
    return waitUntil(this.events, 'change', () => this.callbacks[0], timeoutMs, () => this.describe('the callback'), this.signal);
  }

  /** The first edit of a response matching `predicate` (default: any edit). */
  waitForEdit(predicate: (edit: WebhookRecord) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<WebhookRecord> {
    return waitUntil(this.events, 'change', () => this.edits.find(predicate), timeoutMs, () => this.describe('an edit'), this.signal);
  }

  /** The first follow-up matching `predicate` (default: any follow-up). */
  waitForFollowUp(predicate: (followUp: WebhookRecord) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<WebhookRecord> {
    return waitUntil(this.events, 'change', () => this.followUps.find(predicate), timeoutMs, () => this.describe('a follow-up'), this.signal);
  }

  /**
   * The message the user ends up seeing as the answer, however the bot produced it: a reply / update callback
   * (4, 7), or the first accepted edit after a deferral (5, 6). Rejects if the first callback was refused.
   */
  waitForReply(timeoutMs = DEFAULT_WAIT_MS): Promise<APIMessage> {
    return waitUntil(
      this.events,
      'change',
      () => {
        const first = this.callbacks[0];
        if (!first) return undefined;
        if (!first.accepted) throw new Error(`the interaction's callback was refused: ${first.status} ${JSON.stringify(first.error)}`);
        if (first.type === 4 || first.type === 7) return this.original;
        const edit = this.edits.find((e) => e.accepted);
        return edit ? (edit.message as APIMessage | undefined) : undefined;
      },
      timeoutMs,
      () => this.describe('the reply'),
      this.signal,
    );
  }
}
