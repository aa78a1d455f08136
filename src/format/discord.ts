import { LINK_MAX_LENGTH, isUsableUrl } from '../corpus/metadata.js';
import { locate } from '../corpus/location.js';
import type { StoredDocument, StoredPassage } from '../index/snapshot.js';
import type { Answer, Quote } from '../search/answer.js';
import type { SourceSummary } from '../service.js';
import { DISCORD_LIMITS as L } from './limits.js';
import { escapeMarkdown, escapeWithin, shortenText } from './markdown.js';
import { WORDING, citeLocation, displayText, placeParts, type Citable } from './wording.js';

/**
 * Answers, passages and documents as Discord message bodies (API JSON), pure and within every
 * limit Discord enforces. The discord.js layer only adds `allowedMentions` and flags and sends.
 * Everything from a document or a user is Markdown-escaped (titles, quotes, paths, ids,
 * publisher, date, the question), and a link is only used when it is one Discord accepts (`link`),
 * so an index built before links were checked cannot make a reply fail either.
 */
export interface Embed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  footer?: { text: string };
  fields?: { name: string; value: string; inline?: boolean }[];
}
export interface Button {
  type: 2;
  style: 1 | 2 | 3 | 4;
  label: string;
  custom_id: string;
  disabled?: boolean;
}
export interface ActionRow {
  type: 1;
  components: Button[];
}
export interface MessageView {
  content?: string;
  embeds: Embed[];
  components: ActionRow[];
}

const COLOR = { answer: 0x3b82f6, closest: 0x9ca3af, info: 0x10b981 } as const;

export interface AnswerButtonIds {
  /** One per quote shown, in order. */
  passages: string[];
  more?: string;
  up: string;
  down: string;
}

/** An answer, or one page of it (`quotes` chosen by the caller), with its buttons. */
export function answerView(answer: Answer, quotes: readonly Quote[], ids: AnswerButtonIds, heading?: string): MessageView {
  const closest = !answer.answered;
  const questionLine = shortenText(displayText(answer.question), 300);
  const lead = closest ? `**${WORDING.noAnswer}**\n` : '';
  const content = `${lead}${heading ?? 'Question'}: ${escapeMarkdown(questionLine)}`;
  const embeds = quoteEmbeds(quotes, closest);
  const passageButtons = quotes.map((_, i) => button(quotes.length === 1 ? 'Show passage' : `Show passage ${i + 1}`, ids.passages[i]!, 2));
  const rows = chunk(passageButtons, L.buttonsPerRow).map(row);
  rows.push(row([...(ids.more ? [button('More', ids.more, 1)] : []), button('👍', ids.up, 2), button('👎', ids.down, 2)]));
  return { content: content.slice(0, L.content), embeds, components: rows.slice(0, L.rowsPerMessage) };
}

function quoteEmbeds(quotes: readonly Quote[], closest: boolean): Embed[] {
  const shown = quotes.slice(0, L.embedsPerMessage);
  if (shown.length === 0) return [];
  const footer = closest ? `${WORDING.closestHeading} ${WORDING.footer}` : WORDING.footer;
  // Share the 6,000-character budget of all embeds; shorten the quotes, not the citations: a
  // title or citation is only shortened when it would take over a quarter of its embed's share.
  const share = Math.floor((L.embedsTotal - footer.length - 50) / shown.length);
  const parts = shown.map((q) => ({ q, title: embedTitle(q, closest, Math.floor(share / 4)), cite: citation(q, Math.floor(share / 4)) }));
  const overhead = footer.length + parts.reduce((n, p) => n + p.title.length + p.cite.length + 8, 0);
  const perQuote = Math.floor((L.embedsTotal - overhead - 50) / shown.length);
  return parts.map(({ q, title, cite }, i) => ({
    title,
    ...link([q.link, q.url].find((u) => isUsableUrl(u, LINK_MAX_LENGTH))),
    color: closest ? COLOR.closest : COLOR.answer,
    description: `> ${escapeWithin(displayText(q.text), Math.max(40, Math.min(perQuote, L.embedDescription - 3 - cite.length)))}\n${cite}`,
    ...(i === shown.length - 1 && { footer: { text: footer } }),
  }));
}

