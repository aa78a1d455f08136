import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isFootnoteError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import type { BuildProgress } from '../../src/index/build.js';
import { loadSnapshot } from '../../src/index/store.js';
import type { Answer } from '../../src/search/answer.js';
import { openFootnote } from '../../src/service.js';
import { collect, ownStderr, spawnCli, type CliResult } from '../helpers/cli.js';
import { build, cachedFootnote, recordingLogger, seedIndexedWorkspace } from '../helpers/footnote.js';
import { expectExactFileQuote, forgetFiles } from '../helpers/quotes.js';
import { MODEL_DIR, indexEntries, readCurrent, removeTempDirs, type Workspace } from '../helpers/workspace.js';

const QUESTION = 'What did Lightfoot tell ICE?';
const CHANGED = 'lightfoot-tells-police-not-to-assist-ice';

afterAll(removeTempDirs);

/** Each test works on a copy of its own of the seed corpus and its index. */
const cloneTemplate = seedIndexedWorkspace;

function changeCorpus(ws: Workspace, sentence = 'The letter was delivered to the White House by courier.'): void {
  fs.appendFileSync(ws.corpusFile(`${CHANGED}.txt`), `\n\n${sentence}\n`);
  forgetFiles();
}

const quotesOf = (a: Answer) => a.quotes.map((q) => [q.docId, q.start, q.end, q.text]);

async function expectServes(ws: Workspace, version: string): Promise<void> {
  const { snapshot, warnings } = await loadSnapshot(ws.indexDir);
  expect(snapshot.version).toBe(version);
  expect(warnings).toEqual([]);
  const footnote = await openFootnote({ config: ws.config(), log: silentLogger });
  expect(footnote.index.version).toBe(version);
  const answer = await footnote.ask(QUESTION);
  expect(answer.answered).toBe(true);
  for (const q of answer.quotes) expectExactFileQuote(q, ws.root, QUESTION);
}

/** Runs `index` with `args` and SIGKILLs its whole process tree as soon as stderr matches `when`. */
async function killIndexerWhen(ws: Workspace, args: string[], when: RegExp): Promise<CliResult & { killed: boolean }> {
  const child = spawnCli(['index', ...args], {
    env: { CORPUS_DIR: ws.corpusDir, INDEX_DIR: ws.indexDir, MODEL_DIR },
    detached: true,
  });
  let seen = '';
  let killed = false;
  child.stderr!.on('data', (chunk: Buffer | string) => {
    seen += chunk.toString();
    if (!killed && when.test(seen)) {
      killed = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already exited: the kill came too late to matter, which the caller's checks allow for.
      }
    }
  });
  const result = await collect(child);
  return { ...result, killed };
}

