/**
 * SciFact rationales as a quote benchmark: `npm run eval:rationales`. The 300 SciFact dev claims
 * are asked through `footnote.ask`, the CLI's own code path with its limits, and the returned
 * quotes are scored as ../shared/bench/scifact-rationales/README.md defines: rationale-hit@k (a
 * quote overlaps a sentence annotators marked as evidence) and doc-hit@k over the 188 claims
 * with evidence, the share of the 112 without evidence that is declined, and mean quote length.
 * The BEIR corpus (../shared/bench/scifact/corpus.jsonl) is indexed in .scifact/, the same cached
 * index as `npm run eval:scifact` (SCIFACT_DIR overrides it there and here).
 * Options: --sample N (a fixed sample), --json (a summary line), --dump FILE (per-claim JSONL),
 * --bench DIR (default ../shared/bench/scifact-rationales; the corpus is read from the `scifact`
 * folder beside it), --cache DIR.
 */
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { formatShare, fixedSample } from './lib/metrics.js';
import { parseClaims, rationaleDumpRecord, runRationales, summarizeRationales } from './lib/rationales.js';
import { atKTable, formatNumber, jsonSummary, sourceVersion, versionLine, writeJsonl } from './lib/report.js';
import { openBenchmark, parseEvalOptions, prepareCorpusCache, questionProgress } from './lib/setup.js';

dotenv.config({ quiet: true });
let options;
try {
  options = parseEvalOptions(process.argv.slice(2), { bench: '../shared/bench/scifact-rationales', cache: process.env.SCIFACT_DIR ?? '.scifact' });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
const all = parseClaims(fs.readFileSync(path.join(options.bench, 'claims.jsonl'), 'utf8'));
const claims = options.sample === undefined ? all : fixedSample(all, options.sample, (c) => c.id);

// Taken before anything runs: src/ may change while a long run goes on.
const version = sourceVersion();
const cache = prepareCorpusCache(options.cache, path.join(options.bench, '..', 'scifact', 'corpus.jsonl'));
const { footnote, indexSeconds, report } = await openBenchmark(cache);
const { config, index } = footnote;
const started = performance.now();
const rows = await runRationales((q) => footnote.ask(q), claims, questionProgress(claims.length, 100));
const askSeconds = (performance.now() - started) / 1000;
const s = summarizeRationales(rows);

const sampled = options.sample === undefined ? `all ${all.length} dev claims` : `a fixed sample of ${claims.length} of ${all.length} dev claims (smallest SHA-256 of the id)`;
console.log(`SciFact rationales: ${index.catalog.length} documents, ${index.manifest.passageCount} passages; ${sampled}`);
console.log(`model ${config.embedModel}, MAX_QUOTES=${config.maxQuotes}, ANSWER_THRESHOLD=${config.answerThreshold ?? "the model's default"}; ${versionLine(version)}`);
console.log(`index ready in ${indexSeconds.toFixed(1)} s (${report.embeddedPassages} passages embedded this run); ${formatNumber(s.msPerQuestion)} ms per claim (${askSeconds.toFixed(1)} s in all)`);
console.log(`\nover the ${s.withEvidence} claims with evidence (a declined one counts as a miss):`);
for (const line of atKTable([
  ['rationale-hit', s.rationaleHit],
  ['doc-hit', s.docHit],
])) console.log(line);
console.log(`mean quote length  ${formatNumber(s.meanQuoteChars)} characters per quote, over the ${s.quotesMeasured} quotes at @3 (the first three at most) of the answered claims with evidence; first quotes ${formatNumber(s.meanFirstQuoteChars)}`);
console.log(`falsely declined   ${formatShare(s.falselyDeclined)} of claims with evidence`);
console.log(`declined           ${formatShare(s.noEvidenceDeclined)} of the claims without evidence`);
console.log(`with the closest excerpts of declined answers counted: rationale-hit@3 ${formatShare(s.withClosest.rationaleHit.at3)}, doc-hit@3 ${formatShare(s.withClosest.docHit.at3)}`);
if (s.refused > 0) console.log(`${s.refused} claims were refused as invalid questions (counted as declined; see --dump)`);

if (options.dump) {
  writeJsonl(options.dump, rows.map(rationaleDumpRecord));
  console.log(`per-claim results: ${options.dump}`);
}
if (options.json) {
  console.log(jsonSummary({ eval: 'scifact-rationales-dev', ...version, model: config.embedModel, maxQuotes: config.maxQuotes, sample: options.sample ?? null, documents: index.catalog.length, passages: index.manifest.passageCount, indexSeconds, ...s }));
}
