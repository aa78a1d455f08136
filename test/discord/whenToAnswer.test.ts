import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { clientOptions } from '../../src/discord/client.js';
import { readsAllMessages } from '../../src/discord/login.js';
import {
  answersInMode,
  contentTerms,
  followUpQuestion,
  forumQuestion,
  hasSomeLength,
  isStarterNotReady,
  MAX_CONTEXT_TERMS,
  readsAsQuestion,
  replyModeOf,
  SeenIds,
  ThreadQuestions,
  withRetries,
} from '../../src/discord/whenToAnswer.js';
import { FootnoteError } from '../../src/errors.js';
import { GatewayIntentBits } from 'discord.js';

const CHANNEL = '123456789012345678';
const OTHER = '223456789012345678';

describe('readsAsQuestion', () => {
  it.each([
    'What did Lightfoot tell ICE?',
    'did the mayor sign the order',
    'how does the police reform blueprint handle complaints',
    'Can police officers help immigration agents',
    'Is there a deadline for the report',
    'the mayor said something about ICE?',
    'the mayor said something about ICE? 🤔',
    'the mayor said something about ICE?!',
    'hey all, what did the mayor say about ICE',
    'Hello everyone! Does anyone know when the blueprint was published?',
    "doesn't the order apply to CPD",
    '<@123456789012345678> who wrote the blueprint',
  ])('"%s" reads as a question', (text) => {
    expect(readsAsQuestion(text)).toBe(true);
  });

  it.each([
    'hello',
    'hey everyone!',
    'good morning all',
    'how are you?',
    "what's up everyone?",
    'why?',
    'how so?',
    'I read the blueprint yesterday.',
    'The mayor signed the order.',
    'thanks, that helps a lot',
    '',
    '<@123456789012345678> <#223456789012345678>',
    'lol 😂😂',
    'https://example.org/what?',
  ])('"%s" does not', (text) => {
    expect(readsAsQuestion(text)).toBe(false);
  });
});

describe('answersInMode', () => {
  it('GIVEN mention mode or no mode THEN no unaddressed message is answered', () => {
    expect(answersInMode('mention', 'What did Lightfoot tell ICE?')).toBe(false);
    expect(answersInMode(undefined, 'What did Lightfoot tell ICE?')).toBe(false);
  });

  it('GIVEN questions mode THEN questions only', () => {
    expect(answersInMode('questions', 'What did Lightfoot tell ICE?')).toBe(true);
    expect(answersInMode('questions', 'Lightfoot told the police not to help ICE.')).toBe(false);
  });

  it('GIVEN all mode THEN every message of some length, greetings and small talk aside', () => {
    expect(answersInMode('all', 'Lightfoot told the police not to help ICE.')).toBe(true);
    expect(answersInMode('all', 'same here')).toBe(false);
    expect(answersInMode('all', 'hello everyone, how are you today?')).toBe(false);
    expect(hasSomeLength('good morning all')).toBe(false);
  });
});

describe('replyModeOf', () => {
  it('listed channels have their mode; any other channel (threads included) only mentions', () => {
    const modes = { [CHANNEL]: 'questions' as const };
    expect(replyModeOf(modes, CHANNEL)).toBe('questions');
    expect(replyModeOf(modes, OTHER)).toBe('mention');
    expect(replyModeOf(modes, 'constructor')).toBe('mention');
  });
});

describe('forumQuestion', () => {
  it('joins the title and the first message, a full stop between them', () => {
    expect(forumQuestion('Lightfoot and ICE', 'What did she tell the police?')).toBe('Lightfoot and ICE. What did she tell the police?');
    expect(forumQuestion('Lightfoot and ICE?', 'What did she tell the police?')).toBe('Lightfoot and ICE? What did she tell the police?');
  });

  it('leaves out a body that repeats the title, an empty body, and mentions and links', () => {
    expect(forumQuestion('What did Lightfoot tell ICE?', 'What did Lightfoot tell ICE? Thanks')).toBe('What did Lightfoot tell ICE? Thanks');
    expect(forumQuestion('What did Lightfoot tell ICE?', '')).toBe('What did Lightfoot tell ICE?');
    expect(forumQuestion('ICE', '<@123456789012345678> see https://example.org what did she say')).toBe('ICE. see what did she say');
  });
});

describe('followUpQuestion', () => {
  it('GIVEN a thread question THEN its content terms the follow-up lacks come after it, in brackets', () => {
    expect(followUpQuestion('Did Lightfoot tell the police not to help ICE?', 'What about the budget?')).toBe('What about the budget? (lightfoot police help ice)');
  });

  it('adds nothing the follow-up already says, and nothing without a thread question', () => {
    expect(followUpQuestion('Did Lightfoot tell the police not to help ICE?', 'Did Lightfoot help the police and ICE?')).toBe('Did Lightfoot help the police and ICE?');
    expect(followUpQuestion(undefined, '  What about   the budget? ')).toBe('What about the budget?');
  });

  it(`adds at most ${MAX_CONTEXT_TERMS} terms, in their order`, () => {
    const starter = Array.from({ length: 30 }, (_, i) => `term${i}`).join(' ');
    const question = followUpQuestion(starter, 'and then?');
    expect(question).toBe(`and then? (${Array.from({ length: MAX_CONTEXT_TERMS }, (_, i) => `term${i}`).join(' ')})`);
  });

  it('contentTerms: lower-cased, each once, stop words, possessives and punctuation dropped', () => {
    expect(contentTerms("What did the Mayor's office say about the Mayor, ICE and ICE?")).toEqual(['mayor', 'office', 'ice']);
  });
});

