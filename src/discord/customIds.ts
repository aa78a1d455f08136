/**
 * Button custom ids: `<prefix>:<arg>:<arg>`, at most 100 characters. Answers are referred to by
 * their short id in the AnswerStore; documents by their id, when it fits.
 */
export const ids = {
  more: (answerId: string, page: number) => `more:${answerId}:${page}`,
  passage: (answerId: string, index: number) => `passage:${answerId}:${index}`,
  vote: (answerId: string, vote: 'up' | 'down') => `vote:${answerId}:${vote}`,
  sources: (page: number, direction: 'prev' | 'next') => `sources:${page}:${direction}`,
  document: (docId: string, page: number, direction: 'prev' | 'next') => `doc:${page}:${direction}:${docId}`.slice(0, 100),
  reason: (answerId: string, reason: string) => `reason:${answerId}:${reason}`,
  gaps: (page: number, direction: 'prev' | 'next') => `gaps:${page}:${direction}`,
};

export function parseCustomId(customId: string): { prefix: string; args: string[] } {
  const [prefix = '', ...args] = customId.split(':');
  return { prefix, args };
}
