/**
 * `npm run register`: puts Footnote's commands on Discord, to DISCORD_GUILD_ID when set
 * (immediate, for one server) or globally (every server the bot is in). Idempotent: the full
 * list replaces what was registered before.
 */
import { REST, Routes, type APIApplication } from 'discord.js';
import { commandDefinitions } from '../src/discord/registry.js';
import { loadEnvironment } from '../src/environment.js';
import { describeError } from '../src/errors.js';

const { config, log } = loadEnvironment();
const { token, guildId, apiUrl } = config.discord;
if (!token) {
  process.stderr.write('DISCORD_TOKEN is not set: put the bot token in .env (see .env.example) and run this again.\n');
  process.exit(1);
}
const rest = new REST(apiUrl !== undefined ? { api: apiUrl } : {}).setToken(token);
try {
  const applicationId = config.discord.applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  const body = commandDefinitions();
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const registered = (await rest.put(route, { body })) as unknown[];
  process.stdout.write(`Registered ${registered.length} commands ${guildId ? `to server ${guildId}` : 'globally (they can take up to an hour to appear)'}: ${body.map((c) => c.name).join(', ')}\n`);
} catch (error) {
  log.error('registration failed', { error: describeError(error) });
  process.stderr.write(`Could not register the commands: ${describeError(error)}\n`);
  process.exitCode = 1;
}