describe('SeenIds and ThreadQuestions', () => {
  it('an id is new once; the oldest are forgotten beyond the bound', () => {
    const seen = new SeenIds(2);
    expect(seen.firstTime('a')).toBe(true);
    expect(seen.firstTime('a')).toBe(false);
    expect(seen.firstTime('b')).toBe(true);
    expect(seen.firstTime('c')).toBe(true);
    expect(seen.firstTime('b')).toBe(false);
    expect(seen.firstTime('a')).toBe(true);
  });

  it('remembers the question of each thread, the oldest forgotten beyond the bound', () => {
    const threads = new ThreadQuestions(2);
    threads.remember('t1', 'q1');
    threads.remember('t2', 'q2');
    threads.remember('t3', 'q3');
    expect(threads.starter('t1')).toBeUndefined();
    expect(threads.starter('t2')).toBe('q2');
    expect(threads.starter('t3')).toBe('q3');
  });
});

describe('withRetries', () => {
  const notYet = Object.assign(new Error('Unknown Message'), { code: 10008 });

  it('retries while the starter message is not there yet, waiting the given delays', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetries(
      async () => {
        if (++calls < 3) throw notYet;
        return 'starter';
      },
      isStarterNotReady,
      [10, 20, 40],
      async (ms) => waits.push(ms),
    );
    expect(result).toBe('starter');
    expect(waits).toEqual([10, 20]);
  });

  it('gives up after the last delay, and at once on another error', async () => {
    const waits: number[] = [];
    await expect(withRetries(() => Promise.reject(notYet), isStarterNotReady, [1, 2], async (ms) => waits.push(ms))).rejects.toBe(notYet);
    expect(waits).toEqual([1, 2]);
    const forbidden = Object.assign(new Error('Missing Access'), { code: 50001 });
    await expect(withRetries(() => Promise.reject(forbidden), isStarterNotReady, [1, 2], async (ms) => waits.push(ms))).rejects.toBe(forbidden);
    expect(waits).toEqual([1, 2]);
    expect(isStarterNotReady({ code: 40058 })).toBe(true);
    expect(isStarterNotReady(null)).toBe(false);
  });
});

describe('configuration: REPLY_MODES, ANSWER_FORUMS, FORUM_SAY_UNANSWERED', () => {
  it('reads channelId:mode entries, forum ids and the flag', () => {
    const config = loadConfig({ REPLY_MODES: ` ${CHANNEL}:questions, ${OTHER}:ALL `, ANSWER_FORUMS: `${OTHER}`, FORUM_SAY_UNANSWERED: 'true' }, '/project');
    expect(config.discord.replyModes).toEqual({ [CHANNEL]: 'questions', [OTHER]: 'all' });
    expect(config.discord.answerForums).toEqual([OTHER]);
    expect(config.discord.forumSayUnanswered).toBe(true);
    expect(Object.isFrozen(config.discord.replyModes)).toBe(true);
  });

  it('reports bad entries, naming the variable', () => {
    let error: unknown;
    try {
      loadConfig({ REPLY_MODES: `${CHANNEL}:sometimes,general:all,${OTHER}`, ANSWER_FORUMS: 'forum', FORUM_SAY_UNANSWERED: 'maybe' }, '/project');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FootnoteError);
    const message = (error as FootnoteError).message;
    expect(message).toContain(
      `REPLY_MODES: expected comma-separated channelId:mode entries (a Discord id of 15-21 digits, mode one of mention, questions, all; one mode per channel), got '${CHANNEL}:sometimes, general:all, ${OTHER}'`,
    );
    expect(message).toContain("ANSWER_FORUMS: expected comma-separated Discord ids (digits), got 'forum'");
    expect(message).toContain("FORUM_SAY_UNANSWERED: expected true or false, got 'maybe'");
  });

  it('refuses two modes for one channel', () => {
    expect(() => loadConfig({ REPLY_MODES: `${CHANNEL}:all,${CHANNEL}:questions` }, '/project')).toThrow(/REPLY_MODES: .*got '123456789012345678:questions'/);
  });

  it('GIVEN neither THEN the bot asks for no privileged intent; GIVEN either THEN for Message Content', () => {
    const intentsOf = (env: Record<string, string>) => clientOptions(loadConfig(env, '/project')).intents;
    expect(intentsOf({})).toEqual([GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);
    expect(readsAllMessages(loadConfig({ REPLY_MODES: `${CHANNEL}:mention` }, '/project'))).toBe(false);
    expect(intentsOf({ REPLY_MODES: `${CHANNEL}:questions` })).toContain(GatewayIntentBits.MessageContent);
    expect(intentsOf({ ANSWER_FORUMS: CHANNEL })).toContain(GatewayIntentBits.MessageContent);
  });
});
