/**
 * The corpora the benchmark indexes, each a folder holding only corpus files (the SciFact bench
 * folder also holds queries and a README, which must not be indexed):
 *
 * - `seed`: the bundled corpus/ (5 articles, ~50 passages), used in place.
 * - `scifact`: BEIR SciFact's corpus.jsonl (5,183 abstracts, ~22,000 passages), copied.
 * - `scifact-2k`: a ~2,000-passage SciFact sample for --quick: every document judged relevant
 *   to a test query, then documents in a fixed pseudo-random order until the estimate is reached,
 *   so all 300 test queries can still be scored on it.
 * - `100k`: ~100,000 passages made from the seed and SciFact texts: the seed articles, SciFact
 *   as is, then SciFact abstracts again with their sentences in a different (seeded) order per
 *   copy, until the estimate reaches the target. Near-duplicates, but no two identical passages
 *   in the common case, so HNSW and BM25 do the work a real corpus of that size would need.
 *
 * Passage counts are estimated with Footnote's own sentence splitter, tokenizer and packing; the
 * real count is what the build reports.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { packPassages } from '../src/corpus/passages.js';
import { splitSentences } from '../src/corpus/sentences.js';
import { seededRandom } from '../test/helpers/random.js';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const WORK = path.join(ROOT, '.bench');

/** seed, scifact, scifact-2k (the --quick sample; scifact-<n> for another size), 100k. */
export type CorpusName = string;

export interface Corpus {
  readonly name: CorpusName;
  /** Folder holding only the corpus files. */
  readonly dir: string;
  readonly description: string;
}

export interface PassageEstimator {
  /** Token ids of a text, no special tokens (Footnote's Embedder.tokenize). */
  tokenize(text: string): number[];
  readonly passageMaxTokens: number;
  readonly overlapSentences: number;
  /** Longest content per model input, special tokens excluded. */
  readonly maxContentTokens: number;
}

interface Record {
  readonly _id: string;
  readonly title: string;
  readonly text: string;
}

const TITLE_TOKENS = 32; // as src/index/build.ts

export function scifactSourceDir(): string {
  return path.resolve(process.env.SCIFACT_BENCH_DIR ?? path.join(ROOT, '..', 'shared', 'bench', 'scifact'));
}

export function seedCorpus(): Corpus {
  return { name: 'seed', dir: path.join(ROOT, 'corpus'), description: 'bundled corpus/ (5 news articles)' };
}

export function scifactCorpus(): Corpus {
  const dir = path.join(WORK, 'corpora', 'scifact');
  const source = path.join(scifactSourceDir(), 'corpus.jsonl');
  const target = path.join(dir, 'corpus.jsonl');
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(target) || fs.statSync(target).size !== fs.statSync(source).size) fs.copyFileSync(source, target);
  return { name: 'scifact', dir, description: 'BEIR SciFact corpus (5,183 abstracts)' };
}

function readRecords(file: string): Record[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const r = JSON.parse(l) as { _id: string; title?: string; text: string };
      return { _id: r._id, title: r.title ?? '', text: r.text };
    });
}

/** Footnote's passage count for a JSONL record, from its sentences' token counts (as src/index/build.ts packs them). */
function estimatePassages(counts: readonly number[], titleTokens: number, est: PassageEstimator): number {
  const budget = Math.max(16, Math.min(est.passageMaxTokens, est.maxContentTokens - Math.min(TITLE_TOKENS, titleTokens)));
  // A sentence longer than the budget is cut into pieces of at most `budget` tokens.
  const pieces = counts.flatMap((n) => (n <= budget ? [n] : Array.from({ length: Math.ceil(n / budget) }, (_, i) => Math.min(budget, n - i * budget))));
  return pieces.length === 0 ? 0 : packPassages(pieces, budget, est.overlapSentences).length;
}

function sentencesOf(text: string): string[] {
  return splitSentences(text).map((s) => text.slice(s.start, s.end));
}

function idHash(id: string): string {
  return createHash('sha1').update(id).digest('hex');
}

/** Writes `file` only when its content would change, so the corpus fingerprint (and cache key) stays put. */
function writeIfChanged(file: string, content: string): void {
  if (fs.existsSync(file) && fs.statSync(file).size === Buffer.byteLength(content) && fs.readFileSync(file, 'utf8') === content) return;
  fs.writeFileSync(file, content);
}

function jsonl(records: readonly Record[]): string {
  return records.map((r) => JSON.stringify({ _id: r._id, title: r.title, text: r.text })).join('\n') + '\n';
}

