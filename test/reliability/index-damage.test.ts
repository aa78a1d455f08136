/**
 * Issue 10, item 1: a damaged index file must never reach hnswlib (or JSON.parse) unchecked.
 * Every file of a version is checked against the size and SHA-256 its manifest recorded; a
 * damaged version is passed over with a warning naming the file, and a write that did not
 * reach the disk whole (hnswlib's writeIndex truncates silently when the disk is full) never
 * becomes a version.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isFootnoteError } from '../../src/errors.js';
import { FORMAT_VERSION } from '../../src/index/manifest.js';
import { loadSnapshot, readPassageVectors } from '../../src/index/store.js';
import { checkHnswFile, HNSW_PARAMS } from '../../src/index/vectors.js';
import { silentLogger } from '../../src/log.js';
import { openFootnote } from '../../src/service.js';
import { MODEL_WAIT_MS, expectVerbatim, shownQuotes, slash, startBotRun } from '../e2e/helpers.js';
import { cliEnv, collect, hasStackTrace, ownStderr, runCli, type CliResult } from '../helpers/cli.js';
import { build, recordingLogger, seedIndexedWorkspace } from '../helpers/footnote.js';
import { expectExactFileQuote, forgetFiles } from '../helpers/quotes.js';
import { seededRandom } from '../helpers/random.js';
import { MODEL_DIR, PROJECT_ROOT, indexEntries, readCurrent, removeTempDirs, type Workspace } from '../helpers/workspace.js';

const QUESTION = 'What did Lightfoot tell ICE?';
const CHANGED = 'lightfoot-tells-police-not-to-assist-ice';
const DIMENSION = 384;

afterAll(removeTempDirs);

function changeCorpus(ws: Workspace, sentence = 'The letter was delivered to the White House by courier.'): void {
  fs.appendFileSync(ws.corpusFile(`${CHANGED}.txt`), `\n\n${sentence}\n`);
  forgetFiles();
}

/** A copy of the seed index with two versions: the template's, then one after a change (current). */
async function twoVersions(): Promise<{ ws: Workspace; older: string; current: string }> {
  const ws = await seedIndexedWorkspace();
  const older = readCurrent(ws.indexDir);
  changeCorpus(ws);
  const report = await build(ws.config());
  return { ws, older, current: report.version! };
}

/** Overwrites up to `count` bytes in the middle of `file` with seeded noise; the size stays the same. */
function overwriteMiddle(file: string, count = 20_000): void {
  const size = fs.statSync(file).size;
  const length = Math.min(count, Math.floor(size / 2));
  const random = seededRandom(10);
  const noise = Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, noise, 0, length, Math.floor((size - length) / 2));
  } finally {
    fs.closeSync(fd);
  }
  expect(fs.statSync(file).size).toBe(size);
}

/** Changes one digit of a JSON file, so that it still parses (and would quote the wrong text) but is not what was written. */
function changeOneDigit(file: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const at = text.search(/[1-8]/);
  fs.writeFileSync(file, text.slice(0, at) + String(Number(text[at]) + 1) + text.slice(at + 1));
}

const askJson = (ws: Workspace): Promise<CliResult> =>
  runCli(['ask', '--json', QUESTION], { env: { CORPUS_DIR: ws.corpusDir, INDEX_DIR: ws.indexDir, MODEL_DIR } });

function expectAnswered(result: CliResult, ws: Workspace): void {
  expect(result.signal, ownStderr(result.stderr)).toBeNull();
  expect(result.code, ownStderr(result.stderr)).toBe(0);
  const answer = JSON.parse(result.stdout) as { answered: boolean; quotes: Parameters<typeof expectExactFileQuote>[0][] };
  expect(answer.answered).toBe(true);
  // The command line runs in the project root, so its sources are relative to it (not to the workspace).
  for (const q of answer.quotes) expectExactFileQuote(q, PROJECT_ROOT, `${QUESTION} (${path.relative(PROJECT_ROOT, ws.root)})`);
}

