/**
 * The benchmark scripts on a tiny hand-made corpus (test/fixtures/eval/: four short articles,
 * SQuAD-style questions, SciFact-style claims with rationale offsets): their core scores exactly
 * what `footnote.ask` returns, and the scripts themselves run end to end with --json and --dump.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClaims, runRationales, summarizeRationales, type RationaleRow } from '../../scripts/lib/rationales.js';
import { prepareCorpusCache } from '../../scripts/lib/setup.js';
import { parseSquadQuestions, runSquad, summarizeSquad, type SquadRow } from '../../scripts/lib/squad.js';
import type { Footnote } from '../../src/service.js';
import { cliEnv, collect, ownStderr } from '../helpers/cli.js';
import { cachedFootnote } from '../helpers/footnote.js';
import { MODEL_DIR, PROJECT_ROOT, makeTempDir, removeTempDirs, testConfig } from '../helpers/workspace.js';

afterAll(removeTempDirs);

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'eval');
const read = (rel: string) => fs.readFileSync(path.join(FIXTURES, rel), 'utf8');

/** Footnote on a cached copy of a fixture corpus, as the scripts open it. */
async function openFixture(corpusFile: string): Promise<Footnote> {
  const root = makeTempDir('footnote-eval');
  const cache = prepareCorpusCache(path.join(root, 'cache'), path.join(FIXTURES, corpusFile));
  return cachedFootnote(testConfig({ CORPUS_DIR: cache.corpusDir, INDEX_DIR: cache.indexDir }, root));
}

describe('eval:squad core on the fixture corpus', () => {
  let footnote: Footnote;
  let v1: SquadRow[];
  let v2: SquadRow[];

  beforeAll(async () => {
    footnote = await openFixture('squad/corpus.jsonl');
    v1 = await runSquad((q) => footnote.ask(q), parseSquadQuestions(read('squad/questions.jsonl')));
    v2 = await runSquad((q) => footnote.ask(q), parseSquadQuestions(read('squad/questions-v2.jsonl')));
  });

  it('GIVEN each question THEN the scored quotes are exactly those footnote.ask returns, at most MAX_QUOTES', async () => {
    for (const row of v1) {
      const answer = await footnote.ask(row.question.question);
      expect(row.asked.answered, row.question.id).toBe(answer.answered);
      expect(row.asked.quotes, row.question.id).toEqual(answer.quotes);
      expect(row.asked.quotes.length).toBeLessThanOrEqual(footnote.config.maxQuotes);
    }
  });

  it('GIVEN plain questions with one clear answer each THEN every one is answered from its article and quoted', () => {
    const s = summarizeSquad(v1);
    expect(s.answerable).toBe(8);
    expect(s.falselyDeclined.count).toBe(0);
    expect(s.docHit.at1.count).toBe(8);
    expect(s.quoteHit.at3.count).toBe(8);
    expect(s.quoteHitGoldDoc.at3.count).toBe(8);
    // Quotes are sentences of these short paragraphs: never empty, never a whole article.
    expect(s.meanQuoteChars).toBeGreaterThan(40);
    expect(s.meanQuoteChars).toBeLessThan(400);
    expect(s.quotesMeasured).toBe(v1.reduce((n, r) => n + r.asked.quotes.length, 0));
  });

  it('GIVEN v2.0 questions THEN hits count the answerable only and off-topic questions are declined', () => {
    const s = summarizeSquad(v2);
    expect([s.answerable, s.unanswerable]).toEqual([6, 2]);
    expect(s.quoteHit.at3.of).toBe(6);
    expect(s.unanswerableDeclined).toMatchObject({ count: 2, of: 2 });
    expect(s.falselyDeclined.count).toBe(0);
  });
});