function embedTitle(q: Quote, closest: boolean, max: number = L.embedTitle): string {
  const label = closest ? 'Closest: ' : '';
  return `${label}${escapeWithin(q.title, Math.min(max, L.embedTitle) - label.length)}`;
}

/** `{ url }` for an embed when the link is one Discord accepts, else nothing (the title is then plain). */
function link(url: string | undefined): { url: string } | Record<string, never> {
  return isUsableUrl(url, LINK_MAX_LENGTH) ? { url } : {};
}

/**
 * "— file, lines 4–6" (or "§ Section", "p. 4"), escaped, at most `max` characters: a long path
 * is shortened first, then a long section title, never the line or page numbers.
 */
function citation(q: Citable, max = 400): string {
  const full = `— ${escapeMarkdown(citeLocation(q))}`;
  if (full.length <= max) return full;
  const place = placeParts(q).map((part) => (part.startsWith('§ ') ? `§ ${escapeWithin(part.slice(2), 100)}` : escapeMarkdown(part)));
  const tail = place.map((part) => `, ${part}`).join('');
  return `— ${escapeWithin(q.source, Math.max(20, max - 2 - tail.length))}${tail}`;
}

/** Escaped text as a block quote ("> " before every line), at most `max` characters. */
function blockQuote(text: string, max: number): string {
  let room = max - 2;
  for (;;) {
    const body = escapeWithin(text, room).replace(/\n/g, '\n> ');
    if (body.length + 2 <= max || room <= 1) return `> ${body}`;
    room -= body.length + 2 - max;
  }
}

/** The whole passage around a quote (its quotable sentences), for "Show passage". */
export function passageView(document: StoredDocument, passage: StoredPassage): MessageView {
  const parts: string[] = [];
  passage.sentences.forEach((s, i) => {
    const gap = i === 0 ? '' : document.text.slice(passage.sentences[i - 1]!.end, s.start).includes('\n') ? '\n' : ' ';
    parts.push(gap + displayText(document.text.slice(s.start, s.end)));
  });
  const { anchor: _anchor, ...place } = locate(document, passage.start, passage.end);
  const location = citation({ source: document.source, ...place, lineStart: passage.lineStart, lineEnd: passage.lineEnd });
  return {
    embeds: [
      {
        title: escapeWithin(document.title, L.embedTitle),
        ...link(document.url),
        color: COLOR.answer,
        description: `${blockQuote(parts.join(''), L.embedDescription - 1 - location.length)}\n${location}`,
        footer: { text: WORDING.footer },
      },
    ],
    components: [],
  };
}

export const SOURCES_PER_PAGE = 10;

export function sourcesView(sources: readonly SourceSummary[], page: number, ids: { previous: string; next: string }): MessageView {
  const pages = Math.max(1, Math.ceil(sources.length / SOURCES_PER_PAGE));
  const current = Math.min(Math.max(0, page), pages - 1);
  const lines = sources.slice(current * SOURCES_PER_PAGE, (current + 1) * SOURCES_PER_PAGE).map((s, i) => {
    const n = current * SOURCES_PER_PAGE + i + 1;
    return `**${n}.** ${escapeWithin(s.title, 150)}\n\`${s.id.slice(0, 100).replace(/`/g, "'").replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')}\` · ${s.passages} passages`;
  });
  return {
    embeds: [
      {
        title: `Sources (${sources.length} documents)`,
        color: COLOR.info,
        description: lines.join('\n') || 'The corpus is empty.',
        footer: { text: `Page ${current + 1} of ${pages} · /source shows one document` },
      },
    ],
    components: pages > 1 ? [row([button('◀ Previous', ids.previous, 2, current === 0), button('Next ▶', ids.next, 2, current >= pages - 1)])] : [],
  };
}

/** How many characters of a document one /source page shows. */
export const DOCUMENT_PAGE_CHARS = 1500;

