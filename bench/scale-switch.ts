/**
 * Readers answering while a writer publishes: N fresh reader processes (bench/scale-reader.ts)
 * answer in a loop and follow the live version every second; once each has answered for a while,
 * this process writes a new version (the same parts, one document's title marked), then lets the
 * readers answer from it for a while and stops them. Per reader: latency before the write began,
 * while it ran (until that reader switched), and after; the time from the tag move to the reader
 * serving the new version; and whether every answer came whole from one published version.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { BackendKind, IndexStore, VersionParts } from '../src/index/backend.js';
import { ROOT } from './corpora.js';
import { summarize, type LatencySummary } from './metrics.js';
import type { ReaderDone, ReaderSwitch } from './scale-reader.js';
import { wallMs } from './scale-store.js';

export interface SwitchReaderRow {
  readonly reader: number;
  readonly before: LatencySummary;
  readonly during: LatencySummary;
  readonly after: LatencySummary;
  /** Tag move → this reader serving the new version (ms); undefined if it never did. */
  readonly switchDelayMs: number | undefined;
  /** How long its `open()` of the new version took (ms). */
  readonly openMs: number | undefined;
  readonly questions: number;
  readonly quotesChecked: number;
  /** Versions it answered from that were never published (should be none). */
  readonly unknownVersions: string[];
  readonly badAnswers: string[];
  readonly errors: string[];
}

export interface SwitchResult {
  readonly readers: number;
  readonly mark: string;
  readonly from: string;
  readonly to: string;
  /** The write, start to resolve (s); the tag moved `tagMovedMs` after the write started. */
  readonly writeSeconds: number;
  readonly tagMovedMs: number;
  readonly rows: SwitchReaderRow[];
  /** Every answer from a published version, every quote exact, no error, every reader switched. */
  readonly ok: boolean;
}

interface Reader {
  readonly child: ChildProcessWithoutNullStreams;
  readonly ready: Promise<void>;
  readonly done: Promise<ReaderDone>;
  readonly switches: ReaderSwitch[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startReader(backend: BackendKind, location: string, questionsFile: string): Reader {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'scale-reader.ts'), backend, location, questionsFile], {
    cwd: ROOT,
    env: { ...process.env, LANCE_CPU_THREADS: process.env.LANCE_CPU_THREADS ?? '4' },
  });
  const switches: ReaderSwitch[] = [];
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
  let readyResolve!: () => void;
  let doneResolve!: (d: ReaderDone) => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const done = new Promise<ReaderDone>((resolve, reject) => {
    doneResolve = resolve;
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`reader exited with ${code} before reporting: ${err}`)));
  });
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as { event: string } & Record<string, unknown>;
    if (message.event === 'ready') readyResolve();
    else if (message.event === 'switched') switches.push(message as unknown as ReaderSwitch);
    else if (message.event === 'done') doneResolve(message as unknown as ReaderDone);
  });
  // A reader that dies before `ready` must not leave the parent waiting.
  done.catch(() => readyResolve());
  return { child, ready, done, switches };
}

export async function measureSwitch(options: {
  store: IndexStore;
  parts: VersionParts;
  readers: number;
  mark: string;
  questionsFile: string;
  /** Seconds of answering before the write, and after every reader switched. */
  settleSeconds: number;
  note: (m: string) => void;
}): Promise<SwitchResult> {
  const { store, parts, readers, mark, questionsFile, settleSeconds, note } = options;
  const from = await store.liveVersion();
  if (!from) throw new Error(`no live version in ${store.location}`);
  const started = Array.from({ length: readers }, () => startReader(store.backend, store.location, questionsFile));
  try {
    await Promise.all(started.map((r) => r.ready));
    note(`  ${readers} readers answering from ${from}; writing a new version in ${settleSeconds} s…`);
    await sleep(settleSeconds * 1000);

    const writeStart = wallMs();
    let seenAt: number | undefined;
    let writing = true;
    const poll = (async () => {
      while (writing && seenAt === undefined) {
        if ((await store.liveVersion()) !== from) seenAt = wallMs();
        else await sleep(100);
      }
    })();
    const to = await store.write(parts);
    const writeEnd = wallMs();
    writing = false;
    await poll;
    const tagMovedAt = Math.min(seenAt ?? writeEnd, writeEnd);
    note(`  wrote ${to} in ${((writeEnd - writeStart) / 1000).toFixed(1)} s; waiting for the readers to switch…`);

    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && !started.every((r) => r.switches.some((s) => s.to === to))) await sleep(200);
    await sleep(settleSeconds * 1000);
    for (const r of started) r.child.stdin.write('stop\n');
    const reports = await Promise.all(started.map((r) => r.done));

    const published = new Set([from, to]);
    const rows = reports.map((report, i): SwitchReaderRow => {
      const switched = report.switches.find((s) => s.to === to);
      const phase = (f: (q: ReaderDone['questions'][number]) => boolean) => summarize(report.questions.filter(f).map((q) => q.ms));
      return {
        reader: i + 1,
        before: phase((q) => q.at < writeStart),
        during: phase((q) => q.at >= writeStart && q.version !== to),
        after: phase((q) => q.version === to),
        switchDelayMs: switched && switched.at - tagMovedAt,
        openMs: switched?.openMs,
        questions: report.questions.length,
        quotesChecked: report.quotesChecked,
        unknownVersions: [...new Set(report.questions.map((q) => q.version))].filter((v) => !published.has(v)),
        badAnswers: report.badAnswers,
        errors: report.errors,
      };
    });
    const ok = rows.every((r) => r.switchDelayMs !== undefined && r.unknownVersions.length === 0 && r.badAnswers.length === 0 && r.errors.length === 0);
    return { readers, mark, from, to, writeSeconds: (writeEnd - writeStart) / 1000, tagMovedMs: tagMovedAt - writeStart, rows, ok };
  } finally {
    for (const r of started) if (r.child.exitCode === null) r.child.kill();
  }
}
