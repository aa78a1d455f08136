/**
 * Seed-set evaluation: `npm run eval [-- --set eval/seed-questions-holdout.jsonl]`.
 * Prints hit@1 and hit@3 (the expected document among the first quotes), quote-hit@3 (a quote
 * from it contains the expected phrase), abstention accuracy, and how the answerability
 * threshold separates answerable from unanswerable questions on this set.
 */
import fs from 'node:fs';
import { loadEnvironment } from '../src/environment.js';
import { openFootnote } from '../src/service.js';
import type { Answer } from '../src/search/answer.js';

interface EvalQuestion {
  id: string;
  question: string;
  doc: string | null;
  phrase: string | null;
}

const args = process.argv.slice(2);
const setFile = args.includes('--set') ? args[args.indexOf('--set') + 1]! : 'eval/seed-questions.jsonl';
const verbose = args.includes('--verbose');
const questions: EvalQuestion[] = fs.readFileSync(setFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

const { config, log } = loadEnvironment();
const footnote = await openFootnote({ config, log });
const rows: { q: EvalQuestion; answer: Answer; rank: number; quoteHit: boolean }[] = [];
for (const q of questions) {
  const answer = await footnote.ask(q.question, { limit: 3 });
  const shown = answer.answered ? answer.quotes : answer.closest;
  const rank = shown.findIndex((quote) => quote.docId === q.doc);
  const quoteHit = shown.some((quote) => quote.docId === q.doc && q.phrase !== null && quote.text.includes(q.phrase));
  rows.push({ q, answer, rank, quoteHit });
}

const answerable = rows.filter((r) => r.q.doc !== null);
const unanswerable = rows.filter((r) => r.q.doc === null);
const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)}% (${n}/${d})`;
const abstainRight = answerable.filter((r) => r.answer.answered).length + unanswerable.filter((r) => !r.answer.answered).length;

console.log(`set: ${setFile}  model: ${config.embedModel}  passages: ${footnote.index.manifest.passageCount}`);
console.log(`hit@1        ${pct(answerable.filter((r) => r.rank === 0).length, answerable.length)}`);
console.log(`hit@3        ${pct(answerable.filter((r) => r.rank >= 0).length, answerable.length)}`);
console.log(`quote-hit@3  ${pct(answerable.filter((r) => r.quoteHit).length, answerable.length)}`);
console.log(`abstention   ${pct(abstainRight, rows.length)}  (answered ${answerable.filter((r) => r.answer.answered).length}/${answerable.length} answerable, abstained on ${unanswerable.filter((r) => !r.answer.answered).length}/${unanswerable.length} unanswerable)`);

// Threshold separation: the best-passage similarity of each kind of question.
const sims = (rs: typeof rows) => rs.map((r) => r.answer.bestSimilarity).sort((a, b) => a - b);
const a = sims(answerable);
const u = sims(unanswerable);
const quantile = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!.toFixed(3);
console.log(`similarity   answerable min ${quantile(a, 0)} p10 ${quantile(a, 0.1)} median ${quantile(a, 0.5)} | unanswerable median ${quantile(u, 0.5)} p90 ${quantile(u, 0.9)} max ${quantile(u, 1)}`);
const words = quoteWords(rows.flatMap((r) => (r.answer.answered ? r.answer.quotes : [])));
console.log(`quote length ${words}`);

for (const r of rows) {
  const miss = r.q.doc === null ? r.answer.answered : r.rank !== 0 || !r.quoteHit || !r.answer.answered;
  if (!miss && !verbose) continue;
  const shown = r.answer.answered ? r.answer.quotes : r.answer.closest;
  console.log(`\n${r.q.id} ${r.answer.answered ? 'answered' : 'abstained'} sim=${r.answer.bestSimilarity} rank=${r.rank} quoteHit=${r.quoteHit}  ${r.q.question}`);
  console.log(`   expected ${r.q.doc ?? '(none)'}: ${r.q.phrase ?? ''}`);
  for (const quote of shown) console.log(`   - [${quote.docId}] ${quote.text.slice(0, 160).replace(/\s+/g, ' ')}`);
}

function quoteWords(quotes: { text: string }[]): string {
  const counts = quotes.map((q) => q.text.split(/\s+/).length).sort((x, y) => x - y);
  if (!counts.length) return 'n/a';
  return `median ${counts[Math.floor(counts.length / 2)]} words, max ${counts[counts.length - 1]}`;
}
