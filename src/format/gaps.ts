import type { GapGroup, GapsReport } from '../gaps/report.js';
import { reasonSummary } from '../gaps/report.js';
import { DOWN_REASONS, type DownReason } from '../gaps/records.js';
import type { MessageView } from './discord.js';
import { DISCORD_LIMITS as L } from './limits.js';
import { escapeWithin } from './markdown.js';

/** Groups per /gaps page: at the lengths below, three always fit an embed description. */
export const GAPS_PER_PAGE = 3;
const MAX = { question: 200, wording: 90, title: 70, id: 60 } as const;

function counts(g: GapGroup): string {
  return `asked ${g.asked} · declined ${g.declined} · 👎 ${g.down}`;
}

/** `npm run gaps`: every group, plain text (no Markdown). */
export function gapsText(report: GapsReport, file: string): string {
  const { totals } = report;
  if (report.groups.length === 0) return `No declined or 👎 questions yet (${file}).`;
  const lines = [
    `Gaps: ${totals.asked} questions (${totals.declined} declined, ${totals.down} 👎) in ${report.groups.length} groups, from ${file}`,
    `Grouped by wording at cosine >= ${report.threshold}; ${report.indexVersion ? `closest documents from index version ${report.indexVersion}` : 'no index, so no closest documents (run npm run index)'}.`,
  ];
  report.groups.forEach((g, i) => {
    lines.push('', `${i + 1}. ${g.question}  (${counts(g).replace(/ ·/g, ',')})`);
    if (g.otherWordings.length) lines.push(`   also asked as: ${g.otherWordings.map((w) => `"${w}"`).join('; ')}${g.moreWordings ? ` (and ${g.moreWordings} more)` : ''}`);
    const reasons = reasonSummary(g.reasons);
    if (reasons) lines.push(`   what was wrong: ${reasons}`);
    if (g.closest.length) lines.push(`   closest documents: ${g.closest.map((d) => `${d.title} (${d.id})`).join('; ')}`);
  });
  return lines.join('\n');
}

/** One page of /gaps for Discord: escaped, within every limit, with ◀ ▶ when there are more pages. */
export function gapsView(report: GapsReport, page: number, ids: { previous: string; next: string }): MessageView {
  const pages = Math.max(1, Math.ceil(report.groups.length / GAPS_PER_PAGE));
  const current = Math.min(Math.max(0, page), pages - 1);
  const blocks = report.groups.slice(current * GAPS_PER_PAGE, (current + 1) * GAPS_PER_PAGE).map((g, i) => {
    const lines = [`**${current * GAPS_PER_PAGE + i + 1}.** “${escapeWithin(g.question, MAX.question)}” (${counts(g)})`];
    if (g.otherWordings.length) {
      lines.push(`Also asked as: ${g.otherWordings.map((w) => `“${escapeWithin(w, MAX.wording)}”`).join(' · ')}${g.moreWordings ? ` (+${g.moreWordings} more)` : ''}`);
    }
    const reasons = reasonSummary(g.reasons);
    if (reasons) lines.push(`What was wrong: ${reasons}`);
    if (g.closest.length) lines.push(`Closest documents: ${g.closest.map((d) => `${escapeWithin(d.title, MAX.title)} (${escapeWithin(d.id, MAX.id)})`).join(' · ')}`);
    return lines.join('\n');
  });
  const { totals } = report;
  const description =
    report.groups.length === 0
      ? 'No declined or 👎 questions yet. Questions the bot declines, and answers members vote 👎, are listed here, grouped by wording.'
      : blocks.join('\n\n');
  return {
    embeds: [
      {
        title: `What the corpus is missing: ${report.groups.length} group${report.groups.length === 1 ? '' : 's'}`.slice(0, L.embedTitle),
        description: description.slice(0, L.embedDescription),
        color: 0xf59e0b,
        footer: { text: `Page ${current + 1} of ${pages} · ${totals.asked} questions, ${totals.declined} declined, ${totals.down} 👎 · npm run gaps lists all` },
      },
    ],
    components:
      pages > 1
        ? [
            {
              type: 1,
              components: [
                { type: 2, style: 2, label: '◀ Previous', custom_id: ids.previous, ...(current === 0 && { disabled: true }) },
                { type: 2, style: 2, label: 'Next ▶', custom_id: ids.next, ...(current >= pages - 1 && { disabled: true }) },
              ],
            },
          ]
        : [],
  };
}

/** After a 👎: the thanks, and an optional choice of what was wrong (one button per reason). */
export function whatWasWrongView(thanks: string, reasonIds: Record<DownReason, string>): MessageView {
  const buttons = (Object.keys(DOWN_REASONS) as DownReason[]).map((r) => ({
    type: 2 as const,
    style: 2 as const,
    label: DOWN_REASONS[r][0]!.toUpperCase() + DOWN_REASONS[r].slice(1),
    custom_id: reasonIds[r],
  }));
  return { content: `${thanks}\nWhat was wrong? (optional)`, embeds: [], components: [{ type: 1, components: buttons }] };
}