describe('a failure while a new version is written', () => {
  it('GIVEN a reindex that throws just before commit THEN it rejects, the old version stays CURRENT and loads, answers are unchanged, and no tmp folder is left', async () => {
    const ws = await cloneTemplate();
    const footnote = await cachedFootnote(ws.config());
    const before = footnote.index.version;
    const answerBefore = await footnote.ask(QUESTION);
    changeCorpus(ws);

    let tmpDir = '';
    let written: string[] = [];
    await expect(
      footnote.reindex({
        hooks: {
          beforeCommit: (dir) => {
            tmpDir = dir;
            written = fs.readdirSync(dir);
            throw new Error('injected');
          },
        },
      }),
    ).rejects.toThrow('injected');

    // The failure happened with the new files on disk but before the manifest made them a version.
    expect(path.basename(tmpDir)).toMatch(/^tmp-/);
    expect(written).toContain('vectors.hnsw');
    expect(written).not.toContain('manifest.json');

    expect(readCurrent(ws.indexDir)).toBe(before);
    expect((await loadSnapshot(ws.indexDir)).snapshot.version).toBe(before);
    expect(footnote.index.version).toBe(before);
    expect(footnote.reindexing).toBe(false);
    expect(quotesOf(await footnote.ask(QUESTION))).toEqual(quotesOf(answerBefore));
    expect(fs.existsSync(tmpDir)).toBe(false);
    expect(indexEntries(ws.indexDir).tmp).toEqual([]);
    expect(indexEntries(ws.indexDir).all).not.toContain('index.lock');

    // Nothing is stuck: the next reindex goes through and picks up the change.
    const report = await footnote.reindex();
    expect(report).toMatchObject({ changed: [CHANGED], wrote: true });
    expect(readCurrent(ws.indexDir)).toBe(report.version);
  });

  /** Shared by the next two tests: the workspace whose indexer was killed. */
  let killedWs: Workspace;

  it('GIVEN `index --full` is SIGKILLed while embedding THEN the previous version is still CURRENT, loads and answers', async () => {
    const ws = (killedWs = await cloneTemplate());
    const before = readCurrent(ws.indexDir);
    const result = await killIndexerWhen(ws, ['--full'], /Embedding/);
    expect(result.killed, ownStderr(result.stderr)).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(readCurrent(ws.indexDir)).toBe(before);
    expect(indexEntries(ws.indexDir).versions).toEqual([before]);
    await expectServes(ws, before);
  });

  it('GIVEN an indexer was SIGKILLed holding the index lock THEN the next reindex takes the lock over and cleans up', async () => {
    const ws = killedWs;
    const lockFile = path.join(ws.indexDir, 'index.lock');
    expect(fs.existsSync(lockFile)).toBe(true);
    const { pid } = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid: number };
    // NOTE: where PID 1 does not reap orphans (this VM, Docker without --init) the killed indexer
    // stays a zombie, which `process.kill(pid, 0)` still reports as alive.
    const state = fs.existsSync(`/proc/${pid}/status`) ? /State:\s+(\S)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] : 'gone';
    expect(['gone', 'Z']).toContain(state);

    const footnote = await openFootnote({ config: ws.config(), log: silentLogger });
    changeCorpus(ws);
    const report = await footnote.reindex();
    expect(report).toMatchObject({ changed: [CHANGED], wrote: true });
    expect(fs.existsSync(lockFile)).toBe(false);
    expect(indexEntries(ws.indexDir).tmp).toEqual([]);
  });

  it('GIVEN `index` is SIGKILLed while writing THEN CURRENT names a complete version that loads and answers', async () => {
    const ws = await cloneTemplate();
    const before = readCurrent(ws.indexDir);
    changeCorpus(ws);
    const result = await killIndexerWhen(ws, [], /Writing/);
    expect(result.killed, ownStderr(result.stderr)).toBe(true);
    // The kill lands before or after the commit; either way CURRENT is whole and loads.
    const current = readCurrent(ws.indexDir);
    expect(indexEntries(ws.indexDir).versions).toContain(current);
    expect(indexEntries(ws.indexDir).versions).toContain(before);
    await expectServes(ws, current);
  });
});

