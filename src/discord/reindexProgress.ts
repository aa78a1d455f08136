import { isFootnoteError } from '../errors.js';
import { escapeMarkdown } from '../format/markdown.js';
import type { BuildProgress, BuildReport } from '../index/build.js';
import type { BotContext } from './context.js';

const PHASE: Record<BuildProgress['phase'], string> = {
  fetching: 'Fetching the listed web pages…',
  reading: 'Reading the documents…',
  embedding: 'Embedding passages',
  indexing: 'Building the indexes…',
  writing: 'Writing the new index…',
};
const PROGRESS_EVERY_MS = 1500;

/**
 * Runs an incremental reindex and shows its progress through `show` (an ephemeral reply's edits),
 * at most every 1.5 s, prefixed by `lead` ("Reindexing."); the old index answers meanwhile.
 * Returns the report as text, or why it failed (a FootnoteError), the previous index still served.
 * Used by /reindex and by the commands that change the corpus.
 */
export async function reindexWithProgress(context: BotContext, guildId: string | null, show: (text: string) => Promise<unknown>, lead = 'Reindexing.'): Promise<{ text: string; report?: BuildReport }> {
  let lastEdit = 0;
  let editing: Promise<unknown> = Promise.resolve();
  const onProgress = (p: BuildProgress) => {
    const now = Date.now();
    if (now - lastEdit < PROGRESS_EVERY_MS && p.done !== p.total) return;
    lastEdit = now;
    const text = p.phase === 'embedding' || (p.phase === 'fetching' && p.total > 1) ? `${PHASE[p.phase].replace(/…$/, '')}: ${p.done}/${p.total}` : PHASE[p.phase];
    editing = editing.then(() => show(`${lead} ${text}`)).catch(() => undefined);
  };
  try {
    const report = await context.reindex(guildId, onProgress);
    context.log.info('reindex finished', { guild: guildId, added: report.added.length, changed: report.changed.length, removed: report.removed.length, seconds: report.seconds });
    await editing;
    return { text: reindexReportText(report), report };
  } catch (error) {
    await editing;
    if (!isFootnoteError(error)) throw error;
    return { text: `Reindex failed: ${error.message}\nThe previous index is still served: answers are unchanged.` };
  }
}

export function reindexReportText(r: BuildReport): string {
  const names = (ids: string[]) => (ids.length === 0 ? '' : `: ${ids.slice(0, 10).map(escapeMarkdown).join(', ')}${ids.length > 10 ? ` and ${ids.length - 10} more` : ''}`);
  const lines = [
    r.wrote ? `Reindex done in ${r.seconds.toFixed(1)} s; answers now come from the new index.` : 'The index was already up to date.',
    ...(r.rebuildReason ? [`Rebuilt everything: ${r.rebuildReason}.`] : []),
    `Added ${r.added.length}${names(r.added)}`,
    `Changed ${r.changed.length}${names(r.changed)}`,
    `Removed ${r.removed.length}${names(r.removed)}`,
    `Unchanged ${r.unchanged.length}. Passages: ${r.passages}.`,
    ...(r.web ? [`Web pages: ${r.web.fetched} fetched, ${r.web.unchanged} unchanged, ${r.web.failed} failed.`] : []),
  ];
  if (r.skipped.length) lines.push(`Skipped ${r.skipped.length}:`, ...r.skipped.slice(0, 15).map((s) => `- ${escapeMarkdown(s.source)}: ${escapeMarkdown(s.reason)}`));
  return lines.join('\n');
}
