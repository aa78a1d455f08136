import { startBot } from './discord/client.js';
import { loadEnvironment } from './environment.js';
import { describeError, isFootnoteError } from './errors.js';
import { openFootnote } from './service.js';
import { createProgressBar } from './cli/progress.js';

/** `npm start`: load the model and index once, then answer on Discord until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const { config, log } = loadEnvironment();
  if (!config.discord.token) {
    process.stderr.write(
      'DISCORD_TOKEN is not set, so the bot cannot connect to Discord.\n' +
        'Create an application and bot at https://discord.com/developers/applications, copy its token into .env\n' +
        '(DISCORD_TOKEN=...; see .env.example and the README), run `npm run register`, then `npm start`.\n' +
        'Without Discord, `npm run ask -- "your question"` answers from the corpus in the terminal.\n',
    );
    process.exitCode = 1;
    return;
  }
  process.on('unhandledRejection', (error) => log.error('unhandled rejection', { error: describeError(error) }));
  const bar = createProgressBar();
  const footnote = await openFootnote({ config, log, onProgress: (p) => bar.update(p), reindexInWorker: true });
  bar.done();
  const bot = await startBot({ config, log, footnote });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: disconnecting`);
    await bot.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(isFootnoteError(error) ? `${error.message}\n` : `Could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
