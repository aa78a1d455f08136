/**
 * A change to the corpus that was refused, with the reason a moderator can act on ("the file is
 * empty"). Nothing was changed. Not a bug: the Discord layer shows the message as it is.
 */
export class CurateRefusal extends Error {
  override readonly name = 'CurateRefusal';
}

export function isCurateRefusal(error: unknown): error is CurateRefusal {
  return error instanceof CurateRefusal;
}
