import type { Answer, Quote } from '../search/answer.js';

/** The machine-readable answer of `ask --json`: the documented fields only, in a fixed order. */
export function answerToJson(answer: Answer): object {
  return {
    question: answer.question,
    answered: answer.answered,
    quotes: answer.quotes.map(quoteToJson),
    ...(!answer.answered && answer.closest.length > 0 && { closest: answer.closest.map(quoteToJson) }),
  };
}

function quoteToJson(q: Quote): object {
  return {
    text: q.text,
    docId: q.docId,
    title: q.title,
    source: q.source,
    start: q.start,
    end: q.end,
    lineStart: q.lineStart,
    lineEnd: q.lineEnd,
    ...(q.hasLines === false && { hasLines: false }),
    ...(q.section && { section: q.section }),
    ...(q.pageStart !== undefined && { pageStart: q.pageStart, pageEnd: q.pageEnd }),
    score: q.score,
    ...(q.url && { url: q.url }),
    ...(q.link && { link: q.link }),
  };
}
