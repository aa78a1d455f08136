/**
 * Many members asking at once: `npm run bench:burst [-- --members 200 --runs 1 --only quiet,reindex]`.
 *
 * The real bot (startBot, the real model and index) logged in to the Discord stand-in, which
 * enforces Discord's 3 s acknowledgement window and limits; N members each send /ask at the same
 * moment, with distinct questions (the worst case: no answer is shared, no query vector cached).
 * 'quiet' is the burst alone; 'reindex' the same while a /reindex embeds new documents in its
 * worker thread. Bot, stand-in and model share this one process and the machine's cores, so the
 * figures include the stand-in's own work. Prints a table; writes bench/results/burst-latest.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { startBot } from '../src/discord/client.js';
import { COMMANDS, commandDefinitions } from '../src/discord/registry.js';
import { createLogger } from '../src/log.js';
import { openFootnote } from '../src/service.js';
import { IDS, MODERATOR, slashCommand, startDiscordStandin } from '../test/e2e/discord-standin/index.js';
import { runBurst, sampleRss, type BurstFigures } from '../test/helpers/burst.js';
import { ROOT, scifactSourceDir } from './corpora.js';
import { readQueries, readSeedQuestions } from './metrics.js';

const TOKEN = 'bench-token';
const MODES = ['quiet', 'reindex'] as const;
type Mode = (typeof MODES)[number];
/** SciFact abstracts a 'reindex' run adds to the corpus: enough embedding to outlast a burst. */
const REINDEX_DOCUMENTS = 150;
/** Questions timed one by one before each burst, to say how fast the machine was then. */
const PROBES = 10;

interface Options {
  members: number;
  runs: number;
  modes: Mode[];
}

