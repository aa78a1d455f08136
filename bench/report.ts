/** The benchmark's table for stdout, from the same object that is written as JSON. */
import type { BenchReport } from './run.js';

function table(headers: string[], rows: string[][], rightAlign = (i: number) => i > 0): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (rightAlign(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, d = 1) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const seconds = (s: number) => (s < 10 ? fixed(s, 2) : fixed(s, 1));
const pct = (n: number) => `${(100 * n).toFixed(1)}%`;
const mark = (ok: boolean) => (ok ? 'yes' : 'NO');
const ms = (n: number) => fixed(n, 1);
const mb = (bytes: number) => `${fixed(bytes / 2 ** 20, 1)} MB`;

export function renderReport(r: BenchReport): string {
  const out: string[] = [];
  const m = r.machine;
  const load = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ');
  out.push(`Footnote benchmark (${r.mode}; parts: ${r.parts.join(', ')}) — ${r.finishedAt}`);
  out.push(`machine   ${m.cores} cores (${m.cpu}), ${fixed(m.memoryGiB, 1)} GiB RAM, Node ${m.node}, ${m.platform}`);
  out.push(`load avg  ${load(m.loadAverageAtStart)} at start, ${load(m.loadAverageAtEnd)} at end (1/5/15 min)${m.loadAverageAtStart[0]! > m.cores * 0.5 ? '  — other work was running: absolute figures are noisy; same-run ratios less so' : ''}`);
  out.push(`model     ${r.model.id}, ${r.model.weights}, batch ${r.model.batchSize}, passages ≤ ${r.model.passageMaxTokens} tokens, ${r.model.passageOverlapSentences}-sentence overlap`);
  out.push(`versions  ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(' · ')}`);

  const res = r.results;
  if (res.throughput.length) {
    out.push('', `Indexing throughput — Footnote buildIndex end to end (read, split, tokenize, embed, HNSW + BM25, write) vs the raw batched ONNX forward pass on the same token inputs (median of rounds)`);
    out.push(
      table(
        ['corpus', 'docs', 'passages', 'tokens', 'rounds', 'Footnote s', 'passages/s', 'tokens/s', 'raw ONNX s', 'passages/s', 'tokens/s', 'Footnote/raw', `≥ ${r.targets.footnoteOverRaw}`],
        res.throughput.map((t) => [
          t.corpus,
          int(t.documents),
          int(t.passages),
          int(t.tokens),
          String(t.rounds),
          seconds(t.footnoteSeconds),
          fixed(t.footnotePassagesPerSecond),
          int(t.footnoteTokensPerSecond),
          seconds(t.rawSeconds),
          fixed(t.rawPassagesPerSecond),
          int(t.rawTokensPerSecond),
          fixed(t.ratio, 2),
          mark(t.ratio >= r.targets.footnoteOverRaw),
        ]),
      ),
    );
  }

  if (res.batchSizes) {
    const b = res.batchSizes;
    out.push('', `Batch size — the raw ONNX forward pass over the same ${int(b.passages)} passages (${int(b.tokens)} tokens) of ${b.corpus} at each size, median of ${b.rounds} interleaved rounds; relative to batch ${b.defaultBatchSize} (EMBED_BATCH_SIZE)`);
    out.push(table(['batch', 'seconds', 'passages/s', 'relative'], b.sizes.map((x) => [String(x.batchSize), seconds(x.seconds), fixed(x.passagesPerSecond), fixed(x.relative, 2)])));
  }

  if (res.formats) {
    const f = res.formats;
    out.push('', `Formats — generated docs-site HTML pages and two-column PDFs: extraction alone (median of ${f.sizes.extractionRounds} passes), then buildIndex end to end (reading = read, extract, split, tokenize; then embed, HNSW + BM25, write)`);
    out.push(
      table(
        ['format', 'files', 'pages', 'MB', 'extract pages/s', 'MB/s', 'passages', 'build s', 'reading s', 'embedding s', 'embedding share', 'build pages/s'],
        f.rows.map((x) => {
          const b = x.build;
          return [x.format, int(x.files), int(x.pages), fixed(x.bytes / 2 ** 20, 2), fixed(x.extraction.pagesPerSecond), fixed(x.extraction.mbPerSecond, 2), b ? int(b.passages) : 'n/a', b ? seconds(b.seconds) : 'n/a', b ? seconds(b.readingSeconds) : 'n/a', b ? seconds(b.embeddingSeconds) : 'n/a', b ? pct(b.embeddingShare) : 'n/a', b ? fixed(b.pagesPerSecond, 2) : 'n/a'];
        }),
      ),
    );
    for (const x of f.rows) {
      if (x.extractionFailures) out.push(`${x.format}: extraction refused ${x.extractionFailures} of ${x.files} files`);
      if (x.build?.skipped) out.push(`${x.format}: the build skipped ${x.build.skipped} of ${x.files} files`);
    }
    for (const l of f.links ?? []) out.push(`text-fragment link of a sentence quote, ${l.documents} (${int(l.meanChars)} characters): median ${fixed(l.medianMs, 2)} ms, p95 ${fixed(l.p95Ms, 2)} ms (${l.quotes} quotes)`);
  }

  if (res.langchain.length) {
    const batch = res.langchain[0]!.batchSize;
    out.push('', `LangChain.js baseline — read, RecursiveCharacterTextSplitter (defaults: 1,000 chars, 200 overlap), HuggingFaceTransformersEmbeddings (same q8 model, CLS, batch ${batch}), HNSWLib, save`);
    out.push(
      table(
        ['corpus', 'docs', 'chunks', 'chars/chunk', 'tokens', 'LangChain s', 'chunks/s', 'tokens/s', 'Footnote s', 'Footnote speed-up', `≥ ${r.targets.speedupOverLangChain}×`],
        res.langchain.map((l) => [
          l.corpus,
          int(l.documents),
          int(l.chunks),
          int(l.meanChunkChars),
          int(l.tokens),
          seconds(l.seconds),
          fixed(l.chunksPerSecond),
          int(l.tokensPerSecond),
          l.footnoteSeconds === undefined ? 'n/a' : seconds(l.footnoteSeconds),
          l.speedup === undefined ? 'n/a (run seed/scifact too)' : `${fixed(l.speedup, 2)}×`,
          l.speedup === undefined ? '' : mark(l.speedup >= r.targets.speedupOverLangChain),
        ]),
      ),
    );
    out.push('Speed-up = LangChain seconds ÷ Footnote seconds for the same corpus (the two cut it into different pieces, so passages/s are not comparable).');
  }

  const q = res.quality;
  if (q.seed || q.scifact) {
    out.push('', 'Retrieval quality');
    const rows: string[][] = [];
    const hit = (h?: { hits: number; questions: number; rate: number }) => (h ? `${pct(h.rate)} (${h.hits}/${h.questions})` : '—');
    if (q.seed) rows.push(['seed hit@3 (answerable dev questions)', hit(q.seed.footnote), hit(q.seed.langchain)]);
    if (q.scifact) {
      const label = q.scifact.corpus === 'scifact' ? 'SciFact' : `SciFact sample (${q.scifact.corpus})`;
      const n = q.scifact.footnote?.queries ?? q.scifact.langchain?.queries ?? 0;
      rows.push([`${label} nDCG@10 (${n} test queries)`, q.scifact.footnote ? fixed(q.scifact.footnote.ndcg10, 4) : '—', q.scifact.langchain ? fixed(q.scifact.langchain.ndcg10, 4) : '—']);
      rows.push([`${label} Recall@100`, q.scifact.footnote ? fixed(q.scifact.footnote.recall100, 4) : '—', q.scifact.langchain ? fixed(q.scifact.langchain.recall100, 4) : '—']);
    }
    out.push(table(['metric', 'Footnote (hybrid, quotes)', 'LangChain (dense, chunks)'], rows));
    if (q.scifact && q.scifact.corpus !== 'scifact') out.push('The sample holds every judged document plus a ~2k-passage rest: scores are far above full-corpus ones and only comparable with each other.');
  }

  if (res.large) {
    const b = res.large.built;
    out.push('', `Large corpus (${res.large.corpus}): ${res.large.description}`);
    out.push(b ? `built in this run: ${int(b.passages)} passages in ${fixed(b.seconds / 60, 1)} min (${fixed(b.passages / b.seconds)} passages/s, buildIndex end to end)` : 'index reused from the .bench/ cache (delete it to time the build again)');
  }

  if (res.latency.length) {
    out.push('', 'Warm question latency (ms, in process) — Footnote: ask() + answerView + answerToText; bare: one query through tokenizer + ONNX model (same question, query prefix)');
    out.push(
      table(
        ['index', 'passages', 'timed', 'Footnote p50', 'p95', 'p99', 'ask() p50', 'bare p50', 'p95', 'p99', 'p95 ratio', `≤ ${r.targets.p95OverBareEmbedding}`, 'answered'],
        res.latency.map((l) => [
          l.corpus,
          int(l.passages),
          String(l.footnote.runs),
          ms(l.footnote.p50),
          ms(l.footnote.p95),
          ms(l.footnote.p99),
          ms(l.ask.p50),
          ms(l.bare.p50),
          ms(l.bare.p95),
          ms(l.bare.p99),
          fixed(l.p95Ratio, 2),
          mark(l.p95Ratio <= r.targets.p95OverBareEmbedding),
          pct(l.answeredShare),
        ]),
      ),
    );
    out.push(`Questions: ${res.latency.map((l) => `${l.corpus}: ${l.questions}`).join('; ')}. Warm-up ${res.latency[0]!.warmup} other claims per index. Every timed question is distinct and new to a freshly opened Footnote, so its query-vector cache never hits.`);
  }

  if (res.cold.length) {
    out.push('', `Cold start to first answer (fresh \`node --import tsx\` process: load model + index, answer one question; median of ${res.cold[0]!.runs.length}) and peak RSS`);
    out.push(
      table(
        ['index', 'passages', 'index on disk', 'first answer s', 'imports s', 'model+index s', 'peak RSS'],
        res.cold.map((c) => {
          const mid = [...c.runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor((c.runs.length - 1) / 2)]!;
          return [c.corpus, int(c.passages), mb(c.indexBytes), seconds(c.medianWallMs / 1000), seconds(mid.importedMs / 1000), seconds((mid.openedMs - mid.importedMs) / 1000), `${fixed(c.peakRssMb, 0)} MB`];
        }),
      ),
    );
  }

  const growth: string[] = [];
  if (res.cold.length > 1) {
    const [a, b] = [res.cold[0]!, res.cold[res.cold.length - 1]!];
    growth.push(`passages ×${fixed(b.passages / a.passages, 0)}`, `cold start ×${fixed(b.medianWallMs / a.medianWallMs, 2)} (${seconds(a.medianWallMs / 1000)} → ${seconds(b.medianWallMs / 1000)} s)`, `peak RSS ×${fixed(b.peakRssMb / a.peakRssMb, 2)} (${fixed(a.peakRssMb, 0)} → ${fixed(b.peakRssMb, 0)} MB)`);
  }
  if (res.latency.length > 1) {
    const [a, b] = [res.latency[0]!, res.latency[res.latency.length - 1]!];
    if (!growth.length) growth.push(`passages ×${fixed(b.passages / a.passages, 0)}`);
    growth.push(`warm p50 ×${fixed(b.footnote.p50 / a.footnote.p50, 2)} (${ms(a.footnote.p50)} → ${ms(b.footnote.p50)} ms)`, `warm p95 ×${fixed(b.footnote.p95 / a.footnote.p95, 2)} (${ms(a.footnote.p95)} → ${ms(b.footnote.p95)} ms)`);
  }
  if (growth.length) {
    const names = res.cold.length > 1 ? [res.cold[0]!.corpus, res.cold[res.cold.length - 1]!.corpus] : [res.latency[0]!.corpus, res.latency[res.latency.length - 1]!.corpus];
    out.push('', `Growth ${names[0]} → ${names[1]}: ${growth.join('; ')}`);
  }

  if (res.errors.length) out.push('', 'FAILED PARTS', ...res.errors.map((e) => `  ${e.part}: ${e.error}`));
  return out.join('\n');
}
