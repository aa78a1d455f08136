import { LINK_MAX_LENGTH, isUsableUrl } from '../corpus/metadata.js';
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
  const target = [q.link, q.url].find((u) => isUsableUrl(u, LINK_MAX_LENGTH));
  const url = target ? ` · ${target}` : '';
  return [`${n}. “${printable(displayText(q.text))}”`, `   — ${printable(q.title)}`, `     ${printable(citeLocation(q))}${url}`];
}

export function sourcesToText(sources: readonly SourceSummary[]): string {
  const idWidth = Math.min(60, Math.max(2, ...sources.map((s) => s.id.length)));
  const rows = sources.map((s) => `${printable(s.id).padEnd(idWidth)}  ${String(s.passages).padStart(8)}  ${printable(s.title)}`);
  return [`${'id'.padEnd(idWidth)}  passages  title`, ...rows, '', `${sources.length} documents`].join('\n');
}

/**
 * Text from a document, safe to print on a terminal: control characters (an escape sequence could
 * clear the screen or retitle the window), line breaks and bidirectional overrides become "�" or a
 * space, so every item stays on its own lines. Markdown is left as written: a terminal shows it as text.
 */
function printable(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\uFFFD');
}
