import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStackTrace, ownStderr, runCli, type CliResult } from '../helpers/cli.js';
import { expectExactFileQuote } from '../helpers/quotes.js';
import { MODEL_DIR, PROJECT_ROOT, SEED_DOC_IDS, createWorkspace, indexEntries, removeTempDirs, type Workspace } from '../helpers/workspace.js';

/**
 * The real command, run as a user would (`npx tsx src/cli/main.ts …` from the project root), on a
 * temporary copy of the seed corpus. The tests run in order: the first builds the index.
 */
const QUOTE_KEYS = ['text', 'docId', 'title', 'source', 'start', 'end', 'lineStart', 'lineEnd', 'score'];

let ws: Workspace;
let env: Record<string, string>;
const cli = (args: string[], input?: string): Promise<CliResult> => runCli(args, { env, ...(input !== undefined && { input }) });

beforeAll(() => {
  ws = createWorkspace({ seed: true });
  env = { CORPUS_DIR: ws.corpusDir, INDEX_DIR: ws.indexDir, MODEL_DIR };
});
afterAll(removeTempDirs);

/** A JSON answer has exactly the documented shape, and its quotes are exact slices of the files. */
function expectJsonAnswer(value: unknown, question: string): { answered: boolean; quotes: Record<string, unknown>[] } {
  expect(value).toBeTypeOf('object');
  const answer = value as Record<string, unknown>;
  expect(Object.keys(answer).slice(0, 3)).toEqual(['question', 'answered', 'quotes']);
  for (const key of Object.keys(answer)) expect(['question', 'answered', 'quotes', 'closest', 'error']).toContain(key);
  expect(answer.question).toBe(question);
  expect(answer.answered).toBeTypeOf('boolean');
  expect(Array.isArray(answer.quotes)).toBe(true);
  const quotes = answer.quotes as Record<string, unknown>[];
  for (const quote of [...quotes, ...((answer.closest as Record<string, unknown>[] | undefined) ?? [])]) {
    const keys = Object.keys(quote);
    expect(keys.slice(0, QUOTE_KEYS.length)).toEqual(QUOTE_KEYS);
    expect(keys.filter((k) => !QUOTE_KEYS.includes(k))).toEqual(quote.url === undefined ? [] : ['url']);
    expect(quote.text).toBeTypeOf('string');
    expect(quote.score).toBeTypeOf('number');
    expectExactFileQuote(quote as never, PROJECT_ROOT, question);
  }
  return { answered: answer.answered as boolean, quotes };
}

