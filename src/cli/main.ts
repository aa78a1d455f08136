import { corpusConfig } from '../config.js';
import { readCorpus } from '../corpus/read.js';
import { corpusUnchangedSince } from '../corpus/unchanged.js';
import { isWebDocumentId } from '../web/documents.js';
import { loadEnvironment, reportFatal } from '../environment.js';
import { describeError, errorDetails, fatalMessage, isFootnoteError } from '../errors.js';
import { answerToJson } from '../format/json.js';
import { answerToText, sourcesToText } from '../format/text.js';
import type { BuildReport } from '../index/build.js';
import { planUpdate } from '../index/plan.js';
import type { Logger } from '../log.js';
import { checkPaths, commandPaths } from '../paths.js';
import { openFootnote, type Footnote } from '../service.js';
import { createProgressBar } from './progress.js';

const USAGE = `Usage:
  npm run ask -- "question"          answer from the corpus with cited quotes
  npm run --silent ask -- --json "q" the answer as one JSON object
  npm run --silent ask -- --json     questions from stdin, one per line; one JSON object per line
  npm run index [-- --full]          bring the index up to date with CORPUS_DIR (--full: rebuild all)
  npm run sources [-- --json]        list the indexed documents
  ... -- --server <id>               any of these on the corpus CORPORA gives that Discord server`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  // --server <id>: the corpus of that server (CORPORA) instead of CORPUS_DIR.
  const at = args.indexOf('--server');
  const server = at >= 0 ? (args[at + 1] ?? '') : undefined;
  const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const words = rest.filter((a) => !a.startsWith('--'));
  if (command === undefined || command === 'help' || flags.has('--help')) {
    process.stdout.write(USAGE + '\n');
    return command === undefined ? 2 : 0;
  }
  const environment = loadEnvironment();
  const { log } = environment;
  let config = environment.config;
  if (server !== undefined) {
    const corpus = config.corpora.find((c) => c.guildId === server);
    if (!corpus) {
      process.stderr.write(`--server: CORPORA lists no server '${server}' (listed: ${config.corpora.map((c) => c.guildId).join(', ') || 'none'}).\n`);
      return 2;
    }
    config = corpusConfig(config, corpus);
  }
  if (command === 'ask' || command === 'index' || command === 'sources') checkPaths(commandPaths(config, command === 'index'));
  const bar = createProgressBar();
  const open = () => openFootnote({ config, log, onProgress: (p) => bar.update(p) }).finally(() => bar.done());

  switch (command) {
    case 'ask': {
      const footnote = await open();
      await warnIfStale(footnote, log);
      const json = flags.has('--json');
      if (words.length > 0) return printAnswer(footnote, words.join(' '), json, log);
      if (process.stdin.isTTY) {
        process.stderr.write(USAGE + '\n');
        return 2;
      }
      let failures = 0;
      for await (const line of stdinLines(process.stdin)) {
        // With --json, every line gets its line of output, so answers can be matched to questions
        // by position; an unusable one (blank included) gets an error object.
        if (!json && line.trim() === '') continue;
        failures += line.length > MAX_LINE_CHARS ? printTooLong(line, json) : await printAnswer(footnote, line, json, log);
      }
      return failures > 0 ? 1 : 0;
    }
    case 'index': {
      const footnote = await open();
      // Opening just built the whole index from the corpus: a second (--full) build would only repeat it.
      const report = footnote.builtOnOpen ?? (await footnote.reindex({ full: flags.has('--full'), onProgress: (p) => bar.update(p) }).finally(() => bar.done()));
      process.stdout.write(reportToText(report) + '\n');
      return 0;
    }
    case 'sources': {
      const footnote = await open();
      process.stdout.write(flags.has('--json') ? JSON.stringify(footnote.sources()) + '\n' : sourcesToText(footnote.sources()) + '\n');
      return 0;
    }
    default:
      process.stderr.write(`Unknown command '${command}'.\n${USAGE}\n`);
      return 2;
  }
}

/**
 * Prints one answer. A question that cannot be asked is reported in the same place, so stdin
 * order is kept; so is a question that failed unexpectedly (the details go to the log), so that
 * one bad line cannot cost the answers to the rest.
 */
async function printAnswer(footnote: Footnote, question: string, json: boolean, log: Logger): Promise<number> {
  try {
    const answer = await footnote.ask(question);
    process.stdout.write((json ? JSON.stringify(answerToJson(answer)) : answerToText(answer)) + '\n');
    return 0;
  } catch (error) {
    if (!isFootnoteError(error)) log.error('could not answer a question', { question: question.slice(0, 200), ...errorDetails(error) });
    const message = isFootnoteError(error) ? error.message : fatalMessage(error, 'Could not answer this question');
    if (json) process.stdout.write(JSON.stringify({ question, answered: false, quotes: [], error: message }) + '\n');
    else process.stderr.write(message + '\n');
    return 1;
  }
}

