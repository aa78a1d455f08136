/**
 * Fits the sentence-ranking weights (src/search/sentenceWeights.ts): `npm run fit:sentences`.
 *
 * Indexes SQuAD v1.1 dev (48 Wikipedia articles; cached in .squad/ like `npm run eval:squad`),
 * asks its 10,570 questions through the bot's own retrieval, and collects every candidate
 * sentence of the top passages with its features and whether it holds an answer (contains an
 * answer text, or overlaps an answer span of the gold article). A conditional-logit model (a
 * softmax over each question's candidates, the answering sentences as the target) is fitted on
 * the articles at even positions; top-1 / top-3 sentence hit rates are printed for both halves,
 * for the fitted weights and for the weights in the code, so a fit that does not generalise to
 * the held-out half shows. Prints the weights as TypeScript to paste into sentenceWeights.ts.
 *
 * Options: --bench DIR (../shared/bench/squad), --sample N (every k-th question), --l2 X (0.01).
 */
import fs from 'node:fs';
import path from 'node:path';
import { explainQuestion, validateQuestion } from '../src/search/answer.js';
import type { SentenceFeatures } from '../src/search/sentences.js';
import { SENTENCE_WEIGHTS } from '../src/search/sentenceWeights.js';
import { WINDOW as WINDOW_IN_CODE, type WindowSettings } from '../src/search/quotes.js';
import { cachedQueryVectors } from './lib/queryCache.js';
import { openFitting } from './lib/setup.js';

type Weights = Record<keyof SentenceFeatures | 'bias', number>;
const FEATURES = Object.keys(SENTENCE_WEIGHTS).filter((k) => k !== 'bias') as (keyof SentenceFeatures)[];

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const benchDir = path.resolve(option('--bench', '../shared/bench/squad'));
const sample = Number(option('--sample', '0'));
const l2 = Number(option('--l2', '0.01'));

const { index, embedder, workDir, position } = await openFitting(path.resolve(process.env.SQUAD_DIR ?? '.squad'), path.join(benchDir, 'corpus.jsonl'));

