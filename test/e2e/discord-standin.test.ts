/**
 * Smoke test of the Discord stand-in: a real discord.js Client logs in against it and goes through slash commands,
 * buttons, autocomplete, a message context menu, mentions, Discord's validation and a wrong token.
 */
import { once } from 'node:events';
import { constants as zlibConstants, createInflate } from 'node:zlib';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageContextMenuCommandInteraction,
  MessageFlags,
  PermissionFlagsBits,
  type Interaction,
  type Message,
} from 'discord.js';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  autocomplete,
  buttonClick,
  CLOSE,
  guildMessage,
  IDS,
  MEMBER,
  mentionMessage,
  messageContextMenu,
  MODERATOR,
  slashCommand,
  startDiscordStandin,
  type DiscordStandin,
} from './discord-standin/index.js';

const TOKEN = 'test-token';

let discord: DiscordStandin;
let client: Client;

/** Run `fn` on the next interaction the client receives; resolves / rejects with its outcome. */
function onNextInteraction<T>(fn: (interaction: Interaction) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    client.once(Events.InteractionCreate, (interaction) => {
      fn(interaction).then(resolve, reject);
    });
  });
}

/** Run `fn` on the next message the client receives that `accept`s. */
function onNextMessage<T>(accept: (message: Message) => boolean, fn: (message: Message) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const listener = (message: Message): void => {
      if (!accept(message)) return;
      client.off(Events.MessageCreate, listener);
      fn(message).then(resolve, reject);
    };
    client.on(Events.MessageCreate, listener);
  });
}

beforeAll(async () => {
  discord = await startDiscordStandin({ token: TOKEN });
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    rest: { api: discord.apiUrl },
  });
  const ready = once(client, Events.ClientReady);
  await client.login(TOKEN);
  await ready;
  await client.application!.commands.set([
    {
      name: 'ask',
      description: 'Ask the corpus a question',
      options: [
        { name: 'question', description: 'What to ask', type: 3, required: true, autocomplete: true },
        { name: 'private', description: 'Only you see the answer', type: 5 },
      ],
    },
    { name: 'Cite', type: 3 },
  ]);
});

afterAll(async () => {
  await client?.destroy();
  await discord?.close();
});

