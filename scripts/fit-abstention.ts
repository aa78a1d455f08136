/**
 * Studies and calibrates near-miss abstention (src/search/abstain.ts): `npm run fit:abstention`.
 *
 * SQuAD v2.0 dev has 5,945 questions written against a paragraph that does not answer them,
 * beside 5,928 it answers: questions on the corpus's own subject whose answer it lacks. The
 * script asks them all through the bot's own ranking (explainQuestion), computes candidate
 * signals of a near miss from what would be quoted, prints how well each separates the two kinds
 * (AUC), fits a logistic model on the articles at even positions, and reports, on the odd ones,
 * the share of unanswerable questions declined at the threshold that declines at most 5% of
 * answerable questions on the fitting half.
 *
 * Options: --bench DIR (../shared/bench/squad), --cache DIR (.squad-v2), --sample N, --features a,b,c.
 */
import fs from 'node:fs';
import path from 'node:path';
import { nearMissScore, nearMissSignals, NEAR_MISS_MODEL, type NearMissSignals } from '../src/search/abstain.js';
import { explainQuestion, validateQuestion } from '../src/search/answer.js';
import { fitLogistic } from './lib/logistic.js';
import { cachedQueryVectors } from './lib/queryCache.js';
import { openFitting } from './lib/setup.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const benchDir = path.resolve(option('--bench', '../shared/bench/squad'));
const workDir = path.resolve(option('--cache', '.squad-v2'));
const sample = Number(option('--sample', '0'));

const { footnote, index, embedder, position } = await openFitting(workDir, path.join(benchDir, 'corpus-v2.jsonl'));
const config = footnote.config;

interface V2Question {
  id: string;
  question: string;
  docId: string;
  answerable: boolean;
}
let questions = fs
  .readFileSync(path.join(benchDir, 'questions-v2.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as V2Question);
if (sample > 0) questions = questions.filter((_, i) => i % Math.max(1, Math.floor(questions.length / sample)) === 0);

interface Row {
  train: boolean;
  answerable: boolean;
  signals: NearMissSignals;
  passageEvidence: number;
}
const rows: Row[] = [];
const started = performance.now();
const asked = questions.map((q) => validateQuestion(q.question));
const vectors = await cachedQueryVectors(embedder, asked, workDir, (n) => process.stderr.write(`\rembedding ${n}/${asked.length}`));
for (const [n, q] of questions.entries()) {
  const vector = vectors[n]!;
  const explained = await explainQuestion(index, asked[n]!, vector, { limit: config.maxQuotes });
  rows.push({
    train: position.get(q.docId)! % 2 === 0,
    answerable: q.answerable,
    signals: nearMissSignals(explained.view, asked[n]!, explained),
    passageEvidence: explained.quotes[0]?.evidence ?? 0,
  });
  if (n % 200 === 0) process.stderr.write(`\rquestions ${n}/${questions.length}`);
}
process.stderr.write(`\r${questions.length} questions in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);

const names = Object.keys(rows[0]!.signals) as (keyof NearMissSignals)[];
const chosen = (option('--features', names.join(',')).split(',') as (keyof NearMissSignals)[]).filter((n) => names.includes(n));

/** Probability that an answerable question outscores an unanswerable one. */
function auc(scores: readonly { s: number; positive: boolean }[]): number {
  const sorted = [...scores].sort((a, b) => a.s - b.s);
  let rankSum = 0;
  let positives = 0;
  sorted.forEach((x, i) => {
    if (x.positive) {
      rankSum += i + 1;
      positives++;
    }
  });
  const negatives = sorted.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

console.log(`questions: ${rows.length} (${rows.filter((r) => !r.answerable).length} unanswerable)`);
console.log('AUC of each signal (answerable above unanswerable), all questions:');
for (const name of names) console.log(`  ${name.padEnd(18)} ${auc(rows.map((r) => ({ s: r.signals[name], positive: r.answerable }))).toFixed(3)}`);
console.log(`  passage answerability ${auc(rows.map((r) => ({ s: r.passageEvidence, positive: r.answerable }))).toFixed(3)}`);

function fit(train: readonly Row[]): { bias: number; w: number[] } {
  const [bias, ...w] = fitLogistic(train.map((r) => chosen.map((n) => r.signals[n])), train.map((r) => r.answerable));
  return { bias: bias!, w };
}

const train = rows.filter((r) => r.train);
const test = rows.filter((r) => !r.train);
const model = fit(train);
const score = (r: Row) => model.bias + chosen.reduce((a, n, k) => a + model.w[k]! * r.signals[n], 0);
const inCode = (r: Row) => nearMissScore(r.signals);

function thresholdFor(set: readonly Row[], f: (r: Row) => number, falseDecline: number): number {
  const answerable = set.filter((r) => r.answerable).map(f).sort((a, b) => a - b);
  return answerable[Math.floor(falseDecline * answerable.length)] ?? -Infinity;
}
function rates(set: readonly Row[], f: (r: Row) => number, threshold: number) {
  const un = set.filter((r) => !r.answerable);
  const an = set.filter((r) => r.answerable);
  const pct = (x: number, n: number) => `${((100 * x) / n).toFixed(1)}%`;
  return `unanswerable declined ${pct(un.filter((r) => f(r) < threshold).length, un.length)}, answerable falsely declined ${pct(an.filter((r) => f(r) < threshold).length, an.length)}`;
}
console.log(`\nfitted on ${train.length} (even articles): bias ${model.bias.toFixed(3)}, ${chosen.map((n, k) => `${n} ${model.w[k]!.toFixed(3)}`).join(', ')}`);
console.log(`AUC held out (${test.length}): fitted ${auc(test.map((r) => ({ s: score(r), positive: r.answerable }))).toFixed(3)}, in the code ${auc(test.map((r) => ({ s: inCode(r), positive: r.answerable }))).toFixed(3)}`);
for (const target of [0.03, 0.04, 0.05]) {
  const t = thresholdFor(train, score, target);
  console.log(`  ≤${target * 100}% false declines on the fitting half → threshold ${t.toFixed(3)}: held out ${rates(test, score, t)}`);
}
console.log(`  the code's threshold ${NEAR_MISS_MODEL.threshold}: held out ${rates(test, inCode, NEAR_MISS_MODEL.threshold)}; fitting half ${rates(train, inCode, NEAR_MISS_MODEL.threshold)}`);
console.log(`\nexport const NEAR_MISS_MODEL = ${JSON.stringify({ bias: Math.round(model.bias * 1000) / 1000, weights: Object.fromEntries(chosen.map((n, k) => [n, Math.round(model.w[k]! * 1000) / 1000])) }, null, 2)};`);