describe('footnote on the command line', () => {
  it('GIVEN no index yet WHEN `ask --json "What did Lightfoot tell ICE?"` THEN the index is built with progress on stderr and stdout is exactly one JSON answer', async () => {
    const question = 'What did Lightfoot tell ICE?';
    const result = await cli(['ask', '--json', question]);
    const stderr = ownStderr(result.stderr);
    expect(result.code, stderr).toBe(0);

    const lines = result.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(result.stdout.endsWith('\n')).toBe(true);
    const answer = expectJsonAnswer(JSON.parse(lines[0]!), question);
    expect(answer.answered).toBe(true);
    expect(answer.quotes.length).toBeGreaterThan(0);
    expect(answer.quotes.length).toBeLessThanOrEqual(3);
    expect(answer.quotes.every((q) => SEED_DOC_IDS.includes(q.docId as never))).toBe(true);

    // Built on first use, and said so on stderr only.
    expect(indexEntries(ws.indexDir).versions).toHaveLength(1);
    expect(stderr).toContain('Building the index: there is no index yet.');
    expect(stderr).toMatch(/Embedding passages/);
    expect(stderr).toMatch(/Writing index/);
    expect(result.stdout).not.toMatch(/Embedding|Building|Writing|Reading corpus/);
    expect(hasStackTrace(stderr)).toBe(false);
  });

  it('GIVEN three questions on stdin with --json (one of them "???") THEN it prints three JSON lines in the same order', async () => {
    const questions = ['What is FCRL?', '???', "What's the $1.8 billion about?"];
    const result = await cli(['ask', '--json'], questions.join('\n') + '\n');
    const stderr = ownStderr(result.stderr);
    const lines = result.stdout.split('\n').filter((l) => l !== '');
    expect(lines, stderr).toHaveLength(3);
    const answers = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(answers.map((a) => a.question)).toEqual(questions);

    const fcrl = expectJsonAnswer(answers[0], questions[0]!);
    expect(fcrl.answered).toBe(true);
    expect(fcrl.quotes[0]!.docId).toBe('lightfoot-staff-lobbied-against-ending-qualified-immunity');

    expect(answers[1]).toMatchObject({ question: '???', answered: false, quotes: [] });
    expect(answers[1]!.error).toMatch(/Please ask a question in words/);

    const billion = expectJsonAnswer(answers[2], questions[2]!);
    expect(billion.answered).toBe(true);
    expect(billion.quotes[0]!.docId).toBe('mayors-police-reform-blueprint');

    // The index was already there: nothing rebuilt.
    expect(stderr).not.toContain('Building the index');
    expect(hasStackTrace(stderr)).toBe(false);
  });

  it('GIVEN `sources` THEN it lists the five documents of the corpus', async () => {
    const result = await cli(['sources']);
    expect(result.code, ownStderr(result.stderr)).toBe(0);
    for (const id of SEED_DOC_IDS) expect(result.stdout).toContain(id);
    expect(result.stdout.trim().endsWith('5 documents')).toBe(true);
    expect(result.stdout).toContain('Chicago Mayor Lori Lightfoot Tells Police Not to Assist ICE');
  });

  it('GIVEN `index` with nothing changed THEN it says the index is up to date with its counts', async () => {
    const result = await cli(['index']);
    expect(result.code, ownStderr(result.stderr)).toBe(0);
    expect(result.stdout).toContain('The index is already up to date');
    expect(result.stdout).toContain('Documents: 0 added, 0 changed, 0 removed, 5 unchanged (5 in all).');
    expect(result.stdout).toContain('0 embedded now');
  });

  it('GIVEN one added, one changed and one removed file THEN `index` prints those counts and names them', async () => {
    fs.writeFileSync(ws.corpusFile('library-hours.txt'), 'Library hours extended\n\nThe central library will stay open until 9 p.m. on Saturdays.\n');
    fs.appendFileSync(ws.corpusFile('mayors-police-reform-blueprint.txt'), '\n\nThe full blueprint runs to 30 pages.\n');
    fs.rmSync(ws.corpusFile('lightfoot-will-not-cooperate-with-ice.txt'));
    fs.writeFileSync(ws.corpusFile('broken.jsonl'), '{"id": "x", "text": \n');

    const result = await cli(['index']);
    expect(result.code, ownStderr(result.stderr)).toBe(0);
    expect(result.stdout).toContain('Index updated');
    expect(result.stdout).toContain('Documents: 1 added, 1 changed, 1 removed, 3 unchanged (5 in all).');
    expect(result.stdout).toContain('Added: library-hours');
    expect(result.stdout).toContain('Changed: mayors-police-reform-blueprint');
    expect(result.stdout).toContain('Removed: lightfoot-will-not-cooperate-with-ice');
    expect(result.stdout).toMatch(/Skipped 1:\n\s+\S*broken\.jsonl:1: not valid JSON/);
  });

  it('REGRESSION: GIVEN no index yet WHEN `index --full` THEN the corpus is embedded once, not built on opening and again for --full', async () => {
    const fresh = createWorkspace({ seed: true });
    const result = await runCli(['index', '--full'], { env: { CORPUS_DIR: fresh.corpusDir, INDEX_DIR: fresh.indexDir, MODEL_DIR } });
    expect(result.code, ownStderr(result.stderr)).toBe(0);
    expect(result.stdout).toMatch(/5 added/);
    expect(indexEntries(fresh.indexDir).versions).toHaveLength(1);
  });

  it('GIVEN a question with no words THEN it prints a friendly message, no stack trace, and exits 1', async () => {
    const result = await cli(['ask', '???']);
    const stderr = ownStderr(result.stderr);
    expect(result.code).toBe(1);
    expect(stderr).toContain('Please ask a question in words, for example: "What did Lightfoot tell ICE?"');
    expect(stderr).not.toContain('Unexpected error');
    expect(hasStackTrace(stderr)).toBe(false);
    expect(result.stdout.trim()).toBe('');
  });
});

describe('--server (CORPORA)', () => {
  const SERVER = '123456789012345678';

  it('GIVEN --server with a listed server THEN `index` and `sources` work on that server\'s corpus and index only', async () => {
    const server = createWorkspace({ files: { 'chess.txt': 'Chess Openings\n\nThe Sicilian Defence begins with e4 and c5.\n' } });
    const vars = { ...env, CORPORA: `${SERVER}:${server.corpusDir}:${server.indexDir}` };
    const indexed = await runCli(['index', '--server', SERVER], { env: vars });
    expect(indexed.code, indexed.stderr).toBe(0);
    expect(indexEntries(server.indexDir).versions).toHaveLength(1);
    const listed = await runCli(['sources', '--json', '--server', SERVER], { env: vars });
    expect(JSON.parse(listed.stdout).map((s: { id: string }) => s.id)).toEqual(['chess']);
  });

  it('GIVEN --server with a server CORPORA does not list THEN it says so and exits 2', async () => {
    const result = await cli(['sources', '--server', '999999999999999999']);
    expect(result.code).toBe(2);
    expect(ownStderr(result.stderr)).toContain("--server: CORPORA lists no server '999999999999999999' (listed: none).");
  });
});
