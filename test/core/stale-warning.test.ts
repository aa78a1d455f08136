/**
 * `ask` warns when the corpus has changed since the index was built. Reading the corpus parses
 * every PDF and HTML file, so a cheap look at file dates and names (corpusUnchangedSince) comes
 * first, and the contents are compared only when it says something may have changed.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusUnchangedSince } from '../../src/corpus/unchanged.js';
import { build } from '../helpers/footnote.js';
import { ownStderr, runCli } from '../helpers/cli.js';
import { MODEL_DIR, createWorkspace, removeTempDirs, type Workspace } from '../helpers/workspace.js';

const KETTLE = 'Kettle Rules\n\nThe Brambleford kettle club meets on the second Sunday of every month in the old mill.\n';
const OTTERS = 'Otter Survey\n\nVolunteers counted forty-one otters along the Brambleford river during the spring survey of 2024.\n';
const STALE = /The corpus has changed since the index was built/;

let ws: Workspace;
let builtAt: number;
const sources = new Set(['corpus/kettle.txt', 'corpus/otters.txt']);
const anHourAgo = () => new Date(Date.now() - 3_600_000);

beforeAll(async () => {
  ws = createWorkspace({ files: { 'kettle.txt': KETTLE, 'otters.txt': OTTERS, 'web.txt': '# no pages yet\n' } });
  for (const name of ['kettle.txt', 'otters.txt', 'web.txt']) fs.utimesSync(ws.corpusFile(name), anHourAgo(), anHourAgo());
  await build(ws.config());
  builtAt = Date.now();
});
afterAll(removeTempDirs);

describe('corpusUnchangedSince', () => {
  it('is true for the files that were indexed, untouched since (web.txt is not a document)', async () => {
    expect(await corpusUnchangedSince(ws.corpusDir, ws.root, sources, builtAt)).toBe(true);
  });

  it('is false when a file, or a sidecar, was modified later, when a file was added with an old date, or when one is missing', async () => {
    const later = new Date(builtAt + 60_000);
    fs.utimesSync(ws.corpusFile('otters.txt'), later, later);
    expect(await corpusUnchangedSince(ws.corpusDir, ws.root, sources, builtAt)).toBe(false);
    fs.utimesSync(ws.corpusFile('otters.txt'), anHourAgo(), anHourAgo());

    ws.writeCorpusFile('otters.meta.json', '{"title": "Otters"}');
    expect(await corpusUnchangedSince(ws.corpusDir, ws.root, sources, builtAt)).toBe(false);
    ws.removeCorpusFile('otters.meta.json');

    ws.writeCorpusFile('copied.md', '# Copied\n\nA file copied with its old date kept.\n');
    fs.utimesSync(ws.corpusFile('copied.md'), anHourAgo(), anHourAgo());
    expect(await corpusUnchangedSince(ws.corpusDir, ws.root, sources, builtAt)).toBe(false);
    ws.removeCorpusFile('copied.md');

    expect(await corpusUnchangedSince(ws.corpusDir, ws.root, new Set([...sources, 'corpus/gone.txt']), builtAt)).toBe(false);
    expect(await corpusUnchangedSince(ws.corpusDir, ws.root, sources, builtAt)).toBe(true);
  });
});

describe('ask', () => {
  const ask = () => runCli(['ask', 'When does the kettle club meet?'], { env: { CORPUS_DIR: ws.corpusDir, INDEX_DIR: ws.indexDir, MODEL_DIR } });

  it('says nothing about the corpus when it is unchanged, and warns with the counts when a file changed', async () => {
    const quiet = await ask();
    expect(quiet.code, ownStderr(quiet.stderr)).toBe(0);
    expect(quiet.stderr).not.toMatch(STALE);

    ws.writeCorpusFile('otters.txt', OTTERS.replace('forty-one', 'forty-two'));
    const warned = await ask();
    expect(warned.code, ownStderr(warned.stderr)).toBe(0);
    expect(warned.stderr).toMatch(/The corpus has changed since the index was built \(0 added, 1 changed, 0 removed\)/);
    expect(warned.stdout).toContain('second Sunday of every month');
  });
});
