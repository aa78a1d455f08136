import { DiscordAPIError, Events, REST, Routes, type Client, type RESTGetAPIGatewayBotResult } from 'discord.js';
import type { Config } from '../config.js';
import { FootnoteError, describeError } from '../errors.js';

/** Whether the bot reads messages not addressed to it (and so needs the privileged Message Content intent). */
export function readsAllMessages(config: Config): boolean {
  return Object.values(config.discord.replyModes).some((mode) => mode !== 'mention') || config.discord.answerForums.length > 0;
}

/** How long the gateway may take to say READY after the token was accepted. */
export const READY_TIMEOUT_MS = 60_000;
const DISCORD_API = 'https://discord.com/api';

/**
 * Logs `client` in and waits until it is ready. A refused token, a server that cannot be
 * reached or a gateway that never gets ready becomes a FootnoteError naming the variable to fix;
 * the client is destroyed first, so nothing keeps the process alive.
 */
export async function logIn(client: Client, config: Config): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FootnoteError('DISCORD_UNREACHABLE', `Discord accepted the token but the connection did not get ready within ${READY_TIMEOUT_MS / 1000} s. Check the network (and DISCORD_API_URL, if set).`)), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([client.login(config.discord.token).then(() => ready), timeout]);
  } catch (error) {
    await client.destroy().catch(() => undefined);
    throw loginError(error, config);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One request with the token to DISCORD_API_URL (or Discord), made before the slow part of
 * start-up (loading the model, perhaps building the index), so that a wrong token or address is
 * reported in a second rather than after minutes. Resolves to the number of shards Discord
 * recommends (GET /gateway/bot), which SHARDS=auto uses: discord.js's own `totalShards: 'auto'`
 * always asks discord.com, whatever DISCORD_API_URL says.
 */
export async function checkDiscordAccess(config: Config): Promise<number> {
  const rest = new REST({ ...(config.discord.apiUrl !== undefined && { api: config.discord.apiUrl }), retries: 1 }).setToken(config.discord.token ?? '');
  try {
    const { shards } = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
    if (!Number.isInteger(shards) || shards < 1) {
      throw new FootnoteError('DISCORD_UNREACHABLE', `${config.discord.apiUrl === undefined ? 'Discord' : `DISCORD_API_URL ${config.discord.apiUrl}`} recommended ${String(shards)} shards, which is not a number of shards. Set SHARDS to a number instead of auto.`);
    }
    return shards;
  } catch (error) {
    throw loginError(error, config);
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

/** The message for a failed login: which setting is wrong, and what to do. */
export function loginError(error: unknown, config: Config): unknown {
  if (error instanceof FootnoteError) return error;
  const code = (error as { code?: unknown }).code;
  const api = config.discord.apiUrl ?? DISCORD_API;
  const where = config.discord.apiUrl === undefined ? `Discord (${api})` : `DISCORD_API_URL ${api}`;
  if (code === 'TokenInvalid' || (error instanceof DiscordAPIError && error.status === 401)) {
    return new FootnoteError('DISCORD_LOGIN_FAILED', `DISCORD_TOKEN: Discord refused the token. Copy the bot token again (developer portal → your application → Bot → Reset Token) into .env.`, { cause: error });
  }
  // discord.js 14 throws a plain Error ("Used disallowed intents") for gateway close 4014, without a code.
  if (code === 'DisallowedIntents' || (error instanceof Error && /disallowed intents/i.test(error.message))) {
    const detail = readsAllMessages(config)
      ? 'Guilds, Guild Messages and Message Content, which ANSWER_FORUMS and REPLY_MODES (questions, all) need. Turn on "Message Content Intent" on the Bot page of the developer portal, or unset those settings'
      : 'Guilds, Guild Messages. Check the Bot page of the developer portal';
    return new FootnoteError('DISCORD_LOGIN_FAILED', `Discord refused the intents the bot asks for (${detail}).`, { cause: error });
  }
  if (typeof code === 'string' && NETWORK_CODES[code]) {
    return new FootnoteError('DISCORD_UNREACHABLE', `Cannot reach ${where}: ${NETWORK_CODES[code]}. Check the network${config.discord.apiUrl === undefined ? '' : ' and DISCORD_API_URL'}.`, { cause: error });
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new FootnoteError('DISCORD_UNREACHABLE', `${where} did not answer in time. Check the network${config.discord.apiUrl === undefined ? '' : ' and DISCORD_API_URL'}.`, { cause: error });
  }
  if (error instanceof DiscordAPIError) {
    return new FootnoteError('DISCORD_UNREACHABLE', `${where} answered the login with an error: ${describeError(error)}. Check DISCORD_API_URL (unset for the real Discord) and try again.`, { cause: error });
  }
  return error;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be looked up',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is not trusted",
};
