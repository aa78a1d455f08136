/**
 * SHARDS=auto reads the shard count from GET /gateway/bot at DISCORD_API_URL: discord.js's own
 * `totalShards: 'auto'` (fetchRecommendedShardCount) always asks discord.com.
 */
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDiscordAccess } from '../../src/discord/login.js';
import { testConfig } from '../helpers/workspace.js';
import { startDiscordStandin, type DiscordStandin } from '../e2e/discord-standin/index.js';
import { CLOSE } from '../e2e/discord-standin/gateway.js';

let standin: DiscordStandin;

beforeAll(async () => {
  standin = await startDiscordStandin({ token: 'test-token', shards: 3 });
});

afterAll(async () => {
  await standin.close();
});

describe('the recommended shard count', () => {
  it('GIVEN DISCORD_API_URL THEN checkDiscordAccess asks it (with the token) and resolves to its shard count', async () => {
    const config = testConfig({ DISCORD_TOKEN: 'test-token', DISCORD_API_URL: standin.apiUrl });
    expect(await checkDiscordAccess(config)).toBe(3);
    standin.settings.shards = 5;
    expect(await checkDiscordAccess(config)).toBe(5);
    const asked = standin.requestsTo('GET', '/gateway/bot');
    expect(asked).toHaveLength(2);
    expect(asked[0]!.authorization).toBe('Bot test-token');
  });

  it('GIVEN a wrong token THEN it fails naming DISCORD_TOKEN', async () => {
    const config = testConfig({ DISCORD_TOKEN: 'wrong', DISCORD_API_URL: standin.apiUrl });
    await expect(checkDiscordAccess(config)).rejects.toThrow(/DISCORD_TOKEN/);
  });
});

describe('the stand-in gateway with shards', () => {
  it('accepts IDENTIFY [1, 2] and refuses [2, 2] with 4010 Invalid Shard', async () => {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], shards: [1], shardCount: 2, rest: { api: standin.apiUrl } });
    const ready = once(client, Events.ClientReady);
    await client.login('test-token');
    await ready;
    expect(standin.identifies.at(-1)!.shard).toEqual([1, 2]);
    // The default guild's (IDS.guild >> 22) % 2 is 1: this shard owns it.
    expect(client.guilds.cache.size).toBe(1);
    await client.destroy();

    const refused = new Client({ intents: [GatewayIntentBits.Guilds], shards: [2], shardCount: 2, rest: { api: standin.apiUrl } });
    await expect(refused.login('test-token')).rejects.toThrow();
    await refused.destroy();
    expect(standin.identifies.at(-1)!.refusedWith).toBe(CLOSE.InvalidShard);
  });
});
