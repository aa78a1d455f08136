/**
 * Answers where members ask (issue 12): forum posts in ANSWER_FORUMS answered in their thread,
 * channels in a REPLY_MODES mode, and follow-ups in an answered thread; the real bot and model
 * against the Discord stand-in (forum channels, THREAD_CREATE then the starter message).
 */
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unescapeMarkdown } from '../../src/format/markdown.js';
import { WORDING } from '../../src/format/wording.js';
import type { Footnote } from '../../src/service.js';
import { cachedFootnote } from '../helpers/footnote.js';
import { createWorkspace, removeTempDirs, type Workspace } from '../helpers/workspace.js';
import { actor, defaultGuild, guildMessage, IDS, MEMBER, mentionMessage, type GuildInit } from './discord-standin/index.js';
import { expectCleanRun, expectNoPings, expectVerbatim, logRecords, MODEL_WAIT_MS, shownQuotes, startBotRun, type BotRun } from './helpers.js';

const FORUM = '1000000000000000210';
const UNLISTED_FORUM = '1000000000000000211';
const QUESTIONS = '1000000000000000212';
const ICE_ARTICLE = 'corpus/lightfoot-tells-police-not-to-assist-ice.txt';
/** Members of their own, each within QUESTIONS_PER_MINUTE (answers beyond it are silently not posted). */
let nextMember = 0;
const aMember = () => actor({ id: `10000000000000005${String(nextMember++).padStart(2, '0')}` });
const UNANSWERABLE = { title: 'Sourdough timing', content: 'How long should sourdough bread proof at room temperature before baking?' };

function guildWithForums(): GuildInit {
  const base = defaultGuild();
  return defaultGuild({
    channels: [
      ...base.channels!,
      { id: FORUM, name: 'ask-the-archive', type: 15, topic: 'Questions answered from the corpus' },
      { id: UNLISTED_FORUM, name: 'off-topic-forum', type: 15 },
      { id: QUESTIONS, name: 'questions', topic: 'Questions here are answered' },
    ],
  });
}

let ws: Workspace;
let footnote: Footnote;

beforeAll(async () => {
  ws = createWorkspace({ seed: true });
  footnote = await cachedFootnote(ws.config());
});

afterAll(removeTempDirs);

const isPostIn = (channelId: string) => (r: { method: string; route: string | null; params: Record<string, string> }) =>
  r.method === 'POST' && r.route === '/channels/:channelId/messages' && r.params.channelId === channelId;

/** Resolves once the bot logged a line matching `predicate`. */
async function waitForLog(run: BotRun, predicate: (record: Record<string, unknown>) => boolean, timeoutMs = MODEL_WAIT_MS): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = logRecords(run).find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('no matching log line');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const declined = (record: Record<string, unknown>) => String(record.msg ?? record.message ?? '').startsWith('unaddressed question not answered: nothing');