describe('REGRESSION: a damaged vectors.hnsw crashed `ask` with a segmentation fault (issue 10)', () => {
  it('REGRESSION: 20,000 bytes overwritten in the middle of the current vectors.hnsw, same size THEN `ask --json` exits 0 with an answer from the previous version and a warning naming the damage', async () => {
    const { ws, older, current } = await twoVersions();
    overwriteMiddle(path.join(ws.indexDir, current, 'vectors.hnsw'));

    const result = await askJson(ws);
    expectAnswered(result, ws);
    const stderr = ownStderr(result.stderr);
    expect(stderr).toContain(`index version ${current} could not be loaded: vectors.hnsw: checksum mismatch (file damaged)`);
    expect(stderr).toContain(`serving index version ${older} instead`);
    // Served from the older version as it is: nothing was rebuilt, CURRENT was left alone.
    expect(stderr).not.toContain('Building the index');
    expect(indexEntries(ws.indexDir).versions).toEqual([older, current].sort());
    expect(readCurrent(ws.indexDir)).toBe(current);
  });

  it('REGRESSION: the same damage with no other version THEN `ask --json` rebuilds the index, says why, and answers', async () => {
    const ws = await seedIndexedWorkspace();
    const damaged = readCurrent(ws.indexDir);
    overwriteMiddle(path.join(ws.indexDir, damaged, 'vectors.hnsw'));

    const result = await askJson(ws);
    expectAnswered(result, ws);
    expect(ownStderr(result.stderr)).toMatch(/Building the index: The index in .* is damaged \(index version v-\S+ could not be loaded: vectors\.hnsw: checksum mismatch \(file damaged\)\)/);
    expect(readCurrent(ws.indexDir)).not.toBe(damaged);
    expect((await loadSnapshot(ws.indexDir)).snapshot.version).toBe(readCurrent(ws.indexDir));
  });

  it('REGRESSION: the bot\'s path (openFootnote) passes over the damaged version in the same way, and a reindex from there writes a sound one', async () => {
    const { ws, older, current } = await twoVersions();
    overwriteMiddle(path.join(ws.indexDir, current, 'vectors.hnsw'));
    const { log, messages } = recordingLogger();
    const footnote = await openFootnote({ config: ws.config(), log });
    expect(footnote.index.version).toBe(older);
    expect(messages()).toContain(`index version ${current} could not be loaded: vectors.hnsw: checksum mismatch (file damaged)`);
    expect((await footnote.ask(QUESTION)).answered).toBe(true);

    changeCorpus(ws, 'A second courier delivered a copy on Tuesday.');
    const report = await footnote.reindex();
    expect(footnote.index.version).toBe(report.version);
    expect((await loadSnapshot(ws.indexDir)).warnings).toEqual([]);
  });

  it('REGRESSION: the bot started on that index answers its first /ask (it used to die there) from the previous version', async () => {
    const { ws, older, current } = await twoVersions();
    overwriteMiddle(path.join(ws.indexDir, current, 'vectors.hnsw'));
    const footnote = await openFootnote({ config: ws.config(), log: silentLogger, reindexInWorker: true });
    expect(footnote.index.version).toBe(older);
    const run = await startBotRun({ workspace: ws, footnote });
    try {
      const reply = await slash(run, 'ask', { question: QUESTION }).waitForReply(MODEL_WAIT_MS);
      expectVerbatim(shownQuotes(reply), ws.root);
    } finally {
      await run.stop();
    }
  });
});

