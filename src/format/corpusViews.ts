import { ORIGIN_LABEL, originOf } from '../curate/catalog.js';
import type { SourceSummary } from '../service.js';
import type { ActionRow, Button, MessageView } from './discord.js';
import { escapeWithin } from './markdown.js';

export const CORPUS_PER_PAGE = 10;

function button(label: string, customId: string, style: Button['style'], disabled = false): Button {
  return { type: 2, style, label, custom_id: customId.slice(0, 100), ...(disabled && { disabled }) };
}
const row = (components: Button[]): ActionRow => ({ type: 1, components });
const code = (text: string) => `\`${text.slice(0, 100).replace(/`/g, "'").replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')}\``;

/** /corpus list: ten documents a page, each with its id, where it came from and its passages. */
export function corpusListView(sources: readonly SourceSummary[], page: number, ids: { previous: string; next: string }): MessageView {
  const pages = Math.max(1, Math.ceil(sources.length / CORPUS_PER_PAGE));
  const current = Math.min(Math.max(0, page), pages - 1);
  const lines = sources.slice(current * CORPUS_PER_PAGE, (current + 1) * CORPUS_PER_PAGE).map((s, i) => {
    const n = current * CORPUS_PER_PAGE + i + 1;
    return `**${n}.** ${escapeWithin(s.title, 150)}\n${code(s.id)} · ${ORIGIN_LABEL[originOf(s)]} · ${s.passages} passages`;
  });
  return {
    embeds: [{ title: `Corpus (${sources.length} documents)`, color: 0x10b981, description: lines.join('\n') || 'The corpus is empty.', footer: { text: `Page ${current + 1} of ${pages} · /corpus remove removes one` } }],
    components: pages > 1 ? [row([button('◀ Previous', ids.previous, 2, current === 0), button('Next ▶', ids.next, 2, current >= pages - 1)])] : [],
  };
}

/** The question /corpus remove asks before it deletes anything. */
export function removeConfirmView(doc: SourceSummary, files: readonly string[], ids: { confirm: string; cancel: string }): MessageView {
  const listed = files.slice(0, 10).map((f) => `- ${code(f)}`);
  return {
    content: [`Remove **${escapeWithin(doc.title, 150)}** (${code(doc.id)}, ${ORIGIN_LABEL[originOf(doc)]}) from the corpus?`, 'This deletes:', ...listed, 'and then reindexes. The audit log records it.'].join('\n').slice(0, 2000),
    embeds: [],
    components: [row([button('Remove', ids.confirm, 4), button('Cancel', ids.cancel, 2)])],
  };
}
