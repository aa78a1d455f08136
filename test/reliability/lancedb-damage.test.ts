/**
 * A damaged LanceDB dataset (INDEX_BACKEND=lancedb): the live version's data files gone. Row
 * counts come from table metadata, so the version is read once when it is opened; one that cannot
 * be read is passed over for the newest kept version that can, as the embedded store passes over
 * a damaged folder, and when none can the index is rebuilt. Nothing crashes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { indexStore } from '../../src/index/stores.js';
import { openFootnote } from '../../src/service.js';
import { recordingLogger } from '../helpers/footnote.js';
import { forgetFiles } from '../helpers/quotes.js';
import { createWorkspace, removeTempDirs, type Workspace } from '../helpers/workspace.js';

afterAll(removeTempDirs);

const QUESTION = 'What did Lightfoot tell ICE?';

/** Deletes the data files the newest write of the passages table added (the live version's). */
function deleteNewestPassageData(ws: Workspace): string[] {
  const dir = path.join(ws.config({ INDEX_BACKEND: 'lancedb' }).index.lancedbUri, 'passages.lance', 'data');
  const files = fs.readdirSync(dir).map((name) => ({ name, at: fs.statSync(path.join(dir, name)).mtimeMs }));
  const newest = Math.max(...files.map((f) => f.at));
  const doomed = files.filter((f) => f.at === newest).map((f) => f.name);
  for (const name of doomed) fs.rmSync(path.join(dir, name));
  return doomed;
}

describe('a damaged LanceDB dataset', () => {
  it('GIVEN the live version’s passage data is gone THEN the previous kept version is served, with warnings naming the problem, and the next reindex rebuilds', async () => {
    const ws = createWorkspace({ seed: true });
    const config = ws.config({ INDEX_BACKEND: 'lancedb' });
    const first = await openFootnote({ config, log: recordingLogger().log });
    const older = first.index.version;
    fs.appendFileSync(ws.corpusFile('lightfoot-tells-police-not-to-assist-ice.txt'), '\n\nThe letter was delivered to the White House by courier.\n');
    forgetFiles();
    const report = await first.reindex();
    expect(report.wrote).toBe(true);
    expect(deleteNewestPassageData(ws).length).toBeGreaterThan(0);

    const { log, messages } = recordingLogger();
    const reopened = await openFootnote({ config, log });
    expect(reopened.index.version).toBe(older);
    expect(messages().join('\n')).toMatch(new RegExp(`damaged \\(version ${report.version}: it cannot be read`));
    expect(messages()).toContain(`serving index version ${older} instead`);
    expect((await reopened.ask(QUESTION)).answered).toBe(true);

    // The damaged live version is not reused: everything is embedded again into a sound one.
    const rebuilt = await reopened.reindex();
    expect(rebuilt.wrote).toBe(true);
    expect(rebuilt.rebuildReason).toMatch(/could not be read/);
    expect(await indexStore(config).liveVersion()).toBe(rebuilt.version);
    expect((await reopened.ask(QUESTION)).answered).toBe(true);
  });

  it('GIVEN no version can be read THEN opening rebuilds the index instead of crashing', async () => {
    const ws = createWorkspace({ seed: true });
    const config = ws.config({ INDEX_BACKEND: 'lancedb' });
    const first = await openFootnote({ config, log: recordingLogger().log });
    deleteNewestPassageData(ws);
    const { log, messages } = recordingLogger();
    const reopened = await openFootnote({ config, log });
    expect(reopened.builtOnOpen?.wrote).toBe(true);
    expect(reopened.index.version).not.toBe(first.index.version);
    expect(messages().some((m) => m.startsWith('Building the index: The index in') && m.includes('is damaged'))).toBe(true);
    expect((await reopened.ask(QUESTION)).answered).toBe(true);
  });
});