describe('a damaged index', () => {
  /** A clone with two versions: the template's, then one after a change (current). */
  async function twoVersions(): Promise<{ ws: Workspace; older: string; current: string }> {
    const ws = await cloneTemplate();
    const older = readCurrent(ws.indexDir);
    changeCorpus(ws);
    const report = await build(ws.config());
    return { ws, older, current: report.version! };
  }

  it('GIVEN the current version\'s vectors.hnsw is truncated THEN loadSnapshot falls back to the previous version and says why', async () => {
    const { ws, older, current } = await twoVersions();
    const file = path.join(ws.indexDir, current, 'vectors.hnsw');
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    const { snapshot, warnings } = await loadSnapshot(ws.indexDir);
    expect(snapshot.version).toBe(older);
    expect(warnings.join('\n')).toContain(current);

    const footnote = await openFootnote({ config: ws.config(), log: silentLogger });
    expect(footnote.index.version).toBe(older);
    expect((await footnote.ask(QUESTION)).answered).toBe(true);
  });

  it('GIVEN garbage in the current passages.json THEN loadSnapshot falls back to the previous version', async () => {
    const { ws, older, current } = await twoVersions();
    fs.writeFileSync(path.join(ws.indexDir, current, 'passages.json'), '\u0000garbage{[');
    const { snapshot, warnings } = await loadSnapshot(ws.indexDir);
    expect(snapshot.version).toBe(older);
    expect(warnings.join('\n')).toContain(current);
  });

  it('GIVEN every version is damaged THEN loadSnapshot reports INDEX_CORRUPT and openFootnote rebuilds instead of crashing', async () => {
    const { ws, older, current } = await twoVersions();
    fs.truncateSync(path.join(ws.indexDir, current, 'vectors.hnsw'), 100);
    fs.writeFileSync(path.join(ws.indexDir, older, 'passages.json'), '[[1,2,3]]');
    const error = await loadSnapshot(ws.indexDir).catch((e: unknown) => e);
    expect(isFootnoteError(error, 'INDEX_CORRUPT')).toBe(true);
    expect((error as Error).message).toContain(ws.indexDir);

    const { log, messages } = recordingLogger();
    const footnote = await openFootnote({ config: ws.config(), log });
    expect([older, current]).not.toContain(footnote.index.version);
    expect(messages().some((m) => m.startsWith('Building the index:') && m.includes('damaged'))).toBe(true);
    const answer = await footnote.ask(QUESTION);
    expect(answer.answered).toBe(true);
    for (const q of answer.quotes) expectExactFileQuote(q, ws.root, QUESTION);
    expect((await loadSnapshot(ws.indexDir)).snapshot.version).toBe(footnote.index.version);
  });

  it('GIVEN a garbage CURRENT file THEN the newest complete version is served, with a warning', async () => {
    const { ws, current } = await twoVersions();
    fs.writeFileSync(path.join(ws.indexDir, 'CURRENT'), Buffer.from([0xff, 0x00, 0x13, 0x37, 0x0a, 0x76, 0x2d]));
    const { snapshot, warnings } = await loadSnapshot(ws.indexDir);
    expect(snapshot.version).toBe(current);
    expect(warnings.length).toBeGreaterThan(0);
    const footnote = await openFootnote({ config: ws.config(), log: silentLogger });
    expect(footnote.index.version).toBe(current);
    expect((await footnote.ask(QUESTION)).answered).toBe(true);

    // A reindex then writes a proper CURRENT again.
    changeCorpus(ws, 'A second courier delivered a copy on Tuesday.');
    const report = await footnote.reindex();
    expect(readCurrent(ws.indexDir)).toBe(report.version);
  });

  it('GIVEN CURRENT is missing THEN the newest complete version is served', async () => {
    const { ws, current } = await twoVersions();
    fs.rmSync(path.join(ws.indexDir, 'CURRENT'));
    expect((await loadSnapshot(ws.indexDir)).snapshot.version).toBe(current);
  });

  it('GIVEN the current version\'s passage-vectors.f32 is truncated WHEN a change is reindexed THEN the new current version loads (the damage is not carried into it)', async () => {
    const { ws, current } = await twoVersions();
    const file = path.join(ws.indexDir, current, 'passage-vectors.f32');
    fs.truncateSync(file, fs.statSync(file).size - 384 * 4 * 3);
    changeCorpus(ws, 'A third paragraph was added later.');
    const report = await build(ws.config());
    expect(report.wrote).toBe(true);
    const { snapshot, warnings } = await loadSnapshot(ws.indexDir);
    expect(warnings).toEqual([]);
    expect(snapshot.version).toBe(report.version);
    expect(snapshot.vectors.size).toBe(snapshot.passages.length);
  });

  it('GIVEN the current version is damaged WHEN a reindex writes a new one THEN the fallback it keeps is a version that loads', async () => {
    const { ws, current } = await twoVersions();
    fs.truncateSync(path.join(ws.indexDir, current, 'vectors.hnsw'), 100);
    changeCorpus(ws, 'A third paragraph was added later.');
    const report = await build(ws.config());
    expect(report.wrote).toBe(true);
    // Now the newest version is damaged too (a bad disk, a stray edit): a complete, loadable
    // version must still be there to fall back to.
    fs.truncateSync(path.join(ws.indexDir, report.version!, 'vectors.hnsw'), 100);
    const loaded = await loadSnapshot(ws.indexDir).catch((e: unknown) => e);
    expect(loaded, `versions kept: ${indexEntries(ws.indexDir).versions.join(', ')}`).not.toBeInstanceOf(Error);
  });
});

