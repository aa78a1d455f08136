/**
 * One cold reader, run by bench/scale-cold.ts in a fresh process:
 * `node --import tsx bench/scale-child.ts <backend> <location> <questions.json> <count>`.
 * Opens the store, answers the first test claim (from its cached vector: no model is loaded),
 * then the next ones up to `count`, and prints one JSON line: ms since the process started at
 * each step, and VmRSS / VmHWM after the last answer.
 */
import type { BackendKind } from '../src/index/backend.js';
import { answerFromVector } from '../src/search/answer.js';
import { readQuestions } from './scale-queries.js';
import { answerSettings, memory, storeAt } from './scale-store.js';

const importedMs = performance.now();
const [backend, location, questionsFile, count] = process.argv.slice(2) as [BackendKind, string, string, string];
const questions = readQuestions(questionsFile);
const settings = answerSettings(questions.modelId);
const readMs = performance.now();
const { index } = await storeAt(backend, location).open();
const openedMs = performance.now();
const first = questions.test[0]!;
const answer = await answerFromVector(index, first.text, first.vector, settings);
const answeredMs = performance.now();
for (const q of questions.test.slice(1, Number(count))) await answerFromVector(index, q.text, q.vector, settings);
const doneMs = performance.now();
process.stdout.write(
  JSON.stringify({ importedMs, readMs, openedMs, answeredMs, doneMs, questions: Math.min(Number(count), questions.test.length), answered: answer.answered, passages: index.manifest.passageCount, ...memory() }) + '\n',
);
index.close?.();
process.exit(0);
