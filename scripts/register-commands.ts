/**
 * `npm run register`: puts Footnote's commands on Discord, to DISCORD_GUILD_ID when set
 * (immediate, for one server) or globally (every server the bot is in). Idempotent: the full
 * list replaces what was registered before.
 */
import { DiscordAPIError, REST, Routes, type APIApplication } from 'discord.js';
import type { Config } from '../src/config.js';
import { loginError } from '../src/discord/login.js';
import { commandDefinitions } from '../src/discord/registry.js';
import { loadEnvironment, reportFatal } from '../src/environment.js';
import { FootnoteError } from '../src/errors.js';

async function main(): Promise<number> {
  const { config } = loadEnvironment();
  const { token, guildId, apiUrl } = config.discord;
  if (!token) {
    process.stderr.write('DISCORD_TOKEN is not set: put the bot token in .env (see .env.example) and run this again.\n');
    return 1;
  }
  const rest = new REST(apiUrl !== undefined ? { api: apiUrl } : {}).setToken(token);
  try {
    const applicationId = config.discord.applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
    const body = commandDefinitions();
    const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
    const registered = (await rest.put(route, { body })) as unknown[];
    process.stdout.write(`Registered ${registered.length} commands ${guildId ? `to server ${guildId}` : 'globally (they can take up to an hour to appear)'}: ${body.map((c) => c.name).join(', ')}\n`);
    return 0;
  } catch (error) {
    throw registrationError(error, config);
  }
}

/** Which setting a refusal points at: the token, the application id or the server id. */
function registrationError(error: unknown, config: Config): unknown {
  if (error instanceof DiscordAPIError && error.status !== 401) {
    const { applicationId, guildId } = config.discord;
    // 10002 Unknown Application; 50001 Missing Access (not in that server, or no applications.commands scope); 10004 Unknown Guild.
    if (error.code === 10002 || (error.status === 403 && applicationId !== undefined && guildId === undefined)) {
      return new FootnoteError('CONFIG_INVALID', `DISCORD_APPLICATION_ID: Discord does not know application ${applicationId ?? '(read from the token)'} for this token (${error.message}). Copy the id from the developer portal (General Information), or leave it unset.`, { cause: error });
    }
    if (guildId !== undefined && (error.code === 50001 || error.code === 10004 || error.status === 403 || error.status === 404)) {
      return new FootnoteError('CONFIG_INVALID', `DISCORD_GUILD_ID: cannot register commands in server ${guildId} (${error.message}). Invite the bot there with the applications.commands scope (see the README), or check the id.`, { cause: error });
    }
    return new FootnoteError('DISCORD_UNREACHABLE', `Could not register the commands: Discord answered ${error.status} (${error.message}).`, { cause: error });
  }
  return loginError(error, config);
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => reportFatal(error, 'Could not register the commands'),
);
