import type { Answer, Quote } from '../search/answer.js';
import type { SourceSummary } from '../service.js';
import { WORDING, citeLocation, displayText } from './wording.js';

/** An answer for the terminal: numbered quotes, each followed by its citation. */
export function answerToText(answer: Answer): string {
  const lines: string[] = [];
  if (answer.answered) {
    answer.quotes.forEach((q, i) => lines.push(...quoteLines(q, i + 1), ''));
  } else {
    lines.push(WORDING.noAnswer, '');
    if (answer.closest.length) {
      lines.push(WORDING.closestHeading, '');
      answer.closest.forEach((q, i) => lines.push(...quoteLines(q, i + 1), ''));
    }
  }
  lines.push(WORDING.footer);
  return lines.join('\n');
}

function quoteLines(q: Quote, n: number): string[] {
  return [`${n}. “${displayText(q.text)}”`, `   — ${q.title}`, `     ${citeLocation(q)}${q.url ? ` · ${q.url}` : ''}`];
}

export function sourcesToText(sources: readonly SourceSummary[]): string {
  const idWidth = Math.min(60, Math.max(2, ...sources.map((s) => s.id.length)));
  const rows = sources.map((s) => `${s.id.padEnd(idWidth)}  ${String(s.passages).padStart(8)}  ${s.title}`);
  return [`${'id'.padEnd(idWidth)}  passages  title`, ...rows, '', `${sources.length} documents`].join('\n');
}
