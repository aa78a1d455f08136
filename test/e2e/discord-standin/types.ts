/**
 * Records the stand-in keeps, shared by its modules and exposed to tests.
 */
import type { FormError } from './limits.js';
import type { Dict } from './util.js';

export interface RecordedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
}

/** One HTTP request the bot made, with the stand-in's answer. */
export interface RecordedRequest {
  /** 1, 2, 3... in arrival order. */
  seq: number;
  method: string;
  /** The path after `/api/v10`, e.g. `/channels/123/messages` (the full path for non-API requests). */
  path: string;
  /** The matched route, e.g. `/channels/:channelId/messages`; null when nothing matched (see `unhandled`). */
  route: string | null;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Parsed JSON body (for multipart: the parsed `payload_json`, or the plain form fields); undefined if none. */
  body: unknown;
  files: RecordedFile[];
  /** The raw `Authorization` header (`Bot <token>`), null when absent (interaction callbacks and webhooks). */
  authorization: string | null;
  headers: Record<string, string | string[] | undefined>;
  /** Date.now() when the request arrived. */
  receivedAt: number;
  /** Filled in once answered. */
  status?: number;
  response?: unknown;
  /** When the answer was injected with `failNext`. */
  injected?: boolean;
}

/** A body Discord would refuse: 400 with code 50035 (Invalid Form Body) or 50006 (Cannot send an empty message). */
export interface Violation {
  request: RecordedRequest;
  code: 50035 | 50006;
  message: string;
  errors: FormError[];
}

export interface ApiErrorBody {
  code: number;
  message: string;
  errors?: Dict;
}

/** An interaction callback (POST /interactions/:id/:token/callback) as the stand-in saw and answered it. */
export interface CallbackRecord {
  /** InteractionResponseType: 4 reply, 5 deferred reply, 6 deferred update, 7 update, 8 autocomplete, 9 modal. */
  type: number;
  data: Dict | undefined;
  accepted: boolean;
  status: number;
  error?: ApiErrorBody;
  /** Milliseconds between the INTERACTION_CREATE dispatch and this callback's arrival. */
  delayMs: number;
  receivedAt: number;
  withResponse: boolean;
  request: RecordedRequest;
}

/** A request through the interaction's webhook: edit / fetch / delete of a response, or a follow-up. */
export interface WebhookRecord {
  kind: 'edit' | 'followUp' | 'delete' | 'fetch';
  /** `@original` or a message id (a follow-up's record has the new message's id). */
  messageId: string;
  body: Dict | undefined;
  accepted: boolean;
  status: number;
  error?: ApiErrorBody;
  /** The resulting message (after an edit / the created follow-up). */
  message?: Dict;
  delayMs: number;
  receivedAt: number;
  request: RecordedRequest;
}
