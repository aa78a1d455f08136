/**
 * `npm run gaps`: the questions the bot declined or that got 👎 (FEEDBACK_FILE), grouped by
 * similar wording, most asked first, each with the documents nearest to it in the index. No
 * Discord token needed. `-- --json` prints one JSON object; `-- --threshold 0.8` groups tighter.
 */
import { loadEnvironment, reportFatal } from '../src/environment.js';
import { describeError, isFootnoteError } from '../src/errors.js';
import { gapsText } from '../src/format/gaps.js';
import { reportGaps } from '../src/gaps/index.js';
import type { IndexVersion } from '../src/index/backend.js';
import { indexStore } from '../src/index/stores.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const at = args.indexOf('--threshold');
  const threshold = at >= 0 ? Number(args[at + 1]) : undefined;
  if (threshold !== undefined && !(threshold > 0 && threshold < 1)) {
    process.stderr.write(`--threshold: expected a cosine between 0 and 1, got '${args[at + 1] ?? ''}'\n`);
    process.exitCode = 2;
    return;
  }
  const { config } = loadEnvironment();
  let index: IndexVersion | undefined;
  try {
    index = (await indexStore(config).open()).index;
  } catch (error) {
    if (!isFootnoteError(error)) throw error;
    process.stderr.write(`No closest documents: ${describeError(error)}\n`);
  }
  const report = await reportGaps(config, index, threshold === undefined ? {} : { threshold });
  if (index && report.groups.length > 0 && report.indexVersion === undefined) {
    process.stderr.write(`No closest documents: the index was built with the model ${index.manifest.modelId}, not ${config.embedModel}. Run \`npm run index\`.\n`);
  }
  const file = config.discord.feedbackFile;
  process.stdout.write((json ? JSON.stringify({ file, ...report }) : gapsText(report, file)) + '\n');
  index?.close?.();
}

main().catch((error: unknown) => reportFatal(error, 'npm run gaps'));