describe('one reindex at a time', () => {
  it('GIVEN a reindex running in this process WHEN another is asked for THEN it is refused with INDEX_BUSY', async () => {
    const ws = await cloneTemplate();
    const footnote = await openFootnote({ config: ws.config(), log: silentLogger });
    changeCorpus(ws);
    const first = footnote.reindex();
    expect(footnote.reindexing).toBe(true);
    await expect(footnote.reindex()).rejects.toMatchObject({ code: 'INDEX_BUSY' });
    const report = await first;
    expect(report.wrote).toBe(true);
    expect(footnote.reindexing).toBe(false);
  });

  it('GIVEN two services on one index WHEN the second reindexes while the first does THEN it gets INDEX_BUSY', async () => {
    const ws = await cloneTemplate();
    const one = await openFootnote({ config: ws.config(), log: silentLogger });
    const two = await openFootnote({ config: ws.config(), log: silentLogger });
    let embedding!: () => void;
    const started = new Promise<void>((resolve) => (embedding = resolve));
    changeCorpus(ws);
    const first = one.reindex({ onProgress: (p: BuildProgress) => p.phase === 'embedding' && embedding() });
    await started;
    await expect(two.reindex()).rejects.toMatchObject({ code: 'INDEX_BUSY' });
    expect((await first).wrote).toBe(true);
    // Once the first has finished, the second may reindex.
    expect((await two.reindex()).wrote).toBe(false);
  });

  it('GIVEN a lock held by another live process THEN reindex is refused with INDEX_BUSY naming it, and goes through once it has exited', async () => {
    const ws = await cloneTemplate();
    const footnote = await openFootnote({ config: ws.config(), log: silentLogger });
    const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => holder.on('exit', resolve));
    const lockFile = path.join(ws.indexDir, 'index.lock');
    const lock = JSON.stringify({ pid: holder.pid, startedAt: new Date().toISOString() });
    fs.writeFileSync(lockFile, lock);
    try {
      await expect(footnote.reindex()).rejects.toMatchObject({ code: 'INDEX_BUSY', message: expect.stringContaining(String(holder.pid)) });
      expect(fs.readFileSync(lockFile, 'utf8')).toBe(lock);
    } finally {
      holder.kill('SIGKILL');
      await exited;
    }
    changeCorpus(ws);
    expect(await footnote.reindex()).toMatchObject({ changed: [CHANGED], wrote: true });
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it('GIVEN a stale lock file from a dead process THEN reindex takes it over', async () => {
    const ws = await cloneTemplate();
    const footnote = await openFootnote({ config: ws.config(), log: silentLogger });
    const dead = spawnSync('true').pid;
    const lockFile = path.join(ws.indexDir, 'index.lock');
    fs.writeFileSync(lockFile, JSON.stringify({ pid: dead, startedAt: '2020-01-01T00:00:00.000Z' }));
    changeCorpus(ws);
    expect(await footnote.reindex()).toMatchObject({ changed: [CHANGED], wrote: true });
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it('GIVEN an unreadable (garbage) lock file THEN reindex takes it over', async () => {
    const ws = await cloneTemplate();
    const footnote = await openFootnote({ config: ws.config(), log: silentLogger });
    fs.writeFileSync(path.join(ws.indexDir, 'index.lock'), 'not json');
    changeCorpus(ws);
    expect(await footnote.reindex()).toMatchObject({ changed: [CHANGED], wrote: true });
  });
});