describe('forum posts and reply modes (ANSWER_FORUMS, REPLY_MODES)', () => {
  let run: BotRun;
  beforeAll(async () => {
    run = await startBotRun({
      workspace: ws,
      footnote,
      env: { ANSWER_FORUMS: FORUM, REPLY_MODES: `${QUESTIONS}:questions` },
      standin: { guilds: [guildWithForums()] },
    });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('asks for the Message Content intent', () => {
    expect(run.standin.identifies.at(-1)!.intents & (1 << 15)).toBe(1 << 15);
  });

  let answeredThread: string;

  it('a new forum post is answered in its thread with the quotes, title and first message as the question', async () => {
    const post = await run.standin.createForumPost({ forumId: FORUM, title: 'Lightfoot and ICE', content: 'What did Lightfoot tell the police about ICE?' });
    expect(post.threadDeliveredTo).toBe(1);
    expect(post.starter.contentVisible).toBe(true);
    answeredThread = post.thread.id;
    const sent = await run.standin.waitFor(isPostIn(post.thread.id), MODEL_WAIT_MS);
    expect(sent.status).toBe(200);
    const reply = sent.response as APIMessage;
    expect(reply.content).toBe('Question: Lightfoot and ICE. What did Lightfoot tell the police about ICE?');
    const quotes = shownQuotes(reply);
    expectVerbatim(quotes, ws.root);
    expect(quotes.map((q) => q.source)).toContain(ICE_ARTICLE);
    expect((sent.body as any).allowed_mentions).toEqual({ parse: [], replied_user: false });
    // The same post delivered again (THREAD_CREATE and its first message replayed) is not answered again.
    run.standin.dispatch('THREAD_CREATE', { ...post.thread, newly_created: true });
    run.standin.dispatchMessage(post.starter.message);
    const check = run.standin.dispatchMessage(guildMessage({ channelId: QUESTIONS, content: 'What did Lightfoot tell ICE?', author: aMember() }));
    await run.standin.waitFor((r) => isPostIn(QUESTIONS)(r) && (r.body as any)?.message_reference?.message_id === check.message.id, MODEL_WAIT_MS);
    expect(run.standin.channelMessages(post.thread.id).filter((m) => m.author.id === IDS.bot)).toHaveLength(1);
  });

  it('a post the corpus does not answer is left alone', async () => {
    const post = await run.standin.createForumPost({ forumId: FORUM, ...UNANSWERABLE });
    await waitForLog(run, declined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(run.standin.requestsTo('POST', '/channels/:channelId/messages').filter((r) => r.params.channelId === post.thread.id)).toEqual([]);
  });

  it('a post whose first message arrives late, or cannot be fetched at first, is answered once it can be', async () => {
    const late = await run.standin.createForumPost({ forumId: FORUM, title: 'ICE', content: 'What did Lightfoot tell the police about ICE?', starterDelayMs: 400 });
    const refused = await run.standin.createForumPost({ forumId: FORUM, title: 'ICE and the police', content: 'Did Lightfoot tell police not to assist ICE?', starterUnavailableFetches: 2 });
    for (const post of [late, refused]) {
      await run.standin.waitFor(isPostIn(post.thread.id), MODEL_WAIT_MS);
      const fetches = run.standin.requestsTo('GET', `/channels/${post.thread.id}/messages/${post.thread.id}`);
      expect(fetches.map((f) => f.status)).toEqual([...fetches.slice(0, -1).map(() => 404), 200]);
      expect(fetches.length).toBeGreaterThanOrEqual(2);
      expect((fetches[0]!.response as { code: number }).code).toBe(10008);
      expectVerbatim(shownQuotes(run.standin.channelMessages(post.thread.id).find((m) => m.author.id === IDS.bot)!), ws.root);
    }
    expect(run.standin.requestsTo('GET', `/channels/${refused.thread.id}/messages/${refused.thread.id}`)).toHaveLength(3);
  });

  it('a follow-up mentioning the bot in an answered thread is answered with the thread question as context', async () => {
    const sent = run.standin.dispatchMessage(mentionMessage({ channelId: answeredThread, text: 'Did the mayor sign an order about it?' }));
    const post = await run.standin.waitFor((r) => isPostIn(answeredThread)(r) && (r.body as any)?.message_reference?.message_id === sent.message.id, MODEL_WAIT_MS);
    const reply = post.response as APIMessage;
    expect(unescapeMarkdown(reply.content)).toBe('Question: Did the mayor sign an order about it? (lightfoot ice police)');
    expectVerbatim(shownQuotes(reply), ws.root);
  });

  it('after a restart (the thread question forgotten), a follow-up fetches the post to get it back', async () => {
    // A post the bot saw before it restarted: delivered now as an existing thread (not newly created).
    const thread = run.standin.world.createThread({ parentId: FORUM, name: 'Qualified immunity', type: 11, ownerId: IDS.member });
    run.standin.world.rememberMessage(guildMessage({ id: thread.id, channelId: thread.id, content: 'Did Lightfoot staff lobby against ending qualified immunity?' }) as any);
    run.standin.dispatch('THREAD_CREATE', { ...thread, newly_created: false });
    const sent = run.standin.dispatchMessage(mentionMessage({ channelId: thread.id, text: 'Who did they lobby?', author: aMember() }));
    const post = await run.standin.waitFor((r) => isPostIn(thread.id)(r) && (r.body as any)?.message_reference?.message_id === sent.message.id, MODEL_WAIT_MS);
    expect(unescapeMarkdown((post.response as APIMessage).content)).toBe('Question: Who did they lobby? (qualified immunity lightfoot staff ending)');
    expect(run.standin.requestsTo('GET', `/channels/${thread.id}/messages/${thread.id}`)).toHaveLength(1);
    expect(run.standin.channelMessages(thread.id).filter((m) => m.author.id === IDS.bot)).toHaveLength(1);
  });

  it('a forum not listed, and posts by bots, are ignored', async () => {
    const unlisted = await run.standin.createForumPost({ forumId: UNLISTED_FORUM, title: 'Lightfoot and ICE', content: 'What did Lightfoot tell the police about ICE?' });
    const byBot = await run.standin.createForumPost({ forumId: FORUM, title: 'Lightfoot and ICE', content: 'What did Lightfoot tell ICE?', author: actor({ id: '1000000000000000399', bot: true }) });
    const check = run.standin.dispatchMessage(guildMessage({ channelId: QUESTIONS, content: 'Did Lightfoot tell the police to help ICE?', author: aMember() }));
    await run.standin.waitFor((r) => isPostIn(QUESTIONS)(r) && (r.body as any)?.message_reference?.message_id === check.message.id, MODEL_WAIT_MS);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(run.standin.requestsTo('GET', `/channels/${unlisted.thread.id}/messages/${unlisted.thread.id}`)).toEqual([]);
    for (const post of [unlisted, byBot]) expect(run.standin.requestsTo('POST', '/channels/:channelId/messages').filter((r) => r.params.channelId === post.thread.id)).toEqual([]);
  });

  it('in a questions channel: a question is answered as a reply; a statement, a bot, a webhook, a replay and another channel are not', async () => {
    const before = run.standin.requests.length;
    const statement = run.standin.dispatchMessage(guildMessage({ channelId: QUESTIONS, content: 'Lightfoot told the police not to cooperate with ICE.' }));
    const bot = run.standin.dispatchMessage(guildMessage({ channelId: QUESTIONS, content: 'What did Lightfoot tell ICE?', author: actor({ id: '1000000000000000398', bot: true }) }));
    const webhook = run.standin.dispatchMessage({ ...guildMessage({ channelId: QUESTIONS, content: 'What did Lightfoot tell the police?' }), webhook_id: '1000000000000000397' } as any);
    const elsewhere = run.standin.dispatchMessage(guildMessage({ channelId: IDS.channel, content: 'What did Lightfoot tell the police about ICE?' }));
    const question = run.standin.dispatchMessage(guildMessage({ channelId: QUESTIONS, content: 'hey all, what did Lightfoot tell the police about ICE?', author: aMember() }));
    const mention = run.standin.dispatchMessage(mentionMessage({ channelId: QUESTIONS, text: 'what did Lightfoot tell ICE?', author: aMember() }));
    const post = await run.standin.waitFor((r) => isPostIn(QUESTIONS)(r) && (r.body as any)?.message_reference?.message_id === question.message.id, MODEL_WAIT_MS);
    const reply = post.response as APIMessage;
    expect(reply.content).toBe('Question: hey all, what did Lightfoot tell the police about ICE?');
    expect(shownQuotes(reply).map((q) => q.source)).toContain(ICE_ARTICLE);
    // The same message again (a replay): not answered twice. Then a question the corpus does not answer: silent.
    run.standin.dispatchMessage(question.message);
    run.standin.dispatchMessage(guildMessage({ channelId: QUESTIONS, content: UNANSWERABLE.content }));
    const logged = logRecords(run).filter(declined).length;
    await waitForLog(run, (r) => declined(r) && logRecords(run).filter(declined).length > logged);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const since = run.standin.requests.slice(before);
    const posts = since.filter((r) => r.method === 'POST' && r.route === '/channels/:channelId/messages');
    // The question, and the mention (answered once, as a mention).
    expect(posts.map((p) => (p.body as any)?.message_reference?.message_id).sort()).toEqual([question.message.id, mention.message.id].sort());
    for (const ignored of [statement, bot, webhook, elsewhere]) {
      expect(since.filter((r) => (r.body as any)?.message_reference?.message_id === ignored.message.id)).toEqual([]);
    }
    // Typing is shown for the mention only: a question nobody addressed to the bot may end in silence.
    expect(since.filter((r) => r.route === '/channels/:channelId/typing')).toHaveLength(1);
    expectNoPings(run.standin);
    expectCleanRun(run.standin);
  });
});

describe('rate limit in a questions channel (QUESTIONS_PER_MINUTE=1)', () => {
  let run: BotRun;
  beforeAll(async () => {
    run = await startBotRun({ workspace: ws, footnote, env: { REPLY_MODES: `${QUESTIONS}:questions`, QUESTIONS_PER_MINUTE: '1' }, standin: { guilds: [guildWithForums()] } });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('a member over the limit is not answered, and not told so either', async () => {
    const member = aMember();
    const first = run.standin.dispatchMessage(guildMessage({ channelId: QUESTIONS, content: 'What did Lightfoot tell ICE?', author: member }));
    await run.standin.waitFor((r) => isPostIn(QUESTIONS)(r) && (r.body as any)?.message_reference?.message_id === first.message.id, MODEL_WAIT_MS);
    run.standin.dispatchMessage(guildMessage({ channelId: QUESTIONS, content: 'What did Lightfoot tell the police about ICE?', author: member }));
    await waitForLog(run, (r) => String(r.msg ?? r.message ?? '').includes('over the rate limit'));
    const other = run.standin.dispatchMessage(guildMessage({ channelId: QUESTIONS, content: 'What did Lightfoot tell the police about ICE?', author: aMember() }));
    await run.standin.waitFor((r) => isPostIn(QUESTIONS)(r) && (r.body as any)?.message_reference?.message_id === other.message.id, MODEL_WAIT_MS);
    expect(run.standin.requestsTo('POST', '/channels/:channelId/messages')).toHaveLength(2);
    expectCleanRun(run.standin);
  });
});

describe('Message Content not enabled for the bot', () => {
  it('GIVEN ANSWER_FORUMS THEN Discord refuses the intents (4014), the bot does not start, and the error says which intent to turn on', async () => {
    await expect(
      startBotRun({ workspace: ws, footnote, env: { ANSWER_FORUMS: FORUM }, standin: { guilds: [guildWithForums()], allowedPrivilegedIntents: 0 } }),
    ).rejects.toThrow(/Discord refused the intents the bot asks for \(Guilds, Guild Messages and Message Content, which ANSWER_FORUMS and REPLY_MODES \(questions, all\) need\. Turn on "Message Content Intent"/);
  });
});

describe('FORUM_SAY_UNANSWERED=true', () => {
  let run: BotRun;
  beforeAll(async () => {
    run = await startBotRun({ workspace: ws, footnote, env: { ANSWER_FORUMS: FORUM, FORUM_SAY_UNANSWERED: 'true' }, standin: { guilds: [guildWithForums()] } });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('says once that nothing in the corpus answers the post', async () => {
    const post = await run.standin.createForumPost({ forumId: FORUM, ...UNANSWERABLE });
    const sent = await run.standin.waitFor(isPostIn(post.thread.id), MODEL_WAIT_MS);
    expect((sent.response as APIMessage).content).toBe(WORDING.noAnswer);
    expect((sent.response as APIMessage).embeds).toEqual([]);
    run.standin.dispatchMessage(post.starter.message);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(run.standin.channelMessages(post.thread.id).filter((m) => m.author.id === IDS.bot)).toHaveLength(1);
    expectCleanRun(run.standin);
  });
});

describe('follow-ups in a REPLY_IN_THREAD thread', () => {
  let run: BotRun;
  beforeAll(async () => {
    run = await startBotRun({ workspace: ws, footnote, env: { REPLY_IN_THREAD: 'true' } });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('asks for no privileged intent, and answers a follow-up with the thread question as context', async () => {
    expect(run.standin.identifies.at(-1)!.intents & (1 << 15)).toBe(0);
    run.standin.dispatchMessage(mentionMessage({ text: 'What did Lightfoot tell ICE?', author: MEMBER }));
    const start = await run.standin.waitFor((r) => r.method === 'POST' && r.route === '/channels/:channelId/messages/:messageId/threads', MODEL_WAIT_MS);
    const threadId = (start.response as { id: string }).id;
    await run.standin.waitFor(isPostIn(threadId), MODEL_WAIT_MS);
    const followUp = run.standin.dispatchMessage(mentionMessage({ channelId: threadId, text: 'and what about the police?' }));
    const post = await run.standin.waitFor((r) => isPostIn(threadId)(r) && (r.body as any)?.message_reference?.message_id === followUp.message.id, MODEL_WAIT_MS);
    expect(unescapeMarkdown((post.response as APIMessage).content)).toBe('Question: and what about the police? (lightfoot ice)');
    expectVerbatim(shownQuotes(post.response as APIMessage), ws.root);
    expectCleanRun(run.standin);
  });
});
