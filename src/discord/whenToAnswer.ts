/**
 * The decisions behind answering where members ask (forum posts, channels in a reply mode,
 * follow-ups in a thread), as pure functions: no discord.js types, so they are tested alone.
 */
import type { ReplyMode } from '../config.js';

/** Fewer words than this never read as a question ("why?", "how so?"): too little to search with. */
export const MIN_QUESTION_WORDS = 3;
/** In `all` mode a message needs this many words to be worth an answer ("lol", "same here" are not). */
export const MIN_MESSAGE_WORDS = 5;
/** Starter-question terms added to a follow-up at most: enough for the subject, not enough to drown it. */
export const MAX_CONTEXT_TERMS = 12;

const QUESTION_STARTS = new Set(
  (
    'how what why when where who whom whose which whats what\'s hows how\'s wheres where\'s whos who\'s ' +
    'can could does do did is are was were will would should shall may might must has have had am ' +
    'isn\'t aren\'t wasn\'t weren\'t doesn\'t don\'t didn\'t can\'t couldn\'t won\'t wouldn\'t shouldn\'t hasn\'t haven\'t ' +
    'anyone anybody somebody someone'
  ).split(' '),
);

/** Openings that greet rather than ask; stripped before judging what follows them. */
const GREETING = /^(?:hi|hello|hey|heya|hiya|yo|howdy|greetings|good (?:morning|afternoon|evening|night)|gm|morning|evening|thanks|thank you|thx|ty)\b(?:\s+(?:all|everyone|everybody|folks|there|guys|team|y'all))?[\s,.!:;-]*/i;
/** Small talk that looks like a question but asks nothing of the corpus. */
const SMALL_TALK = /^(?:how (?:are|r) (?:you|u|ya|we|things|y'all)|how's it going|hows it going|how is it going|how are things|what's up|whats up|wassup|sup|how have you been|how do you do)\b/i;

/** The words of a message with Discord markup removed: mentions, channel links, custom emoji, URLs, code. */
export function plainWords(text: string): string[] {
  const plain = text
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/<(?:@[!&]?|#)\d+>/g, ' ')
    .replace(/<a?:\w+:\d+>/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ');
  return plain.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word));
}

function withoutGreeting(text: string): string {
  return text.trim().replace(GREETING, '').trim();
}

/**
 * Whether a message reads as a question: after any greeting ("hey all, …"), at least
 * MIN_QUESTION_WORDS words that end with "?" (trailing emoji, quotes or brackets aside) or start
 * with a question word or auxiliary (how, what, why, can, does, is…). Small talk ("how are you?")
 * and bare greetings do not.
 */
export function readsAsQuestion(text: string): boolean {
  const rest = withoutGreeting(text.replace(/<(?:@[!&]?|#)\d+>/g, ' '));
  if (SMALL_TALK.test(rest)) return false;
  const words = plainWords(rest);
  if (words.length < MIN_QUESTION_WORDS) return false;
  const tail = rest.replace(/(?:<a?:\w+:\d+>|[\s)"'’”\]*_~!.]|\p{Extended_Pictographic})+$/u, '');
  if (tail.endsWith('?') || tail.endsWith('？')) return true;
  const first = words[0]!.toLowerCase().replace(/[’]/g, "'").replace(/[^\p{L}']/gu, '');
  return QUESTION_STARTS.has(first);
}

/** Whether a message is long enough to answer in `all` mode: MIN_MESSAGE_WORDS words, greeting aside. */
export function hasSomeLength(text: string): boolean {
  const rest = withoutGreeting(text);
  return !SMALL_TALK.test(rest) && plainWords(rest).length >= MIN_MESSAGE_WORDS;
}

/** Whether a channel's reply mode answers this (non-mention) message. `mention` answers none of them. */
export function answersInMode(mode: ReplyMode | undefined, text: string): boolean {
  if (mode === 'questions') return readsAsQuestion(text);
  if (mode === 'all') return hasSomeLength(text);
  return false;
}

/**
 * A channel's reply mode: only channels listed in REPLY_MODES have one (threads do not inherit
 * their parent's: a thread is a conversation, answered through mentions and follow-ups).
 */
export function replyModeOf(modes: Readonly<Record<string, ReplyMode>>, channelId: string): ReplyMode {
  return Object.hasOwn(modes, channelId) ? modes[channelId]! : 'mention';
}

/**
 * The question of a forum post: its title, then its starter message (mentions and links
 * removed). The body is left out when it only repeats the title.
 */
export function forumQuestion(title: string, body: string): string {
  const cleanTitle = title.replace(/\s+/g, ' ').trim();
  const cleanBody = plainWords(body).join(' ');
  if (!cleanBody || cleanBody.toLowerCase().startsWith(cleanTitle.toLowerCase())) return cleanBody || cleanTitle;
  if (!cleanTitle) return cleanBody;
  return /[.?!:;]$/.test(cleanTitle) ? `${cleanTitle} ${cleanBody}` : `${cleanTitle}. ${cleanBody}`;
}

const STOP_WORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers him his how i if in ' +
    'into is it its itself just me more most my no nor not now of off on once only or other our ours out over own same she should ' +
    'so some such than that the their theirs them then there these they this those through to too under until up very was we were ' +
    'what when where which while who whom whose why will with would you your yours anyone anybody someone please thanks know tell ' +
    'said say says get got think thought really also any'
  ).split(' '),
);

/** Lower-cased content words, in order, each once. */
export function contentTerms(text: string): string[] {
  const seen = new Set<string>();
  for (const word of plainWords(text)) {
    const term = word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').replace(/['’]s$/, '');
    if (term.length < 2 || STOP_WORDS.has(term) || seen.has(term)) continue;
    seen.add(term);
  }
  return [...seen];
}

/**
 * The retrieval question for a follow-up in a thread: the new question first, then the content
 * words of the thread's starter question that the new question lacks (at most MAX_CONTEXT_TERMS,
 * in their order), in brackets. "What about the budget?" after "Did Lightfoot tell police not to
 * help ICE?" becomes "What about the budget? (lightfoot police help ice)": the dense and lexical
 * searches both see the thread's subject, while the new question, first and whole, still leads.
 * Without a starter (or nothing new in it), the follow-up alone.
 */
export function followUpQuestion(starter: string | undefined, followUp: string): string {
  const question = followUp.replace(/\s+/g, ' ').trim();
  if (!starter) return question;
  const asked = new Set(contentTerms(question));
  const added = contentTerms(starter).filter((term) => !asked.has(term)).slice(0, MAX_CONTEXT_TERMS);
  return added.length ? `${question} (${added.join(' ')})` : question;
}

/**
 * Ids already handled, so a message or a post is never answered twice (a gateway RESUME replays
 * events; a member's edit or a second delivery must not answer again). Bounded: the oldest ids
 * are forgotten first, long after any replay could bring them back.
 */
export class SeenIds {
  private readonly ids = new Set<string>();
  constructor(private readonly max = 10_000) {}

  /** True the first time `id` is seen, false ever after (until it is forgotten). */
  firstTime(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}

/** The question each answered thread started with, for its follow-ups. Bounded like SeenIds. */
export class ThreadQuestions {
  private readonly questions = new Map<string, string>();
  constructor(private readonly max = 10_000) {}

  remember(threadId: string, question: string): void {
    this.questions.delete(threadId);
    this.questions.set(threadId, question);
    if (this.questions.size > this.max) this.questions.delete(this.questions.keys().next().value!);
  }

  starter(threadId: string): string | undefined {
    return this.questions.get(threadId);
  }
}

/** Waits between attempts to fetch a forum post's starter message (which can lag its thread). */
export const STARTER_RETRY_DELAYS_MS: readonly number[] = [250, 500, 1000, 2000, 4000];

/**
 * Calls `attempt` until it succeeds, waiting `delays[i]` before retry i+1 while `retryable`
 * says the error may pass; the last error (or a non-retryable one) is thrown.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  retryable: (error: unknown) => boolean,
  delays: readonly number[] = STARTER_RETRY_DELAYS_MS,
  sleep: (ms: number) => Promise<unknown> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= delays.length || !retryable(error)) throw error;
      await sleep(delays[i]!);
    }
  }
}

/** Discord's "Unknown Message" (10008) and 40058 ("cannot be fetched yet"): a starter message not there yet. */
export const STARTER_NOT_READY_CODES: ReadonlySet<number> = new Set([10008, 40058]);

export function isStarterNotReady(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && STARTER_NOT_READY_CODES.has(code);
}
