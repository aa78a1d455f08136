/**
 * Keeping the index current while the bot runs (src/upkeep.ts): WATCH_CORPUS reindexes once the
 * corpus folder is quiet after a change, INDEX_REFRESH_HOURS on a schedule; the old index answers
 * meanwhile and a failed reindex leaves it in place.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openFootnote, type Footnote } from '../../src/service.js';
import { startUpkeep } from '../../src/upkeep.js';
import { recordingLogger } from '../helpers/footnote.js';
import { createWorkspace, removeTempDirs } from '../helpers/workspace.js';

const KETTLE = 'Kettle Rules\n\nThe Brambleford kettle club meets on the second Sunday of every month in the old mill.\n';
const OTTERS = 'Otter Survey\n\nVolunteers counted forty-one otters along the Brambleford river during the spring survey of 2024.\n';

afterAll(() => removeTempDirs());

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const hasDocument = (footnote: Footnote, id: string) => footnote.sources().some((d) => d.id === id);

describe('startUpkeep', () => {
  it('WATCH_CORPUS: a burst of changes becomes one incremental reindex once the folder is quiet; answers come from the old index meanwhile', async () => {
    const ws = createWorkspace({ files: { 'kettle.txt': KETTLE } });
    const { log, messages } = recordingLogger();
    const footnote = await openFootnote({ config: ws.config({ WATCH_CORPUS: 'true' }), log });
    const versionBefore = footnote.index.version;
    const upkeep = startUpkeep({ footnote, config: footnote.config, log, debounceMs: 300 });
    try {
      ws.writeCorpusFile('otters.txt', OTTERS.slice(0, 20));
      ws.writeCorpusFile('otters.txt', OTTERS);
      // Still the old index until the folder has been quiet for the debounce time.
      expect(hasDocument(footnote, 'otters')).toBe(false);
      await until(() => hasDocument(footnote, 'otters'));
      expect(footnote.index.version).not.toBe(versionBefore);
      const answer = await footnote.ask('How many otters did volunteers count?');
      expect(answer.quotes[0]?.text).toContain('forty-one otters');
      expect(messages().filter((m) => m.startsWith('Reindexed (corpus changed)'))).toHaveLength(1);
    } finally {
      upkeep.stop();
    }
  });

  it('INDEX_REFRESH_HOURS: reindexes on its schedule; a failure is logged and the served index stays', async () => {
    const ws = createWorkspace({ files: { 'kettle.txt': KETTLE } });
    const { log, messages } = recordingLogger();
    const footnote = await openFootnote({ config: ws.config({ INDEX_REFRESH_HOURS: '1' }), log });
    const servedBefore = footnote.index;
    // Nothing usable left in the corpus: the scheduled reindex fails and changes nothing.
    ws.removeCorpusFile('kettle.txt');
    const upkeep = startUpkeep({ footnote, config: footnote.config, log, refreshEveryMs: 200 });
    try {
      await until(() => messages().some((m) => m.startsWith('Reindex (scheduled refresh) failed; the previous index is still served')));
      expect(footnote.index).toBe(servedBefore);
      ws.writeCorpusFile('otters.txt', OTTERS);
      await until(() => hasDocument(footnote, 'otters'));
      expect(hasDocument(footnote, 'kettle')).toBe(false);
    } finally {
      upkeep.stop();
    }
  });
});
