import dotenv from 'dotenv';
import { loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './log.js';

/** Entry points call this once: `.env` (if any) under the real environment, validated. */
export function loadEnvironment(): { config: Config; log: Logger } {
  dotenv.config({ quiet: true });
  const config = loadConfig(process.env);
  const log = createLogger({ level: config.logLevel, secrets: config.discord.token ? [config.discord.token] : [] });
  return { config, log };
}
