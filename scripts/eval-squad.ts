/**
 * SQuAD as a quote benchmark: `npm run eval:squad` (v1.1 dev, 48 articles, 10,570 questions) or
 * `npm run eval:squad -- --v2` (v2.0 dev, 35 articles, 11,873 questions, half unanswerable).
 * Each question is asked through `footnote.ask`, the CLI's own code path with its limits, and
 * the returned quotes are scored as ../shared/bench/squad/README.md defines: doc-hit@k,
 * quote-hit@k, quote-hit-gold-doc@k, mean quote length; for v2.0 also how many unanswerable
 * questions are declined and how many answerable ones are declined falsely.
 * The corpus is indexed once into .squad/ (v1.1) or .squad-v2/ and reused.
 * Options: --sample N (a fixed sample), --json (a summary line), --dump FILE (per-question JSONL),
 * --bench DIR (default ../shared/bench/squad), --cache DIR.
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatShare, fixedSample } from './lib/metrics.js';
import { atKTable, formatNumber, jsonSummary, sourceVersion, versionLine, writeJsonl } from './lib/report.js';
import { openBenchmark, parseEvalOptions, prepareCorpusCache, questionProgress } from './lib/setup.js';
import { parseSquadQuestions, runSquad, squadDumpRecord, summarizeSquad } from './lib/squad.js';

const v2 = process.argv.includes('--v2');
let options;
try {
  options = parseEvalOptions(process.argv.slice(2), { bench: '../shared/bench/squad', cache: v2 ? '.squad-v2' : '.squad', flags: ['v2'] });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
const set = v2 ? 'SQuAD v2.0 dev' : 'SQuAD v1.1 dev';
const all = parseSquadQuestions(fs.readFileSync(path.join(options.bench, v2 ? 'questions-v2.jsonl' : 'questions.jsonl'), 'utf8'));
const questions = options.sample === undefined ? all : fixedSample(all, options.sample, (q) => q.id);

// Taken before anything runs: src/ may change while a long run goes on.
const version = sourceVersion();
const cache = prepareCorpusCache(options.cache, path.join(options.bench, v2 ? 'corpus-v2.jsonl' : 'corpus.jsonl'));
const { footnote, indexSeconds, report } = await openBenchmark(cache);
const { config, index } = footnote;
const started = performance.now();
const rows = await runSquad((q) => footnote.ask(q), questions, questionProgress(questions.length));
const askSeconds = (performance.now() - started) / 1000;
const s = summarizeSquad(rows);

const sampled = options.sample === undefined ? `all ${all.length} questions` : `a fixed sample of ${questions.length} of ${all.length} questions (smallest SHA-256 of the id)`;
console.log(`${set}: ${index.catalog.length} documents, ${index.manifest.passageCount} passages; ${sampled}`);
console.log(`model ${config.embedModel}, MAX_QUOTES=${config.maxQuotes}, ANSWER_THRESHOLD=${config.answerThreshold ?? "the model's default"}; ${versionLine(version)}`);
console.log(`index ready in ${indexSeconds.toFixed(1)} s (${report.embeddedPassages} passages embedded this run); ${formatNumber(s.msPerQuestion)} ms per question (${askSeconds.toFixed(1)} s in all)`);
console.log(`\nover the ${s.answerable} answerable questions (a declined one counts as a miss):`);
for (const line of atKTable([
  ['doc-hit', s.docHit],
  ['quote-hit', s.quoteHit],
  ['quote-hit-gold-doc', s.quoteHitGoldDoc],
])) console.log(line);
console.log(`mean quote length  ${formatNumber(s.meanQuoteChars)} characters per quote, over the ${s.quotesMeasured} quotes at @3 (the first three at most) of the answered answerable questions; first quotes ${formatNumber(s.meanFirstQuoteChars)}`);
console.log(`falsely declined   ${formatShare(s.falselyDeclined)} of answerable questions`);
if (v2) console.log(`declined           ${formatShare(s.unanswerableDeclined)} of unanswerable questions`);
console.log(`with the closest excerpts of declined answers counted: doc-hit@3 ${formatShare(s.withClosest.docHit.at3)}, quote-hit@3 ${formatShare(s.withClosest.quoteHit.at3)}`);
if (s.refused > 0) console.log(`${s.refused} questions were refused as invalid (counted as declined; see --dump)`);

if (options.dump) {
  writeJsonl(options.dump, rows.map(squadDumpRecord));
  console.log(`per-question results: ${options.dump}`);
}
if (options.json) {
  console.log(jsonSummary({ eval: v2 ? 'squad-v2.0-dev' : 'squad-v1.1-dev', ...version, model: config.embedModel, maxQuotes: config.maxQuotes, sample: options.sample ?? null, documents: index.catalog.length, passages: index.manifest.passageCount, indexSeconds, ...s }));
}
