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
  | 'QUESTION_INVALID'
  | 'DOCUMENT_NOT_FOUND'
  | 'RATE_LIMITED'
  | 'BOT_BUSY'
  | 'NOT_ALLOWED'
  | 'EXPIRED'
  | 'PATH_UNUSABLE'
  | 'INDEX_WRITE_FAILED'
  | 'FEEDBACK_WRITE_FAILED'
  | 'DISCORD_LOGIN_FAILED'
  | 'DISCORD_UNREACHABLE';

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

const FILE_SYSTEM_PROBLEMS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  ENOTDIR: 'a file is in the way where a folder is needed',
  EISDIR: 'a folder is in the way where a file is needed',
  EEXIST: 'something else already exists there',
  ENOENT: 'it does not exist',
  ELOOP: 'it is a loop of symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many files are open',
  EIO: 'the disk reported an input/output error',
};

/**
 * What a file system error means, in words ("the disk is full"), or undefined when `error` is
 * not one. These are problems of the machine, not bugs: they deserve a message, not a stack.
 * Errors passed on from the index worker keep only their message ("ENOSPC: no space left…").
 */
export function fileSystemProblem(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? /^([A-Z][A-Z0-9]+):/.exec(describeError(error))?.[1];
  return typeof code === 'string' ? FILE_SYSTEM_PROBLEMS[code] : undefined;
}

/**
 * The one line an entry point prints when it cannot go on: a FootnoteError's own message (it
 * names what to fix), or for anything else what was being done and the error's message. Never a
 * stack: that goes to the log.
 */
export function fatalMessage(error: unknown, doing: string): string {
  if (isFootnoteError(error)) return error.message;
  return `${doing}: ${describeError(error)} (an unexpected error; the details are in the log).`;
}

/** Message and stack of an error, as log fields (a log line is one JSON line, so no stack reaches a terminal as frames). */
export function errorDetails(error: unknown): { error: string; stack?: string; cause?: string } {
  if (!(error instanceof Error)) return { error: String(error) };
  return { error: error.message, ...(error.stack && { stack: error.stack }), ...(error.cause !== undefined && { cause: describeError(error.cause) }) };
}