describe('eval:rationales core on the fixture corpus (BEIR layout)', () => {
  let footnote: Footnote;
  let rows: RationaleRow[];

  beforeAll(async () => {
    footnote = await openFixture('scifact/corpus.jsonl');
    rows = await runRationales((q) => footnote.ask(q), parseClaims(read('scifact-rationales/claims.jsonl')));
  });

  it('GIVEN claims that restate one sentence THEN that sentence is quoted; the claim without evidence is declined', async () => {
    const s = summarizeRationales(rows);
    expect([s.withEvidence, s.withoutEvidence]).toEqual([3, 1]);
    expect(s.rationaleHit.at1.count).toBe(3);
    expect(s.docHit.at1.count).toBe(3);
    expect(s.noEvidenceDeclined).toMatchObject({ count: 1, of: 1 });
    for (const row of rows) expect(row.asked.quotes).toEqual((await footnote.ask(row.claim.claim)).quotes);
  });
});

describe('the scripts end to end', () => {
  /** Runs a script as `npm run` would, from the project root, with a cache of its own. */
  async function runScript(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; dump: Record<string, unknown>[] }> {
    const root = makeTempDir('footnote-eval-script');
    const dump = path.join(root, 'dump.jsonl');
    const child = spawn('npx', ['tsx', script, ...args, '--cache', path.join(root, 'cache'), '--json', '--dump', dump], {
      cwd: PROJECT_ROOT,
      env: cliEnv({ MODEL_DIR }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result = await collect(child);
    const lines = fs.existsSync(dump) ? fs.readFileSync(dump, 'utf8').split('\n').filter(Boolean) : [];
    return { ...result, dump: lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
  }

  it('GIVEN eval-squad --v2 --sample 4 THEN it prints the table, a JSON summary of 4 questions and a dump line each', async () => {
    const run = await runScript('scripts/eval-squad.ts', ['--v2', '--bench', 'test/fixtures/eval/squad', '--sample', '4']);
    expect(run.code, ownStderr(run.stderr)).toBe(0);
    expect(run.stdout).toMatch(/SQuAD v2\.0 dev: 4 documents/);
    expect(run.stdout).toMatch(/quote-hit-gold-doc/);
    expect(run.stdout).toMatch(/ms per question/);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(summary).toMatchObject({ eval: 'squad-v2.0-dev', questions: 4, sample: 4, documents: 4, maxQuotes: 3 });
    expect(typeof summary.commit).toBe('string');
    expect(run.dump).toHaveLength(4);
    expect(Object.keys(run.dump[0]!)).toEqual(expect.arrayContaining(['id', 'question', 'goldDocId', 'answered', 'quotes', 'hits']));
    // The dump's quotes are verbatim slices of the fixture's documents.
    const texts = new Map(read('squad/corpus-v2.jsonl').split('\n').filter(Boolean).map((l) => { const d = JSON.parse(l) as { id: string; text: string }; return [d.id, d.text]; }));
    for (const record of run.dump) {
      for (const q of record.quotes as { docId: string; start: number; end: number; text: string }[]) expect(texts.get(q.docId)!.slice(q.start, q.end)).toBe(q.text);
    }
  });

  it('GIVEN eval-rationales THEN it scores the four claims and reports the declined share', async () => {
    const run = await runScript('scripts/eval-rationales.ts', ['--bench', 'test/fixtures/eval/scifact-rationales']);
    expect(run.code, ownStderr(run.stderr)).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { claims: number; withEvidence: number; rationaleHit: { at3: { count: number } }; noEvidenceDeclined: { of: number } };
    expect(summary).toMatchObject({ eval: 'scifact-rationales-dev', claims: 4, withEvidence: 3 });
    expect(summary.noEvidenceDeclined.of).toBe(1);
    expect(summary.rationaleHit.at3.count).toBe(3);
    expect(run.dump.map((r) => r.id)).toEqual(['11', '12', '13', '14']);
  });

  it('GIVEN a bad --sample THEN it says what is wrong and exits 2 without indexing', async () => {
    const run = await runScript('scripts/eval-squad.ts', ['--bench', 'test/fixtures/eval/squad', '--sample', 'lots']);
    expect(run.code).toBe(2);
    expect(ownStderr(run.stderr)).toMatch(/--sample: expected a positive whole number, got 'lots'/);
    expect(run.stdout).toBe('');
  });
});