/** Splits a document's text into pages at line or sentence ends (never mid-word). */
export function documentPages(text: string, size = DOCUMENT_PAGE_CHARS): string[] {
  const pages: string[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    if (rest.length <= size) {
      pages.push(rest);
      break;
    }
    const room = rest.slice(0, size);
    const cut = Math.max(room.lastIndexOf('\n'), room.lastIndexOf('. ') + 1, room.lastIndexOf(' '));
    const end = cut > size / 3 ? cut : size;
    pages.push(rest.slice(0, end).trim());
    rest = rest.slice(end).trim();
  }
  return pages.length ? pages : [''];
}

export function documentView(doc: StoredDocument, page: number, ids: { previous: string; next: string }): MessageView {
  const pages = documentPages(doc.text);
  const current = Math.min(Math.max(0, page), pages.length - 1);
  // Field values escaped within 400 characters each, so that the fields, title and page together stay within 6,000.
  const fields = [
    { name: 'File', value: escapeWithin(doc.source, 400), inline: true },
    { name: 'Id', value: escapeWithin(doc.id, 400), inline: true },
    { name: 'Passages', value: String(doc.passageCount), inline: true },
    ...(doc.publisher ? [{ name: 'Publisher', value: escapeWithin(doc.publisher, 400), inline: true }] : []),
    ...(doc.date ? [{ name: 'Date', value: escapeWithin(doc.date, 400), inline: true }] : []),
    // Inside <…> Discord reads nothing as Markdown, and a usable link has no '>' to close it early.
    ...(isUsableUrl(doc.url) ? [{ name: 'Link', value: `<${doc.url}>`, inline: false }] : []),
  ];
  const title = escapeWithin(doc.title, L.embedTitle);
  const footer = `Page ${current + 1} of ${pages.length}`;
  const room = L.embedsTotal - title.length - footer.length - fields.reduce((n, f) => n + f.name.length + f.value.length, 0) - 10;
  const body = blockQuote(pages[current]!.replace(/[ \t\u00a0]+/g, ' ').replace(/\n{2,}/g, '\n'), Math.min(L.embedDescription, room));
  return {
    embeds: [
      {
        title,
        ...link(doc.url),
        color: COLOR.info,
        description: body,
        fields,
        footer: { text: footer },
      },
    ],
    components:
      pages.length > 1 ? [row([button('◀ Previous', ids.previous, 2, current === 0), button('Next ▶', ids.next, 2, current >= pages.length - 1)])] : [],
  };
}

export function helpView(maxQuotes: number): MessageView {
  const description = [
    'I answer questions **only with quotes** from the documents my moderators curate, each with its citation. I never write claims of my own; when no document answers, I say so.',
    '',
    '**Ask:** `/ask question:…` (add `private:true` to see the answer alone), or mention me with your question. To check a claim in chat, right-click (or long-press) a message → **Apps → Find sources**.',
    `**Answers:** up to ${maxQuotes} quotes, best first. Each shows the document title, its file and where in it (lines, section or page), and a link that opens at the quote when the document has one. **More** shows the next quotes, **Show passage** the text around a quote, 👍/👎 tell the moderators whether it helped.`,
    '**Browse:** `/sources` lists the documents, `/source` shows one.',
    '**Moderators:** `/reindex` updates the index after the documents change; answers continue meanwhile. **Apps → Add to corpus** on a message, `/corpus add`, `/corpus remove` and `/corpus list` curate the documents from here; `/gaps` shows the questions the documents did not answer.',
  ].join('\n');
  return { embeds: [{ title: 'Footnote: answers with sources, and nothing else', color: COLOR.info, description }], components: [] };
}

function button(label: string, customId: string, style: Button['style'], disabled = false): Button {
  return { type: 2, style, label: label.slice(0, L.buttonLabel), custom_id: customId.slice(0, L.customId), ...(disabled && { disabled }) };
}

function row(components: Button[]): ActionRow {
  return { type: 1, components };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