/** The --quick SciFact sample: all test-judged documents, then others in a fixed order, until ~`target` passages. */
export function scifactSample(target: number, judged: ReadonlySet<string>, est: PassageEstimator): Corpus & { estimatedPassages: number; documents: number } {
  const name = target % 1000 === 0 ? `scifact-${target / 1000}k` : `scifact-${target}`;
  const dir = path.join(WORK, 'corpora', name);
  fs.mkdirSync(dir, { recursive: true });
  const records = readRecords(path.join(scifactSourceDir(), 'corpus.jsonl'));
  const first = records.filter((r) => judged.has(r._id));
  const rest = records.filter((r) => !judged.has(r._id)).sort((a, b) => (idHash(a._id) < idHash(b._id) ? -1 : 1));
  const chosen: Record[] = [];
  let passages = 0;
  for (const r of [...first, ...rest]) {
    if (passages >= target && chosen.length >= first.length) break;
    chosen.push(r);
    passages += estimatePassages(sentencesOf(r.text).map((s) => est.tokenize(s).length), est.tokenize(r.title).length, est);
  }
  writeIfChanged(path.join(dir, 'corpus.jsonl'), jsonl(chosen));
  return { name, dir, description: `SciFact sample: ${chosen.length} abstracts (all ${first.length} judged for the test queries + a fixed pseudo-random rest)`, estimatedPassages: passages, documents: chosen.length };
}

const GENERATOR_VERSION = 1;

/**
 * The ~100k-passage corpus: seed articles (as .txt) + SciFact + re-ordered SciFact copies.
 * Generated once; a stamp beside the folder records what it was made from.
 */
export function largeCorpus(target: number, est: PassageEstimator, log: (m: string) => void): Corpus & { estimatedPassages: number; documents: number } {
  const name = target % 1000 === 0 ? `${target / 1000}k` : String(target);
  const dir = path.join(WORK, 'corpora', name);
  const stampFile = path.join(WORK, 'corpora', `${name}.stamp.json`);
  const source = path.join(scifactSourceDir(), 'corpus.jsonl');
  const seedDir = path.join(ROOT, 'corpus');
  const seedFiles = fs.readdirSync(seedDir).filter((f) => /\.(txt|md)$/.test(f)).sort();
  const wanted = {
    generator: GENERATOR_VERSION,
    target,
    scifactBytes: fs.statSync(source).size,
    seed: seedFiles.map((f) => [f, fs.statSync(path.join(seedDir, f)).size]),
    passageMaxTokens: est.passageMaxTokens,
    overlapSentences: est.overlapSentences,
  };
  const stamp = fs.existsSync(stampFile) ? (JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { wanted: unknown; estimatedPassages: number; documents: number }) : undefined;
  const describe = (documents: number, estimated: number) =>
    `${documents.toLocaleString('en-US')} documents: the 5 seed articles, SciFact, and SciFact re-ordered (sentences shuffled per copy) up to ~${(target / 1000).toFixed(0)}k passages`;
  if (stamp && JSON.stringify(stamp.wanted) === JSON.stringify(wanted) && fs.existsSync(path.join(dir, 'scifact-plus.jsonl'))) {
    return { name, dir, description: describe(stamp.documents, stamp.estimatedPassages), estimatedPassages: stamp.estimatedPassages, documents: stamp.documents };
  }

  log(`generating the ${name} corpus (tokenizing SciFact to estimate passages)…`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let passages = 0;
  let documents = 0;
  for (const f of seedFiles) {
    fs.copyFileSync(path.join(seedDir, f), path.join(dir, f));
    const text = fs.readFileSync(path.join(seedDir, f), 'utf8');
    passages += estimatePassages(sentencesOf(text).map((s) => est.tokenize(s).length), 16, est);
    documents++;
  }
  const records = readRecords(source);
  const prepared = records.map((r) => {
    const sentences = sentencesOf(r.text);
    return { r, sentences, counts: sentences.map((s) => est.tokenize(s).length), titleTokens: est.tokenize(r.title).length };
  });
  const out: string[] = [];
  for (const p of prepared) {
    out.push(JSON.stringify({ _id: p.r._id, title: p.r.title, text: p.r.text }));
    passages += estimatePassages(p.counts, p.titleTokens, est);
    documents++;
  }
  for (let copy = 1; passages < target; copy++) {
    for (let i = 0; i < prepared.length && passages < target; i++) {
      const p = prepared[i]!;
      if (p.sentences.length < 2) continue;
      const next = seededRandom(copy * 1_000_003 + i);
      const order = p.sentences.map((_, k) => k);
      for (let k = order.length - 1; k > 0; k--) {
        const j = Math.floor(next() * (k + 1));
        [order[k], order[j]] = [order[j]!, order[k]!];
      }
      out.push(JSON.stringify({ _id: `${p.r._id}-r${copy}`, title: `${p.r.title} (reordered ${copy})`, text: order.map((k) => p.sentences[k]).join(' ') }));
      passages += estimatePassages(order.map((k) => p.counts[k]!), p.titleTokens + 4, est);
      documents++;
    }
  }
  fs.writeFileSync(path.join(dir, 'scifact-plus.jsonl'), out.join('\n') + '\n');
  fs.writeFileSync(stampFile, JSON.stringify({ wanted, estimatedPassages: passages, documents }, null, 1));
  log(`generated ${documents.toLocaleString('en-US')} documents, ~${passages.toLocaleString('en-US')} passages (estimated)`);
  return { name, dir, description: describe(documents, passages), estimatedPassages: passages, documents };
}

/** Content hash of a corpus folder (relative paths and bytes of every file), for the index cache key. */
export function fingerprint(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        hash.update(path.relative(dir, full) + '\0');
        hash.update(fs.readFileSync(full));
        hash.update('\0');
      }
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** Bytes under a folder (the size of an index version on disk). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(full) : fs.statSync(full).size;
  }
  return total;
}