interface BurstRow extends BurstFigures {
  readonly mode: Mode;
  readonly run: number;
  /** Peak resident memory of the process during the burst, MB. */
  readonly peakRssMb: number;
  /** Whether the reindex was still running when the last member got their reply. */
  readonly reindexOverlapped?: boolean;
  readonly loadAverage: number;
  /** One question asked alone just before the burst (mean of PROBES, ms): the machine's speed then. */
  readonly aloneMs: number;
  /** The queue's mean answer time at the end of the burst (ms). */
  readonly queueAnswerMs: number;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const int = (name: string, fallback: number) => {
    const v = value(name);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer, got '${v}'`);
    return n;
  };
  const modes = (value('--only') ?? MODES.join(',')).split(',') as Mode[];
  for (const m of modes) if (!MODES.includes(m)) throw new Error(`--only: expected ${MODES.join(', ')}, got '${m}'`);
  return { members: int('--members', 200), runs: int('--runs', 1), modes };
}

/** Distinct questions: the seed questions (dev and holdout), then SciFact's queries. */
function questionPool(): string[] {
  const seed = ['seed-questions.jsonl', 'seed-questions-holdout.jsonl'].flatMap((f) => readSeedQuestions(path.join(ROOT, 'eval', f)).map((q) => q.question));
  const scifact = [...readQueries(path.join(scifactSourceDir(), 'queries.jsonl')).values()];
  return [...new Set([...seed, ...scifact].map((q) => q.replace(/\s+/g, ' ').trim()))];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'footnote-burst-'));
  const corpusDir = path.join(root, 'corpus');
  fs.cpSync(path.join(ROOT, 'corpus'), corpusDir, { recursive: true });
  const scifactRecords = fs.readFileSync(path.join(scifactSourceDir(), 'corpus.jsonl'), 'utf8').split('\n').filter(Boolean);
  const pool = questionPool();
  const needed = (options.members + PROBES) * options.runs * options.modes.length;
  if (pool.length < needed) throw new Error(`${needed} distinct questions needed, ${pool.length} available: fewer --members or --runs`);

  const standin = await startDiscordStandin({ token: TOKEN, strictCommands: true });
  const env = {
    CORPUS_DIR: corpusDir,
    INDEX_DIR: path.join(root, 'index'),
    MODEL_DIR: path.resolve(ROOT, process.env.MODEL_DIR ?? '../shared/models'),
    FEEDBACK_FILE: path.join(root, 'feedback.jsonl'),
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: standin.apiUrl,
    ...(process.env.MAX_QUESTION_WAIT_SECONDS && { MAX_QUESTION_WAIT_SECONDS: process.env.MAX_QUESTION_WAIT_SECONDS }),
  };
  const config = loadConfig(env, root);
  const errors: string[] = [];
  const log = createLogger({ level: 'warn', pretty: false, write: (line) => errors.push(line) });
  const footnote = await openFootnote({ config, log, reindexInWorker: true });
  const bot = await startBot({ config, log, footnote });
  await bot.client.application!.commands.set(commandDefinitions(COMMANDS), IDS.guild);
  await footnote.ask('What is this corpus about?'); // the first pass of a session is slower

  const rows: BurstRow[] = [];
  let next = 0;
  try {
    for (let run = 1; run <= options.runs; run++) {
      for (const mode of options.modes) {
        const questions = pool.slice(next, next + options.members);
        next += options.members;
        let reindexing: Promise<unknown> | undefined;
        if (mode === 'reindex') {
          const start = (run - 1) * REINDEX_DOCUMENTS;
          fs.writeFileSync(path.join(corpusDir, `scifact-${run}.jsonl`), scifactRecords.slice(start, start + REINDEX_DOCUMENTS).join('\n') + '\n');
          const reindex = standin.dispatchInteraction(slashCommand({ name: 'reindex', member: MODERATOR }));
          reindexing = reindex.waitForEdit((e) => /^Reindex (done|failed)|already up to date/.test(String(e.body?.content)), 600_000);
          await reindex.waitForEdit((e) => /Embedding passages/.test(String(e.body?.content)), 120_000);
        }
        const probes = pool.slice(next, next + PROBES);
        next += PROBES;
        const probeStart = performance.now();
        for (const q of probes) await footnote.ask(q);
        const aloneMs = Math.round((performance.now() - probeStart) / PROBES);
        process.stderr.write(`burst ${run}/${options.runs} ${mode}: ${options.members} members…\n`);
        const rss = sampleRss();
        const loadAverage = os.loadavg()[0]!;
        const { figures } = await runBurst(standin, questions, 120_000);
        const row: BurstRow = { mode, run, ...figures, peakRssMb: rss.stop(), loadAverage: Math.round(loadAverage * 10) / 10, aloneMs, queueAnswerMs: Math.round(bot.context.queue.stats().answerMs), ...(reindexing && { reindexOverlapped: footnote.reindexing }) };
        rows.push(row);
        process.stderr.write(`  ${JSON.stringify(row)}\n`);
        await reindexing;
      }
    }
  } finally {
    await bot.stop();
    await standin.close();
  }

  const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const result = { date: new Date().toISOString(), members: options.members, machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model }, rows, processMaxRssMb: maxRssMb, botErrors: errors.length };
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'burst-latest.json'), JSON.stringify(result, null, 2) + '\n');
  fs.rmSync(root, { recursive: true, force: true });

  const header = ['run', 'while', 'acknowledged ≤ 3 s', 'answered', 'busy', 'failed', 'reply p50', 'reply p95', 'reply max', 'requests', 'peak RSS', 'one answer alone', 'in the burst', 'load avg'];
  const lines = rows.map((r) =>
    [
      r.run,
      r.mode === 'reindex' ? `/reindex${r.reindexOverlapped ? '' : ' (ended first)'}` : 'quiet',
      `${r.acknowledgedWithin3s}/${r.members}`,
      `${r.answeredPercent}%`,
      r.busy,
      r.failed,
      `${(r.replyP50Ms / 1000).toFixed(2)} s`,
      `${(r.replyP95Ms / 1000).toFixed(2)} s`,
      `${(r.replyMaxMs / 1000).toFixed(2)} s`,
      r.requests,
      `${r.peakRssMb} MB`,
      `${r.aloneMs} ms`,
      `${r.queueAnswerMs} ms`,
      r.loadAverage,
    ].join(' | '),
  );
  process.stdout.write(`| ${header.join(' | ')} |\n|${header.map(() => ' --- |').join('')}\n${lines.map((l) => `| ${l} |`).join('\n')}\n`);
  process.stdout.write(`process peak RSS (model, index, reindex worker, stand-in): ${maxRssMb} MB; bot warnings/errors logged: ${errors.length}\n`);
  if (errors.length) process.stderr.write(errors.slice(0, 5).join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
