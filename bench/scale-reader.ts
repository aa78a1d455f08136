/**
 * One reader of the switch test, run by bench/scale-switch.ts:
 * `node --import tsx bench/scale-reader.ts <backend> <location> <questions.json>`.
 * Opens the store and answers the test claims in a loop (cached vectors), following the live
 * version as the bot does: every second, between questions, `liveVersion()`, and `open()` when it
 * changed. After timing each answer it checks it against the version that gave it: the answer
 * names that version, and every quote is an exact slice of that version's document text, under
 * that version's title. Prints JSON lines: `ready`, `switched` (each switch), and `done` (all of
 * it) once a line `stop` arrives on stdin.
 */
import readline from 'node:readline';
import type { BackendKind, IndexVersion } from '../src/index/backend.js';
import type { StoredDocument } from '../src/index/snapshot.js';
import { answerFromVector, type Answer } from '../src/search/answer.js';
import { readQuestions } from './scale-queries.js';
import { answerSettings, storeAt, wallMs } from './scale-store.js';

const FOLLOW_EVERY_MS = 1000;
/** How long a replaced version stays open for nothing (the bot keeps it a minute for answers in flight). */
const RETIRE_AFTER_MS = 5000;

export interface ReaderQuestion {
  /** Wall-clock ms when the question started, and how long it took. */
  readonly at: number;
  readonly ms: number;
  readonly version: string;
}

export interface ReaderSwitch {
  readonly from: string;
  readonly to: string;
  /** Wall-clock ms when the new version started serving; open() took `openMs`. */
  readonly at: number;
  readonly openMs: number;
}

export interface ReaderDone {
  readonly questions: ReaderQuestion[];
  readonly switches: ReaderSwitch[];
  quotesChecked: number;
  /** Answers whose version was not the one they were asked of, or whose quotes were not exact slices of it. */
  readonly badAnswers: string[];
  readonly errors: string[];
}

const [backend, location, questionsFile] = process.argv.slice(2) as [BackendKind, string, string];
const questions = readQuestions(questionsFile).test;
const settings = answerSettings(readQuestions(questionsFile).modelId);
const store = storeAt(backend, location);
const send = (event: string, body: object) => process.stdout.write(JSON.stringify({ event, ...body }) + '\n');

let stopping = false;
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'stop') stopping = true;
});

let index = (await store.open()).index;
send('ready', { version: index.version, at: wallMs() });

const done: ReaderDone = { questions: [], switches: [], quotesChecked: 0, badAnswers: [], errors: [] };
const documents = new Map<string, Promise<StoredDocument | undefined>>();
let followedAt = performance.now();
for (let i = 0; !stopping; i++) {
  try {
    if (performance.now() - followedAt >= FOLLOW_EVERY_MS) {
      followedAt = performance.now();
      await follow();
    }
    const q = questions[i % questions.length]!;
    const serving = index;
    const at = wallMs();
    const started = performance.now();
    const answer = await answerFromVector(serving, q.text, q.vector, settings);
    done.questions.push({ at, ms: performance.now() - started, version: answer.version });
    await check(serving, answer);
  } catch (error) {
    done.errors.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  // Let stdin's `stop` (and the timers) in: an embedded version answers without ever yielding.
  await new Promise((resolve) => setImmediate(resolve));
}
index.close?.();
process.stdout.write(JSON.stringify({ event: 'done', ...done }) + '\n', () => process.exit(0));

async function follow(): Promise<void> {
  const live = await store.liveVersion();
  if (!live || live === index.version) return;
  const started = performance.now();
  const next = (await store.open()).index;
  const old = index;
  index = next;
  const change: ReaderSwitch = { from: old.version, to: next.version, at: wallMs(), openMs: performance.now() - started };
  done.switches.push(change);
  send('switched', change);
  setTimeout(() => old.close?.(), RETIRE_AFTER_MS).unref();
}

async function check(version: IndexVersion, answer: Answer): Promise<void> {
  const problems: string[] = [];
  if (answer.version !== version.version) problems.push(`answered as ${answer.version} from ${version.version}`);
  for (const quote of [...answer.quotes, ...answer.closest]) {
    const key = `${version.version}\0${quote.docId}`;
    if (!documents.has(key)) documents.set(key, version.document(quote.docId));
    const doc = await documents.get(key)!;
    done.quotesChecked++;
    if (!doc) problems.push(`${quote.docId} is not in ${version.version}`);
    else if (doc.text.slice(quote.start, quote.end) !== quote.text) problems.push(`quote ${quote.docId}[${quote.start}, ${quote.end}) is not a slice of its text in ${version.version}`);
    else if (doc.title !== quote.title) problems.push(`quote of ${quote.docId} titled '${quote.title}', in ${version.version} '${doc.title}'`);
  }
  if (problems.length) done.badAnswers.push(`${answer.question.slice(0, 60)}: ${problems.join('; ')}`);
}