describe('REGRESSION: damage in any other file of a version is caught before it is parsed', () => {
  const cases: [string, string, (file: string) => void, string][] = [
    ['documents.json', 'one digit changed (still valid JSON)', changeOneDigit, 'checksum mismatch (file damaged)'],
    ['passages.json', 'one digit changed (still valid JSON)', changeOneDigit, 'checksum mismatch (file damaged)'],
    ['sentence-vectors.i8', 'bytes overwritten in the middle', overwriteMiddle, 'checksum mismatch (file damaged)'],
    ['lexical.json', 'bytes overwritten in the middle', overwriteMiddle, 'checksum mismatch (file damaged)'],
    ['lexical.json', 'cut short', (file) => fs.truncateSync(file, fs.statSync(file).size - 10), 'N bytes, the manifest records N+10 (file truncated)'],
    ['vectors.hnsw', 'grown by 68 bytes', (file) => fs.appendFileSync(file, Buffer.alloc(68)), 'N bytes, the manifest records N-68 (file damaged)'],
    ['sentence-vectors.i8', 'deleted', (file) => fs.rmSync(file), 'missing'],
  ];
  for (const [name, how, damage, why] of cases) {
    it(`REGRESSION: the current ${name} ${how} THEN the previous version is served, with a warning "${name}: ${why}…"`, async () => {
      const { ws, older, current } = await twoVersions();
      damage(path.join(ws.indexDir, current, name));
      const { snapshot, warnings } = await loadSnapshot(ws.indexDir);
      expect(snapshot.version).toBe(older);
      const recorded = (JSON.parse(fs.readFileSync(path.join(ws.indexDir, current, 'manifest.json'), 'utf8')) as { files: Record<string, { bytes: number }> }).files[name]!.bytes;
      const size = fs.statSync(path.join(ws.indexDir, current, name), { throwIfNoEntry: false })?.size;
      const expected = why.replace(/N[-+]\d+/, String(recorded)).replace(/^N/, String(size));
      expect(warnings[0]).toBe(`index version ${current} could not be loaded: ${name}: ${expected}`);
      expect(warnings[1]).toBe(`serving index version ${older} instead`);
      const footnote = await openFootnote({ config: ws.config(), log: silentLogger });
      expect(footnote.index.version).toBe(older);
      expect((await footnote.ask(QUESTION)).answered).toBe(true);
    });
  }

  it('GIVEN a current manifest that says another vector dimension (files intact) THEN hnswlib is never given the file: its header does not match, and the previous version is served', async () => {
    const { ws, older, current } = await twoVersions();
    const file = path.join(ws.indexDir, current, 'manifest.json');
    fs.writeFileSync(file, JSON.stringify({ ...(JSON.parse(fs.readFileSync(file, 'utf8')) as object), dimension: 768 }));
    const { snapshot, warnings } = await loadSnapshot(ws.indexDir);
    expect(snapshot.version).toBe(older);
    expect(warnings[0]).toContain(`index version ${current} could not be loaded: vectors.hnsw: not the index the manifest describes (header field size_data_per_element is`);
  });

  it('REGRESSION: damage in the current passage-vectors.f32 (read only for reuse) THEN the next incremental update re-embeds instead of carrying the damage into the new version', async () => {
    const { ws, current } = await twoVersions();
    overwriteMiddle(path.join(ws.indexDir, current, 'passage-vectors.f32'));
    // The version still serves: answering never reads this file.
    const { snapshot } = await loadSnapshot(ws.indexDir);
    expect(snapshot.version).toBe(current);
    await expect(readPassageVectors(ws.indexDir, snapshot)).rejects.toThrow('passage-vectors.f32: checksum mismatch (file damaged)');

    changeCorpus(ws, 'A third paragraph was added later.');
    const { log, messages } = recordingLogger();
    const report = await build(ws.config(), { log });
    expect(messages().some((m) => m.includes('passage-vectors.f32: checksum mismatch (file damaged)'))).toBe(true);
    expect(report.embeddedPassages).toBe(report.passages);

    const loaded = await loadSnapshot(ws.indexDir);
    expect(loaded.snapshot.version).toBe(report.version);
    expect(loaded.warnings).toEqual([]);
    // Every stored vector is a unit vector again: none of the noise was copied over.
    const vectors = await readPassageVectors(ws.indexDir, loaded.snapshot);
    for (let p = 0; p < loaded.snapshot.passages.length; p++) {
      const row = vectors.subarray(p * DIMENSION, (p + 1) * DIMENSION);
      expect(Math.hypot(...row), `passage ${p}`).toBeCloseTo(1, 3);
    }
  });
});

