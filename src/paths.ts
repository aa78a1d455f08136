import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { FootnoteError, fileSystemProblem } from './errors.js';

/**
 * Checks of the configured folders and files, made once at start so that an unusable path is a
 * message naming its variable instead of a failure later, or a hang: under /proc Node 20's
 * recursive mkdir loops forever, and walking /proc or /dev as a corpus never ends.
 */
export interface PathRequirement {
  /** The variable that set the path, for the message ("INDEX_DIR"). */
  readonly variable: string;
  readonly path: string;
  readonly kind: 'folder' | 'file';
  /** It must be writable, or creatable when it does not exist yet. */
  readonly writable: boolean;
}

/** Kernel and device file systems: not storage. */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

/** Throws PATH_UNUSABLE listing every requirement that fails, each with its variable and path. */
export function checkPaths(requirements: readonly PathRequirement[]): void {
  const problems = requirements.map(pathProblem).filter((p): p is string => p !== undefined);
  if (problems.length) {
    throw new FootnoteError('PATH_UNUSABLE', `Cannot use the configured paths:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** What is wrong with one path, or undefined when it can be used as required. */
export function pathProblem(requirement: PathRequirement): string | undefined {
  const { variable, kind, writable } = requirement;
  const target = path.resolve(requirement.path);
  const say = (what: string) => `${variable}: ${target} ${what}`;

  // The nearest part of the path that exists, with symbolic links resolved (a link into /proc counts as /proc).
  let existing = target;
  while (!exists(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  let real: string;
  try {
    real = path.join(fs.realpathSync(existing), path.relative(existing, target));
  } catch (error) {
    return say(`cannot be used: ${fileSystemProblem(error) ?? String(error)}`);
  }
  const pseudo = PSEUDO_ROOTS.find((root) => real === root || real.startsWith(root + '/'));
  if (pseudo) return say(`is ${real === pseudo ? '' : 'under '}${pseudo}, a kernel file system, not storage: choose a ${kind} on disk`);

  const stat = statOrUndefined(existing);
  if (!stat) return say('cannot be used: it cannot be examined');
  if (existing === target) {
    if (kind === 'folder' && !stat.isDirectory()) return say('is a file, not a folder');
    if (kind === 'file' && !stat.isFile()) return say(stat.isDirectory() ? 'is a folder, not a file' : 'is not a regular file');
    const problem = writable ? writeProblem(target) : undefined;
    return problem && say(`is not writable (${problem})`);
  }
  // Not there yet: it is created on first use, inside the nearest existing folder.
  if (!stat.isDirectory()) return say(`cannot be created: ${existing} is a file, not a folder`);
  const problem = writable ? writeProblem(existing) : undefined;
  return problem && say(`does not exist and cannot be created: ${existing} is not writable (${problem})`);
}

/**
 * Creates `folder` and its missing parents one level at a time. Unlike `mkdir -p` in Node 20,
 * it cannot loop: every failure is thrown at once.
 */
export function createFolder(folder: string): void {
  const missing: string[] = [];
  for (let at = path.resolve(folder); !exists(at); at = path.dirname(at)) {
    if (path.dirname(at) === at) break;
    missing.unshift(at);
  }
  for (const dir of missing) {
    try {
      fs.mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function exists(p: string): boolean {
  return statOrUndefined(p) !== undefined;
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

function writeProblem(p: string): string | undefined {
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return undefined;
  } catch (error) {
    return fileSystemProblem(error) ?? 'not writable';
  }
}

/** The paths `npm start` uses: the corpus to read, the index, feedback and audit files to write. */
export function botPaths(config: Config): PathRequirement[] {
  return [
    ...commandPaths(config, true),
    ...config.corpora.flatMap((c): PathRequirement[] => [
      { variable: `CORPORA (server ${c.guildId}, corpus)`, path: c.corpusDir, kind: 'folder', writable: false },
      { variable: `CORPORA (server ${c.guildId}, index)`, path: c.indexDir, kind: 'folder', writable: true },
    ]),
    { variable: 'FEEDBACK_FILE', path: config.discord.feedbackFile, kind: 'file', writable: true },
    { variable: 'AUDIT_FILE', path: config.discord.auditFile, kind: 'file', writable: true },
  ];
}

/** The paths a command uses; `writesIndex` for commands that (re)build it. */
export function commandPaths(config: Config, writesIndex: boolean): PathRequirement[] {
  return [
    { variable: 'CORPUS_DIR', path: config.corpusDir, kind: 'folder', writable: false },
    { variable: 'INDEX_DIR', path: config.indexDir, kind: 'folder', writable: writesIndex },
    // A LanceDB dataset on object storage is checked by LanceDB itself when it is opened.
    ...(config.index.backend === 'lancedb' && config.index.lancedbUri.startsWith('/')
      ? [{ variable: 'LANCEDB_URI', path: config.index.lancedbUri, kind: 'folder', writable: writesIndex } as const]
      : []),
    ...(config.modelDir === undefined ? [] : [{ variable: 'MODEL_DIR', path: config.modelDir, kind: 'folder', writable: false } as const]),
  ];
}
