import type { Config } from '../config.js';
import type { Embedder } from '../embed/embedder.js';
import type { IndexVersion } from '../index/backend.js';
import { questionEmbedder } from './embedder.js';
import { feedbackOfGuild, readFeedbackLog } from './records.js';
import { findGaps, type GapsReport } from './report.js';

/**
 * What /gaps and `npm run gaps` both run: FEEDBACK_FILE read, grouped with the configured model's
 * query vectors, closest documents from `index` (the version being served) when it was built with
 * that model. The bot passes the embedder it already has; the command line loads the model.
 */
export async function reportGaps(
  config: Config,
  index: IndexVersion | undefined,
  options: { threshold?: number; guild?: string | null; embedder?: Pick<Embedder, 'modelId' | 'embedQuery'> } = {},
): Promise<GapsReport> {
  const { guild, embedder: given, ...rest } = options;
  const all = readFeedbackLog(config.discord.feedbackFile);
  // On Discord, a server's own questions only; the command line (the operator) sees them all.
  const log = guild === undefined ? all : feedbackOfGuild(all, guild, config.corpora.length === 0);
  if (log.votes.every((v) => v.vote === 'up') && log.declined.length === 0) {
    return findGaps(log, { embed: () => Promise.reject(new Error('nothing to embed')), ...rest });
  }
  const embedder = given ?? (await questionEmbedder(config));
  const usable = index && index.manifest.modelId === embedder.modelId ? index : undefined;
  return findGaps(log, { embed: (q) => embedder.embedQuery(q), ...(usable && { index: usable }), ...rest });
}