describe('REGRESSION: a short write never becomes a version (writeIndex truncates silently on a full disk)', () => {
  const cuts: [string, string, (size: number) => number, RegExp][] = [
    ['vectors.hnsw', 'inside the vectors', (size) => Math.floor(size / 2), /vectors\.hnsw: truncated: \d+ bytes, 5\d vectors of dimension 384 need at least \d+/],
    ['vectors.hnsw', 'inside the link lists', (size) => size - 30, /vectors\.hnsw: truncated: \d+ bytes end inside the link lists|vectors\.hnsw: truncated: \d+ bytes, the link lists need \d+/],
    ['vectors.hnsw', 'to nothing', () => 0, /vectors\.hnsw: 0 bytes, shorter than hnswlib's 96-byte header/],
    ['lexical.json', 'by one byte', (size) => size - 1, /lexical\.json: \d+ bytes, the manifest records \d+ \(file truncated\)/],
  ];
  for (const [name, where, cut, message] of cuts) {
    it(`REGRESSION: ${name} cut short ${where} before commit THEN the write fails with INDEX_WRITE_FAILED naming it, and the old version stays current`, async () => {
      const ws = await seedIndexedWorkspace();
      const footnote = await openFootnote({ config: ws.config(), log: silentLogger });
      const before = readCurrent(ws.indexDir);
      changeCorpus(ws);
      let tmpDir = '';
      const error = await footnote
        .reindex({
          hooks: {
            beforeCommit: (dir) => {
              tmpDir = dir;
              const file = path.join(dir, name);
              fs.truncateSync(file, cut(fs.statSync(file).size));
            },
          },
        })
        .catch((e: unknown) => e);
      expect(isFootnoteError(error, 'INDEX_WRITE_FAILED'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain('Is the disk full?');

      expect(fs.existsSync(tmpDir)).toBe(false);
      expect(indexEntries(ws.indexDir).versions).toEqual([before]);
      expect(indexEntries(ws.indexDir).tmp).toEqual([]);
      expect(readCurrent(ws.indexDir)).toBe(before);
      expect(footnote.index.version).toBe(before);
      const { snapshot, warnings } = await loadSnapshot(ws.indexDir);
      expect(snapshot.version).toBe(before);
      expect(warnings).toEqual([]);
    });
  }

  it('REGRESSION: a real short write: `index` under a file size limit (ulimit -f) that vectors.hnsw exceeds THEN hnswlib truncates it silently, the write is refused saying so, and the old version stays current', async () => {
    const ws = await seedIndexedWorkspace();
    const before = readCurrent(ws.indexDir);
    const sizes = Object.fromEntries(fs.readdirSync(path.join(ws.indexDir, before)).map((n) => [n, fs.statSync(path.join(ws.indexDir, before, n)).size]));
    // A limit (in KiB) under vectors.hnsw, but with room for every other file (one more passage each): only hnswlib's write hits it.
    const limitKiB = Math.floor(sizes['vectors.hnsw']! / 1024) - 1;
    const others = Object.entries(sizes).filter(([n]) => n !== 'vectors.hnsw');
    for (const [name, size] of others) expect(size + 2 * DIMENSION * 4, name).toBeLessThan(limitKiB * 1024);
    changeCorpus(ws);

    const child = spawn('bash', ['-c', `ulimit -f ${limitKiB} && exec npx tsx src/cli/main.ts index`], {
      cwd: PROJECT_ROOT,
      env: cliEnv({ CORPUS_DIR: ws.corpusDir, INDEX_DIR: ws.indexDir, MODEL_DIR }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result = await collect(child);
    expect(result.signal).toBeNull();
    expect(result.code, ownStderr(result.stderr)).toBe(1);
    expect(ownStderr(result.stderr)).toContain(`The new index version was not written completely, so it was not made current (vectors.hnsw: truncated: ${limitKiB * 1024} bytes,`);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(readCurrent(ws.indexDir)).toBe(before);
    expect(indexEntries(ws.indexDir)).toMatchObject({ versions: [before], tmp: [] });
    expect((await loadSnapshot(ws.indexDir)).warnings).toEqual([]);
  });

  it('GIVEN a written version THEN its manifest records the size and SHA-256 of every other file, matching the files', async () => {
    const ws = await seedIndexedWorkspace();
    const dir = path.join(ws.indexDir, readCurrent(ws.indexDir));
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { formatVersion: number; files: Record<string, { bytes: number; sha256: string }> };
    expect(manifest.formatVersion).toBe(FORMAT_VERSION);
    const names = fs.readdirSync(dir).filter((n) => n !== 'manifest.json').sort();
    expect(Object.keys(manifest.files).sort()).toEqual(names);
    const { createHash } = await import('node:crypto');
    for (const name of names) {
      const bytes = fs.readFileSync(path.join(dir, name));
      expect(manifest.files[name], name).toEqual({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
  });
});

describe('REGRESSION: an index without recorded checksums is rebuilt, with the reason', () => {
  it('REGRESSION: GIVEN a format-2 manifest (no checksums) THEN openFootnote rebuilds instead of trusting its files, and says the format changed', async () => {
    const ws = await seedIndexedWorkspace();
    const old = readCurrent(ws.indexDir);
    const file = path.join(ws.indexDir, old, 'manifest.json');
    const { files: _files, ...manifest } = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...manifest, formatVersion: 2 }));
    // hnswlib would crash on this file; the old format's manifest cannot vouch for it.
    overwriteMiddle(path.join(ws.indexDir, old, 'vectors.hnsw'));

    const error = await loadSnapshot(ws.indexDir).catch((e: unknown) => e);
    expect(isFootnoteError(error, 'INDEX_OUTDATED'), String(error)).toBe(true);

    const { log, messages } = recordingLogger();
    const footnote = await openFootnote({ config: ws.config(), log });
    const building = messages().find((m) => m.startsWith('Building the index:'));
    expect(building).toContain(`was built by another version of Footnote and has to be rebuilt (${old}: index format version changed (2 → ${FORMAT_VERSION}))`);
    expect(footnote.index.version).not.toBe(old);
    expect(footnote.index.manifest.files).toBeDefined();
    expect((await footnote.ask(QUESTION)).answered).toBe(true);
  });

  it('REGRESSION: GIVEN a current-format manifest whose checksums were removed THEN it counts as damaged: the version is passed over and the index rebuilt, saying why', async () => {
    const ws = await seedIndexedWorkspace();
    const old = readCurrent(ws.indexDir);
    const file = path.join(ws.indexDir, old, 'manifest.json');
    const { files: _files, ...manifest } = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify(manifest));

    const { log, messages } = recordingLogger();
    const footnote = await openFootnote({ config: ws.config(), log });
    expect(messages().find((m) => m.startsWith('Building the index:'))).toContain('manifest.json: records no checksums of the index files');
    expect(footnote.index.version).not.toBe(old);
  });
});

describe("hnswlib's own header and sizes", () => {
  it('GIVEN a sound vectors.hnsw THEN it passes; GIVEN another vector count, dimension or M, or a short or long file THEN each problem is named', async () => {
    const ws = await seedIndexedWorkspace();
    const { snapshot } = await loadSnapshot(ws.indexDir);
    const file = path.join(ws.indexDir, snapshot.version, 'vectors.hnsw');
    const expected = { dimension: DIMENSION, count: snapshot.passages.length, m: HNSW_PARAMS.m, efConstruction: HNSW_PARAMS.efConstruction };
    expect(await checkHnswFile(file, expected)).toEqual([]);

    expect(await checkHnswFile(file, { ...expected, count: expected.count - 1 })).toEqual([`header field cur_element_count is ${expected.count}, expected ${expected.count - 1}`]);
    expect((await checkHnswFile(file, { ...expected, dimension: 768 })).join('\n')).toContain('header field size_data_per_element');
    expect((await checkHnswFile(file, { ...expected, m: 32 })).join('\n')).toContain('header field M is 16, expected 32');

    const size = fs.statSync(file).size;
    const copy = path.join(ws.root, 'copy.hnsw');
    fs.writeFileSync(copy, fs.readFileSync(file).subarray(0, size - 4));
    expect((await checkHnswFile(copy, expected))[0]).toMatch(/^truncated/);
    fs.writeFileSync(copy, Buffer.concat([fs.readFileSync(file), Buffer.alloc(4)]));
    expect(await checkHnswFile(copy, expected)).toEqual([`${size + 4} bytes, 4 more than the graph's ${size}`]);
    // A header that claims impossible link lists (here: the enter point beyond the vectors).
    const bytes = fs.readFileSync(file);
    bytes.writeUInt32LE(expected.count + 7, 52);
    fs.writeFileSync(copy, bytes);
    expect(await checkHnswFile(copy, expected)).toEqual([`header field enterpoint_node is ${expected.count + 7}, beyond its ${expected.count} vectors`]);
  });
});
