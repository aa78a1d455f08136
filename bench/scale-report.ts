/** The scale benchmark's tables for stdout, from the object written as JSON. */
import type { LatencySummary } from './metrics.js';
import type { BackendRow, ScaleReport } from './scale.js';

/** Columns before `left` are left-aligned, the rest right-aligned. */
function table(headers: string[], rows: string[][], left = 2): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, d = 1) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !Number.isFinite(a / b) ? '—' : `×${fixed(a / b, 2)}`);
const mb = (bytes: number) => fixed(bytes / 2 ** 20, 0);
const load = (xs: readonly number[]) => xs.map((x) => x.toFixed(2)).join(' ');
const p = (s: LatencySummary) => (s.runs ? `${fixed(s.p50)} / ${fixed(s.p95)}` : '—');

export function renderScaleReport(r: ScaleReport): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`Footnote scale benchmark (parts: ${r.parts.join(', ')}) — ${r.finishedAt}, ${fixed(r.seconds / 60, 1)} min`);
  out.push(`machine   ${m.cores} cores (${m.cpu}), ${fixed(m.memoryGiB, 1)} GiB RAM, Node ${m.node}, @lancedb/lancedb ${r.lancedbVersion ?? '?'}, LANCE_CPU_THREADS=${process.env.LANCE_CPU_THREADS}`);
  out.push(`load avg  ${load(m.loadAverageAtStart)} at start, ${load(m.loadAverageAtEnd)} at end (1/5/15 min)${m.loadAverageAtStart[0]! > m.cores * 0.5 ? '  — other work was running: absolute figures are noisy; same-run ratios less so' : ''}`);
  out.push(`derived   copies of SciFact's real index, vectors + N(0, ${r.derived.sigma}²) per dimension, renormalised (seed ${r.derived.seed})${r.derived.deriveSeconds100k ? `; 100k derived in ${fixed(r.derived.deriveSeconds100k)} s` : ''}`);

  if (r.rows.length) {
    out.push('', 'Embedded vs LanceDB — the same VersionParts written by each store into an empty folder / dataset (embedding excluded: identical for both), then read');
    out.push(`warm: answerFromVector in process, ${r.rows[0]!.warm.warmup} warm-up + ${r.rows[0]!.warm.runs} SciFact test claims (real query vectors); cold: a fresh process, open the store → first answer (model not loaded), median of ${r.rows[0]!.cold.runs.length}; RSS: that process after 50 questions`);
    const rows: string[][] = [];
    for (const corpus of [...new Set(r.rows.map((x) => x.corpus))]) {
      const pair = r.rows.filter((x) => x.corpus === corpus);
      for (const x of pair) rows.push(backendCells(x));
      const [e, l] = [pair.find((x) => x.backend === 'embedded'), pair.find((x) => x.backend === 'lancedb')];
      if (e && l) {
        const same = l.warm.answers.filter((a, i) => a === e.warm.answers[i]).length / Math.max(1, l.warm.answers.length);
        rows.push([corpus, 'lancedb ÷ embedded', '', ratio(l.writeSeconds, e.writeSeconds), ratio(l.warm.p50, e.warm.p50), ratio(l.warm.p95, e.warm.p95), ratio(l.cold.openToAnswerMs, e.cold.openToAnswerMs), ratio(l.cold.rssMb, e.cold.rssMb), ratio(l.cold.hwmMb, e.cold.hwmMb), ratio(l.diskBytes, e.diskBytes), `same ${fixed(100 * same)}%`, '']);
      }
    }
    out.push(table(['corpus', 'backend', 'passages', 'write s', 'warm p50 ms', 'p95 ms', 'cold ms', 'RSS MB', 'peak MB', 'disk MB', 'answered', 'load 1m'], rows));
    out.push(`answered: share of the timed questions answered (not abstained); "same": the lancedb answer equals the embedded one (answered or not, and the first quote's document and offsets).`);
  }

  const sci = (b: string) => r.rows.find((x) => x.corpus === 'scifact' && x.backend === b)?.quality;
  const seed = (b: string) => r.seed.find((x) => x.backend === b);
  if (sci('embedded') || sci('lancedb') || r.seed.length) {
    out.push('', 'Quality per backend');
    const rows: string[][] = [];
    const [se, sl] = [sci('embedded'), sci('lancedb')];
    if (se || sl) {
      rows.push(['SciFact nDCG@10 (300 test claims, fused ranking)', se ? fixed(se.ndcg10, 4) : '—', sl ? fixed(sl.ndcg10, 4) : '—', ratio(sl?.ndcg10, se?.ndcg10)]);
      rows.push(['SciFact Recall@100', se ? fixed(se.recall100, 4) : '—', sl ? fixed(sl.recall100, 4) : '—', ratio(sl?.recall100, se?.recall100)]);
    }
    const [qe, ql] = [seed('embedded'), seed('lancedb')];
    if (qe || ql) {
      const q = (s?: typeof qe) => (s?.quoteHit3 ? `${fixed(100 * s.quoteHit3.rate)}% (${s.quoteHit3.hits}/${s.quoteHit3.questions})` : s?.error ? 'failed' : '—');
      rows.push(['seed quote-hit@3 (npm run eval)', q(qe), q(ql), ratio(ql?.quoteHit3?.rate, qe?.quoteHit3?.rate)]);
      rows.push(['seed hit@3 (npm run eval)', qe?.hit3 ?? '—', ql?.hit3 ?? '—', '']);
    }
    out.push(table(['metric', 'embedded', 'lancedb', 'ratio'], rows, 1));
    for (const s of r.seed) out.push(`  ${s.backend}: ${s.command}${s.error ? ` — FAILED: ${s.error}` : ''}`);
  }

  if (r.switches.length) {
    out.push('', 'Readers following a new version (LanceDB, 100k): each reader answers in a loop and checks the live version every second; the parent writes the same parts with one title marked');
    for (const s of r.switches) {
      out.push(`${s.readers} readers: ${s.from} → ${s.to}, write ${fixed(s.writeSeconds)} s (tag moved ${fixed(s.tagMovedMs / 1000)} s after it began); ${s.ok ? 'every answer from a published version, every quote an exact slice of its version\'s text, no errors' : 'PROBLEMS (below)'}`);
      out.push(
        table(
          ['readers', 'reader', 'questions', 'before p50 / p95 ms', 'during', 'after', 'tag → serving ms', 'open ms', 'quotes checked', 'check'],
          s.rows.map((x) => [String(s.readers), String(x.reader), int(x.questions), p(x.before), p(x.during), p(x.after), x.switchDelayMs === undefined ? 'never' : int(x.switchDelayMs), x.openMs === undefined ? '—' : int(x.openMs), int(x.quotesChecked), x.unknownVersions.length + x.badAnswers.length + x.errors.length === 0 ? 'ok' : `${x.unknownVersions.length} unknown versions, ${x.badAnswers.length} bad answers, ${x.errors.length} errors`]),
        ),
      );
      for (const x of s.rows) for (const problem of [...x.badAnswers, ...x.errors].slice(0, 3)) out.push(`  reader ${x.reader}: ${problem.split('\n')[0]}`);
    }
  }

  const mil = r.million;
  if (mil) {
    out.push('', `LanceDB at ~${int(mil.target)} passages (derived as above, written by the lancedb store's write in a process of its own)`);
    if (mil.error) {
      out.push(`FAILED: ${mil.error}`);
      if (mil.progress?.length) out.push('last progress:', ...mil.progress.map((l) => `  ${l}`));
    } else if (mil.warm && mil.cold) {
      const p95Ok = mil.p95At100k !== undefined && mil.warm.p95 <= 2 * mil.p95At100k;
      const rssOk = mil.cold.rssMb <= 1024;
      out.push(`${int(mil.passages!)} passages, ${int(mil.sentences!)} sentence rows, ${int(mil.documents!)} documents; derived in ${fixed(mil.deriveSeconds!)} s; writer peak RSS ${int(mil.writerPeakRssMb!)} MB; load avg ${load(mil.loadAverage)} at start`);
      out.push(
        table(
          ['measure', 'value', 'target', 'result'],
          [
            ['ingest + index (store.write)', `${fixed(mil.writeSeconds! / 60, 1)} min`, '', ''],
            ...Object.entries(mil.stepSeconds ?? {}).map(([step, seconds]) => [`  ${step === 'tables' ? 'ingest (tables)' : step}`, `${fixed(seconds)} s`, '', '']),
            ['disk', `${fixed(mil.diskBytes! / 2 ** 30, 2)} GB`, '', ''],
            ['warm p50', `${fixed(mil.warm.p50)} ms`, '', ''],
            ['warm p95', `${fixed(mil.warm.p95)} ms`, mil.p95At100k === undefined ? '≤ 2× the 100k p95 (not measured in this run)' : `≤ 2 × ${fixed(mil.p95At100k)} ms (100k) = ${fixed(2 * mil.p95At100k)} ms`, mil.p95At100k === undefined ? 'n/a' : `${p95Ok ? 'PASS' : 'MISS'} (${ratio(mil.warm.p95, mil.p95At100k)})`],
            ['cold open → first answer', `${int(mil.cold.openToAnswerMs)} ms`, '', ''],
            ['reader RSS after 50 questions', `${int(mil.cold.rssMb)} MB (peak ${int(mil.cold.hwmMb)} MB)`, '≤ 1,024 MB', rssOk ? 'PASS' : 'MISS'],
          ],
          4,
        ),
      );
    }
  }

  if (r.errors.length) out.push('', 'FAILED PARTS', ...r.errors.map((e) => `  ${e.part}: ${e.error}`));
  return out.join('\n');
}

function backendCells(x: BackendRow): string[] {
  return [x.corpus, x.backend, int(x.passages), fixed(x.writeSeconds, 1), fixed(x.warm.p50), fixed(x.warm.p95), int(x.cold.openToAnswerMs), int(x.cold.rssMb), int(x.cold.hwmMb), mb(x.diskBytes), `${fixed(100 * x.warm.answeredShare)}%`, x.loadAverage[0]!.toFixed(2)];
}
