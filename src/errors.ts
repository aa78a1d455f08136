/**
 * Errors a user can act on. Each has a stable code (for logs and tests) and a message that says
 * what went wrong and what to do, naming the file, folder or value involved. Anything that is
 * not a FootnoteError is a bug, and is reported as such.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_LOAD_FAILED'
  | 'CORPUS_NOT_FOUND'
  | 'CORPUS_EMPTY'
  | 'INDEX_BUSY'
  | 'INDEX_MISSING'
  | 'INDEX_CORRUPT'
  | 'INDEX_OUTDATED'
  | 'INDEX_WRITE_FAILED'
  | 'QUESTION_INVALID'
  | 'DOCUMENT_NOT_FOUND'
  | 'RATE_LIMITED'
  | 'BOT_BUSY'
  | 'NOT_ALLOWED'
  | 'EXPIRED';

export class FootnoteError extends Error {
  override readonly name = 'FootnoteError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isFootnoteError(error: unknown, code?: ErrorCode): error is FootnoteError {
  return error instanceof FootnoteError && (code === undefined || error.code === code);
}

/** The message of any thrown value, for logs. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