/** Longer lines are not passed on as questions (they are far over the question limit anyway). */
const MAX_LINE_CHARS = 100_000;

/**
 * The lines of `input`, split at "\n" only: a lone "\r" is part of its line (readline would end a
 * line there and turn one question into two). One "\r" before the "\n" of a CRLF file is dropped.
 * A last line without "\n" counts; the empty string after a final "\n" does not. A line longer
 * than MAX_LINE_CHARS is not kept whole: it comes out cut, one character over the limit.
 */
async function* stdinLines(input: AsyncIterable<string | Buffer> & { setEncoding?(encoding: BufferEncoding): unknown }): AsyncGenerator<string> {
  input.setEncoding?.('utf8');
  let line = '';
  let overlong = false;
  const finish = () => {
    const done = line.endsWith('\r') ? line.slice(0, -1) : line;
    line = '';
    overlong = false;
    return done;
  };
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let from = 0;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', from)) {
      if (!overlong) line += text.slice(from, at);
      yield finish().slice(0, MAX_LINE_CHARS + 1);
      from = at + 1;
    }
    if (!overlong) line += text.slice(from);
    if (line.length > MAX_LINE_CHARS + 1) {
      line = line.slice(0, MAX_LINE_CHARS + 1);
      overlong = true;
    }
  }
  if (line !== '') yield finish().slice(0, MAX_LINE_CHARS + 1);
}

function printTooLong(line: string, json: boolean): number {
  const message = `That line is over ${MAX_LINE_CHARS} characters long; please ask a shorter question.`;
  if (json) process.stdout.write(JSON.stringify({ question: `${line.slice(0, 200)}…`, answered: false, quotes: [], error: message }) + '\n');
  else process.stderr.write(message + '\n');
  return 1;
}

export function reportToText(r: BuildReport): string {
  const lines = [
    r.wrote ? `Index updated in ${r.seconds.toFixed(1)} s.` : `The index is already up to date (${r.seconds.toFixed(1)} s).`,
    ...(r.rebuildReason ? [`Rebuilt everything: ${r.rebuildReason}.`] : []),
    `Documents: ${r.added.length} added, ${r.changed.length} changed, ${r.removed.length} removed, ${r.unchanged.length} unchanged (${r.documents} in all).`,
    `Passages: ${r.passages} in the index, ${r.embeddedPassages} embedded now.`,
    ...(r.web ? [`Web pages (web.txt): ${r.web.fetched} fetched, ${r.web.unchanged} unchanged, ${r.web.failed} failed.`] : []),
  ];
  const list = (label: string, ids: string[]) => ids.length > 0 && ids.length <= 20 && lines.push(`${label}: ${ids.join(', ')}`);
  list('Added', r.added);
  list('Changed', r.changed);
  list('Removed', r.removed);
  if (r.skipped.length) lines.push(`Skipped ${r.skipped.length}:`, ...r.skipped.map((s) => `  ${s.source}: ${s.reason}`));
  return lines.join('\n');
}

async function warnIfStale(footnote: Footnote, log: Logger): Promise<void> {
  try {
    const { config, index } = footnote;
    const fileSources = new Set(index.catalog.filter((d) => !isWebDocumentId(d.id)).map((d) => d.source));
    if (await corpusUnchangedSince(config.corpusDir, config.projectRoot, fileSources, Date.parse(index.manifest.createdAt))) return;
    const corpus = await readCorpus(footnote.config.corpusDir, footnote.config.projectRoot);
    // Web pages change on their own schedule; only the files are compared (a reindex re-checks the pages).
    const files = Object.fromEntries(Object.entries(footnote.index.manifest.documents).filter(([id]) => !isWebDocumentId(id)));
    const plan = planUpdate(files, corpus.documents);
    const changes = plan.added.length + plan.changed.length + plan.removed.length;
    if (changes > 0) {
      log.warn(`The corpus has changed since the index was built (${plan.added.length} added, ${plan.changed.length} changed, ${plan.removed.length} removed). Answers come from the index; run \`npm run index\` to update it.`);
    }
  } catch (error) {
    log.warn(`Could not compare the corpus with the index: ${describeError(error)}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => reportFatal(error, 'Could not run the command'),
);