describe('discord.js against the stand-in', () => {
  it('logs in: READY + GUILD_CREATE populate the caches, IDENTIFY carries the intents', () => {
    expect(client.isReady()).toBe(true);
    expect(client.user?.id).toBe(discord.botUser.id);
    expect(client.application?.id).toBe(discord.applicationId);
    const guild = client.guilds.cache.get(IDS.guild);
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.get(IDS.channel)?.isTextBased()).toBe(true);
    expect(guild?.members.me?.roles.cache.has(IDS.botRole)).toBe(true);
    expect(discord.identifies.at(-1)?.intents).toBe(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages);
    expect(discord.requestsTo('GET', '/gateway/bot')[0]?.authorization).toBe(`Bot ${TOKEN}`);
    // The bulk overwrite was stored and answered with generated ids.
    const commands = discord.commands();
    expect(commands.map((c) => [c.name, c.type])).toEqual([['ask', 1], ['Cite', 3]]);
    expect(commands[0]?.id).toMatch(/^\d{17,20}$/);
    expect(client.application?.commands.cache.size).toBe(2);
  });

  it('(1) slash command: deferReply within 3 s, then editReply', async () => {
    const handled = onNextInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error(`unexpected ${interaction.type}`);
      expect(interaction.commandName).toBe('ask');
      expect(interaction.commandId).toBe(discord.commands()[0]?.id);
      expect(interaction.options.getString('question', true)).toBe('what is a footnote?');
      expect(interaction.options.getBoolean('private')).toBe(false);
      expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(true);
      expect(interaction.appPermissions.has(PermissionFlagsBits.SendMessages)).toBe(true);
      expect(interaction.inCachedGuild()).toBe(true);
      await interaction.deferReply();
      await interaction.editReply('A note at the foot of a page.');
    });
    const i = discord.dispatchInteraction(
      slashCommand({ name: 'ask', options: { question: 'what is a footnote?', private: false }, member: MODERATOR }),
    );
    const callback = await i.waitForCallback();
    expect(callback).toMatchObject({ type: 5, accepted: true, status: 204 });
    expect(callback.delayMs).toBeLessThan(3000);
    const edit = await i.waitForEdit();
    expect(edit.accepted).toBe(true);
    expect(edit.messageId).toBe('@original');
    expect(edit.message?.content).toBe('A note at the foot of a page.');
    await handled;
    expect(i.original?.content).toBe('A note at the foot of a page.');
    expect((i.original?.flags ?? 0) & MessageFlags.Loading).toBe(0);
    expect(i.unfinished).toBe(false);
  });

  it('(2) a second acknowledgement is refused with 40060, and a late one with 10062', async () => {
    // discord.js refuses a sequential second reply itself, without asking Discord...
    const local = onNextInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('unexpected');
      await interaction.deferReply();
      return interaction.reply('again').then(
        () => undefined,
        (error: unknown) => error,
      );
    });
    discord.dispatchInteraction(slashCommand({ name: 'ask', options: { question: 'q' } }));
    expect(await local).toMatchObject({ code: 'InteractionAlreadyReplied' });

    // ...but two concurrent acknowledgements both reach Discord: the stand-in refuses the second like Discord does.
    const raced = onNextInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('unexpected');
      return Promise.allSettled([interaction.deferReply(), interaction.reply('too')]);
    });
    const i = discord.dispatchInteraction(slashCommand({ name: 'ask', options: { question: 'q' } }));
    const results = await raced;
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toBeInstanceOf(DiscordAPIError);
    expect(rejected[0]?.reason).toMatchObject({ code: 40060, status: 400, message: 'Interaction has already been acknowledged.' });
    expect(i.callbacks.map((c) => c.accepted).sort()).toEqual([false, true]);

    // Too late: shrink the 3 s window instead of sleeping 3 s.
    discord.settings.interactionAckWindowMs = 50;
    try {
      const late = onNextInteraction(async (interaction) => {
        if (!interaction.isChatInputCommand()) throw new Error('unexpected');
        await new Promise((resolve) => setTimeout(resolve, 120));
        return interaction.reply('slow').then(
          () => undefined,
          (error: unknown) => error,
        );
      });
      const slow = discord.dispatchInteraction(slashCommand({ name: 'ask', options: { question: 'q' } }));
      expect(await late).toMatchObject({ code: 10062, status: 404 });
      const cb = await slow.waitForCallback();
      expect(cb.accepted).toBe(false);
      expect(cb.delayMs).toBeGreaterThan(50);
      expect(slow.unfinished).toBe(true);
    } finally {
      discord.settings.interactionAckWindowMs = 3000;
    }
  });

  it('(3) button: reply with a button, click it, update the message', async () => {
    const replied = onNextInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('unexpected');
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId('more:1').setLabel('More passages').setStyle(ButtonStyle.Primary),
      );
      await interaction.reply({ content: 'Passage 1', components: [row] });
    });
    const command = discord.dispatchInteraction(slashCommand({ name: 'ask', options: { question: 'q' } }));
    const original = await command.waitForReply();
    await replied;
    expect(original.components).toHaveLength(1);

    expect(() => discord.dispatchInteraction(buttonClick({ customId: 'nope', message: original }))).toThrow(/no component with custom_id "nope"/);

    const updated = onNextInteraction(async (interaction) => {
      if (!interaction.isButton()) throw new Error('unexpected');
      expect(interaction.customId).toBe('more:1');
      expect(interaction.message.id).toBe(original.id);
      await interaction.update({ content: 'Passage 2', components: [] });
    });
    const click = discord.dispatchInteraction(buttonClick({ customId: 'more:1', message: original, member: MEMBER }));
    expect(await click.waitForCallback()).toMatchObject({ type: 7, accepted: true });
    await updated;
    expect(click.original?.id).toBe(original.id);
    expect(click.original?.content).toBe('Passage 2');
    expect(click.original?.components).toEqual([]);
  });

  it('(4) autocomplete: respond() with choices; more than 25 is refused with 50035', async () => {
    const responded = onNextInteraction(async (interaction) => {
      if (!interaction.isAutocomplete()) throw new Error('unexpected');
      expect(interaction.options.getFocused()).toBe('foot');
      await interaction.respond([
        { name: 'footnote', value: 'footnote' },
        { name: 'footer', value: 'footer' },
      ]);
    });
    const i = discord.dispatchInteraction(autocomplete({ name: 'ask', options: { question: 'foot' }, focused: 'question' }));
    const cb = await i.waitForCallback();
    await responded;
    expect(cb).toMatchObject({ type: 8, accepted: true });
    expect(cb.data?.choices).toEqual([
      { name: 'footnote', value: 'footnote' },
      { name: 'footer', value: 'footer' },
    ]);

    const tooMany = onNextInteraction(async (interaction) => {
      if (!interaction.isAutocomplete()) throw new Error('unexpected');
      const choices = Array.from({ length: 26 }, (_, n) => ({ name: `c${n}`, value: `c${n}` }));
      return interaction.respond(choices).then(
        () => undefined,
        (error: unknown) => error,
      );
    });
    discord.dispatchInteraction(autocomplete({ name: 'ask', focused: 'question' }));
    const error = await tooMany;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ code: 50035, status: 400 });
    expect((error as DiscordAPIError).message).toContain('data.choices[BASE_TYPE_MAX_LENGTH]');
  });

  it('(5) message context menu: MessageContextMenuCommandInteraction with targetMessage', async () => {
    const target = guildMessage({ content: 'Footnotes are notes at the foot of a page.', author: MEMBER });
    const handled = onNextInteraction(async (interaction) => {
      expect(interaction).toBeInstanceOf(MessageContextMenuCommandInteraction);
      if (!interaction.isMessageContextMenuCommand()) throw new Error('unexpected');
      expect(interaction.commandName).toBe('Cite');
      expect(interaction.targetId).toBe(target.id);
      await interaction.reply({ content: `> ${interaction.targetMessage.content}`, flags: MessageFlags.Ephemeral });
    });
    const i = discord.dispatchInteraction(messageContextMenu({ name: 'Cite', target }));
    const reply = await i.waitForReply();
    await handled;
    expect(reply.content).toBe('> Footnotes are notes at the foot of a page.');
    expect(reply.flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(reply.interaction_metadata).toMatchObject({ id: i.id, type: 2 });
  });

  it('(6) a mention arrives as messageCreate; reply() carries message_reference and allowed_mentions', async () => {
    const handled = onNextMessage(
      (m) => !m.author.bot,
      async (message) => {
        expect(message.mentions.has(client.user!)).toBe(true);
        expect(message.content).toBe(`<@${discord.botUser.id}> what is a footnote?`);
        expect(message.member?.id).toBe(MEMBER.id);
        if (!message.inGuild()) throw new Error('expected a guild message');
        await message.channel.sendTyping();
        const reply = await message.reply({ content: `<@${message.author.id}> see page 3`, allowedMentions: { parse: [] } });
        const thread = await message.startThread({ name: 'footnotes' });
        await thread.send('More in here.');
        return { reply, thread };
      },
    );
    const sent = discord.dispatchMessage(mentionMessage({ text: 'what is a footnote?', author: MEMBER }));
    expect(sent).toMatchObject({ deliveredTo: 1, contentVisible: true });
    const { reply, thread } = await handled;

    const post = await discord.waitFor((r) => r.method === 'POST' && r.route === '/channels/:channelId/messages' && r.params.channelId === IDS.channel);
    expect(post.status).toBe(200);
    expect(post.body).toMatchObject({
      content: `<@${MEMBER.id}> see page 3`,
      message_reference: { message_id: sent.message.id },
      allowed_mentions: { parse: [] },
    });
    // allowed_mentions.parse = [] → nobody is pinged, although the text contains <@id>.
    expect(reply.mentions.users.size).toBe(0);
    expect(reply.reference?.messageId).toBe(sent.message.id);
    expect(discord.requestsTo('POST', '/channels/:channelId/typing')).toHaveLength(1);
    expect(thread.type).toBe(11);
    expect(thread.id).toBe(sent.message.id);
    expect(discord.channelMessages(thread.id).map((m) => m.content)).toEqual(['More in here.']);

    // Without the MESSAGE_CONTENT intent, a message that does not mention the bot arrives with empty content.
    const blank = onNextMessage((m) => !m.author.bot, async (message) => message.content);
    expect(discord.dispatchMessage(guildMessage({ content: 'just chatting' })).contentVisible).toBe(false);
    expect(await blank).toBe('');
  });

  it('(7) Discord validation: 2,001 characters are refused with 50035', async () => {
    const channel = client.channels.cache.get(IDS.channel);
    if (!channel?.isSendable()) throw new Error('no channel');
    const error = await channel.send('x'.repeat(2001)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ code: 50035, status: 400 });
    expect((error as DiscordAPIError).rawError).toMatchObject({
      errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } },
    });
    expect(discord.violations.at(-1)).toMatchObject({ code: 50035, errors: [{ path: ['content'], code: 'BASE_TYPE_MAX_LENGTH' }] });
    await expect(channel.send('x'.repeat(2000))).resolves.toBeDefined();

    // The bot lacks SEND_MESSAGES in #read-only.
    const readOnly = client.channels.cache.get(IDS.readOnlyChannel);
    if (!readOnly?.isSendable()) throw new Error('no channel');
    await expect(readOnly.send('hi')).rejects.toMatchObject({ code: 50013, status: 403 });
  });

  it('(8) a wrong token fails login (REST 401), and IDENTIFY with a wrong token is closed with 4004', async () => {
    const other = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
    try {
      await expect(other.login('wrong-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    } finally {
      await other.destroy();
    }
    const refused = discord.requests.find((r) => r.path === '/gateway/bot' && r.authorization === 'Bot wrong-token');
    expect(refused?.status).toBe(401);

    // Raw gateway client, with zlib-stream transport compression (what discord.js does when zlib-sync is installed).
    const ws = new WebSocket(`${discord.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`);
    const inflate = createInflate();
    const payloads: Array<{ op: number; d: unknown }> = [];
    let pending = Buffer.alloc(0);
    inflate.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
    });
    ws.on('message', (data: Buffer) => {
      inflate.write(data);
      inflate.flush(zlibConstants.Z_SYNC_FLUSH, () => {
        if (pending.length === 0) return;
        payloads.push(JSON.parse(pending.toString('utf8')) as { op: number; d: unknown });
        pending = Buffer.alloc(0);
        if (payloads.length === 1) ws.send(JSON.stringify({ op: 2, d: { token: 'wrong-token', intents: 1, properties: {} } }));
      });
    });
    const [code] = (await once(ws, 'close')) as [number];
    inflate.close();
    expect(payloads[0]).toMatchObject({ op: 10, d: { heartbeat_interval: 41250 } });
    expect(code).toBe(CLOSE.AuthenticationFailed);
  });

  it('resumes after a dropped connection and replays what it missed', async () => {
    const resumed = once(discord.gateway, 'resumed');
    discord.gateway.disconnect(CLOSE.UnknownError);
    // Dispatched while disconnected: kept in the session and replayed on RESUME.
    const handled = onNextInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('unexpected');
      await interaction.reply('still here');
    });
    const i = discord.dispatchInteraction(slashCommand({ name: 'ask', options: { question: 'after resume' } }));
    await resumed;
    await handled;
    expect((await i.waitForReply()).content).toBe('still here');
  });

  it('nothing unexpected was called', () => {
    expect(discord.unhandled).toEqual([]);
    expect(discord.internalErrors).toEqual([]);
  });
});