interface SquadQuestion {
  id: string;
  question: string;
  docId: string;
  answers: string[];
  spans: [number, number][];
}
let questions = fs
  .readFileSync(path.join(benchDir, 'questions.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as SquadQuestion);
if (sample > 0) questions = questions.filter((_, i) => i % Math.max(1, Math.floor(questions.length / sample)) === 0);

const normalise = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');
interface Group {
  train: boolean;
  rows: number[][];
  labels: boolean[];
  /** Question number in `questions`. */
  n: number;
}
const groups: Group[] = [];
const started = performance.now();
const asked = questions.map((q) => validateQuestion(q.question));
const vectors = await cachedQueryVectors(embedder, asked, workDir, (n) => process.stderr.write(`\rembedding ${n}/${asked.length}`));
for (const [n, q] of questions.entries()) {
  const vector = vectors[n]!;
  // The bot's own ranking, with the weights in the code (the features do not depend on them).
  const { ranked, view } = await explainQuestion(index, asked[n]!, vector, { limit: 3 });
  const answers = q.answers.map(normalise);
  const labels = ranked.map((c) => {
    const doc = view.documents[c.doc]!;
    if (doc.id === q.docId && q.spans.some(([s, e]) => c.span.start < e && s < c.span.end)) return true;
    const text = normalise(doc.text.slice(c.span.start, c.span.end));
    return answers.some((a) => text.includes(a));
  });
  groups.push({ train: position.get(q.docId)! % 2 === 0, rows: ranked.map((c) => FEATURES.map((f) => c.features[f])), labels, n });
  if (n % 200 === 0) process.stderr.write(`\rfeatures ${n}/${questions.length}`);
}
process.stderr.write(`\rfeatures of ${questions.length} questions in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);

/** Conditional logit: maximise Σ_q log(Σ_pos e^s / Σ_all e^s) − l2‖w‖², by gradient ascent. */
function fit(train: readonly Group[]): number[] {
  const w = FEATURES.map((f) => SENTENCE_WEIGHTS[f]);
  const usable = train.filter((g) => g.labels.some(Boolean));
  let rate = 0.5;
  let previous = -Infinity;
  for (let iteration = 0; iteration < 400; iteration++) {
    const grad = w.map((x) => -2 * l2 * x);
    let objective = -l2 * w.reduce((a, x) => a + x * x, 0);
    for (const g of usable) {
      const scores = g.rows.map((r) => r.reduce((a, x, i) => a + x * w[i]!, 0));
      const max = Math.max(...scores);
      const exp = scores.map((s) => Math.exp(s - max));
      const all = exp.reduce((a, b) => a + b, 0);
      const pos = exp.reduce((a, e, i) => a + (g.labels[i] ? e : 0), 0);
      objective += Math.log(pos / all) / usable.length;
      g.rows.forEach((r, i) => {
        const coefficient = ((g.labels[i] ? exp[i]! / pos : 0) - exp[i]! / all) / usable.length;
        r.forEach((x, k) => (grad[k]! += coefficient * x));
      });
    }
    if (objective < previous) rate /= 2;
    previous = objective;
    w.forEach((_, k) => (w[k]! += rate * 10 * grad[k]!));
    if (iteration % 50 === 0) process.stderr.write(`iteration ${iteration}: objective ${objective.toFixed(4)}\n`);
  }
  return w;
}

function hits(set: readonly Group[], w: readonly number[]): { at1: number; at3: number; reachable: number } {
  let at1 = 0;
  let at3 = 0;
  let reachable = 0;
  for (const g of set) {
    if (g.labels.some(Boolean)) reachable++;
    const order = g.rows.map((r, i) => ({ i, s: r.reduce((a, x, k) => a + x * w[k]!, 0) })).sort((a, b) => b.s - a.s);
    if (g.labels[order[0]?.i ?? -1]) at1++;
    if (order.slice(0, 3).some((o) => g.labels[o.i])) at3++;
  }
  const pct = (x: number) => Math.round((1000 * x) / set.length) / 10;
  return { at1: pct(at1), at3: pct(at3), reachable: pct(reachable) };
}

/** Coordinate search on the weights for hit@1 (+ half of hit@3) on the fitting half, from `start`. */
function refine(train: readonly Group[], start: number[]): number[] {
  const w = [...start];
  const objective = (x: number[]) => {
    const h = hits(train, x);
    return h.at1 + 0.5 * h.at3;
  };
  let best = objective(w);
  for (const step of [1, 0.5, 0.25, 0.1]) {
    for (let round = 0; round < 3; round++) {
      let moved = false;
      for (let k = 0; k < w.length; k++) {
        for (const direction of [1, -1]) {
          const x = [...w];
          x[k]! += direction * step * Math.max(0.2, Math.abs(w[k]!));
          const value = objective(x);
          if (value > best + 1e-9) {
            best = value;
            w.splice(0, w.length, ...x);
            moved = true;
          }
        }
      }
      if (!moved) break;
    }
  }
  return w;
}

async function quoteScores(set: readonly Group[], weights: Weights, window: WindowSettings) {
  let at1 = 0;
  let at3 = 0;
  let chars = 0;
  let count = 0;
  for (const g of set) {
    const q = questions[g.n]!;
    const answers = q.answers.map(normalise);
    const explained = await explainQuestion(index, asked[g.n]!, vectors[g.n]!, { limit: 3, sentenceWeights: weights, window });
    const hit = explained.quotes.slice(0, 3).map((quote) => {
      chars += quote.text.length;
      count++;
      if (quote.docId === q.docId && q.spans.some(([s, e]) => quote.start < e && s < quote.end)) return true;
      return answers.some((a) => normalise(quote.text).includes(a));
    });
    if (hit[0]) at1++;
    if (hit.some(Boolean)) at3++;
  }
  const pct = (x: number) => Math.round((1000 * x) / set.length) / 10;
  return `quote-hit@1 ${pct(at1)}%, @3 ${pct(at3)}%, mean quote ${Math.round(chars / Math.max(1, count))} chars`;
}

const train = groups.filter((g) => g.train);
const test = groups.filter((g) => !g.train);
const current = FEATURES.map((f) => SENTENCE_WEIGHTS[f]);
const logit = fit(train);
const fitted = refine(train, logit);
console.log(`questions: ${train.length} fitting (even articles), ${test.length} held out (odd articles); l2 ${l2}`);
console.log('sentence hit@1 / @3 (and share of questions with any answering candidate):');
console.log(`  weights in the code  fit half ${JSON.stringify(hits(train, current))}  held-out half ${JSON.stringify(hits(test, current))}`);
console.log(`  conditional logit    fit half ${JSON.stringify(hits(train, logit))}  held-out half ${JSON.stringify(hits(test, logit))}`);
console.log(`  refined for hit@1    fit half ${JSON.stringify(hits(train, fitted))}  held-out half ${JSON.stringify(hits(test, fitted))}`);
for (const [k, f] of FEATURES.entries()) {
  const only = FEATURES.map((_, i) => (i === k ? 0 : fitted[i]!));
  console.log(`  without ${f.padEnd(13)} held-out ${JSON.stringify(hits(test, only))}`);
}
const asWeights = (w: readonly number[]): Weights => ({ bias: 0, ...Object.fromEntries(FEATURES.map((f, i) => [f, Math.round(w[i]! * 100) / 100])) }) as Weights;
const windows: WindowSettings[] = [
  { joinMargin: -Infinity, maxChars: 0 },
  WINDOW_IN_CODE,
  ...[2, 4, 8, Infinity].flatMap((joinMargin) => [300, 350, 400].map((maxChars) => ({ joinMargin, maxChars }))),
];
console.log('\nquotes (before abstention), fitting half | held-out half:');
for (const [label, w] of [['code', SENTENCE_WEIGHTS], ['refined', asWeights(fitted)]] as const) {
  for (const window of windows) {
    if (label === 'code' && window !== windows[0] && window !== WINDOW_IN_CODE) continue;
    console.log(`  ${label.padEnd(8)} join ≥ score − ${window.joinMargin}, ≤ ${window.maxChars} chars: ${await quoteScores(train, w, window)} | ${await quoteScores(test, w, window)}`);
  }
}
console.log(`\nexport const SENTENCE_WEIGHTS = ${JSON.stringify(asWeights(fitted), null, 2)};`);
