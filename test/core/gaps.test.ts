/**
 * What the corpus is missing (issue 12): grouping questions by wording with the real model's
 * query vectors, the report built from a committed feedback file (old vote lines, declined
 * questions, 👎 reasons, a torn last line), and `npm run gaps` run as a script with no token.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFeedback } from '../../src/discord/feedback.js';
import { gapsText, gapsView } from '../../src/format/gaps.js';
import { DISCORD_LIMITS } from '../../src/format/limits.js';
import { DEFAULT_GROUP_THRESHOLD, groupByWording } from '../../src/gaps/cluster.js';
import { readFeedbackLog } from '../../src/gaps/records.js';
import { findGaps, type GapsReport } from '../../src/gaps/report.js';
import { embeddedStore } from '../../src/index/embedded.js';
import { cliEnv, collect } from '../helpers/cli.js';
import { build, testModel } from '../helpers/footnote.js';
import { createWorkspace, MODEL_DIR, PROJECT_ROOT, removeTempDirs, type Workspace } from '../helpers/workspace.js';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'gaps');
const FEEDBACK = path.join(FIXTURES, 'feedback.jsonl');
const WORDINGS = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'wordings.json'), 'utf8')) as { groups: string[][] };

const CORPUS = {
  'police-department.txt': 'Inside the Chicago Police Department\n\nThe Chicago Police Department is organised in 22 districts, each led by a district commander.\nRecruits train at the police academy on the West Side for several months before they patrol.\n',
  'city-elections.txt': 'How Chicago Elects Its Leaders\n\nThe Chicago Board of Election Commissioners runs municipal elections in the city.\nVoters choose the mayor, the city clerk, the treasurer and fifty aldermen in the same municipal election.\n',
  'lakefront-parks.txt': 'The Lakefront Parks\n\nGrant Park and Lincoln Park line the shore of Lake Michigan.\nThe park district maintains beaches, harbors and bicycle paths along the lakefront.\n',
};

let ws: Workspace;
let embed: (q: string) => Promise<Float32Array>;

beforeAll(async () => {
  const { embedder } = await testModel();
  embed = (q) => embedder.embedQuery(q);
  ws = createWorkspace({ files: CORPUS });
  await build(ws.config());
}, 120_000);

afterAll(removeTempDirs);

describe('grouping by wording', () => {
  it(`at the default threshold (${DEFAULT_GROUP_THRESHOLD}) no two different needs of the hand-made set share a group, and most paraphrases do`, async () => {
    const items = WORDINGS.groups.flatMap((g, need) => g.map((q) => ({ q, need })));
    const groups = groupByWording(await Promise.all(items.map((i) => embed(i.q))));
    for (const g of groups) expect(new Set(g.map((k) => items[k]!.need)).size, g.map((k) => items[k]!.q).join(' | ')).toBe(1);
    // Fewer groups than questions: paraphrases are grouped (the set has 8 needs in 22 wordings).
    expect(groups.length).toBeLessThanOrEqual(14);
    expect(groups.length).toBeGreaterThanOrEqual(WORDINGS.groups.length);
  });

  it('a lower threshold merges needs that must stay apart (so the default is not arbitrary)', async () => {
    const items = WORDINGS.groups.flatMap((g, need) => g.map((q) => ({ q, need })));
    const groups = groupByWording(await Promise.all(items.map((i) => embed(i.q))), 0.68);
    expect(groups.some((g) => new Set(g.map((k) => items[k]!.need)).size > 1)).toBe(true);
  });
});

describe('the report from a feedback file', () => {
  let report: GapsReport;
  beforeAll(async () => {
    const { index } = await embeddedStore(ws.indexDir).open();
    report = await findGaps(readFeedbackLog(FEEDBACK), { embed, index });
  });

  it('groups declined and 👎 questions by wording, most asked first, with counts, wordings and 👎 reasons', () => {
    expect(report.groups.map((g) => ({ question: g.question, asked: g.asked, declined: g.declined, down: g.down }))).toEqual([
      { question: 'How many officers does the Chicago police department have?', asked: 4, declined: 3, down: 1 },
      { question: 'What is the Chicago police budget this year?', asked: 2, declined: 2, down: 2 },
      { question: 'When is the next mayoral election in Chicago?', asked: 1, declined: 1, down: 0 },
    ]);
    expect(report.groups[0]!.otherWordings.sort()).toEqual(['How many cops work for the Chicago police?', 'Number of police officers in Chicago']);
    expect(report.groups[0]!.reasons).toEqual({ 'wrong-passage': 1 });
    expect(report.groups[1]!.otherWordings).toEqual(['How much money does Chicago spend on its police?']);
    expect(report.groups[1]!.reasons).toEqual({ 'not-answered': 1, outdated: 1 });
    // A 👎 changed to 👍 is no gap; neither is a 👍; an unknown reason and a torn line are skipped.
    expect(JSON.stringify(report)).not.toContain('Lightfoot');
    expect(report.totals).toEqual({ asked: 7, declined: 6, down: 3, wordings: 6 });
  });

  it('lists the closest documents of the current index for each group', () => {
    expect(report.groups[0]!.closest[0]).toEqual({ id: 'police-department', title: 'Inside the Chicago Police Department' });
    expect(report.groups[2]!.closest[0]!.id).toBe('city-elections');
    for (const g of report.groups) expect(g.closest.length).toBe(3);
  });

  it('old readers still read the file: readFeedback returns only votes (latest per member and answer)', () => {
    const votes = readFeedback(FEEDBACK);
    expect(votes.map((v) => `${v.answerId}:${v.vote}`).sort()).toEqual(['ansA1:up', 'ansB1:down', 'ansE1:up', 'decD2:down', 'decD2:down']);
  });

  it('Discord pages stay within limits, escaped, with ◀ ▶ only when there is more than one page', () => {
    const hostile: GapsReport = {
      ...report,
      groups: Array.from({ length: 7 }, (_, i) => ({
        ...report.groups[0]!,
        question: `@everyone **why** ${'x'.repeat(3000)} ${i}`,
        otherWordings: ['<@123> [a](https://evil.example)', '`code`'.repeat(100), '|| spoiler ||'],
        closest: [{ id: '_'.repeat(300), title: '*'.repeat(300) }],
      })),
    };
    for (let page = 0; page < 3; page++) {
      const view = gapsView(hostile, page, { previous: 'gaps:p', next: 'gaps:n' });
      const embed = view.embeds[0]!;
      expect(embed.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
      expect(embed.description).not.toMatch(/(^|[^\\])(@everyone|<@|\]\()/);
      expect(embed.footer!.text).toContain(`Page ${page + 1} of 3`);
      expect(view.components[0]!.components.map((b) => b.label)).toEqual(['◀ Previous', 'Next ▶']);
    }
    expect(gapsView(report, 0, { previous: 'p', next: 'n' }).components).toEqual([]);
    expect(gapsText(report, 'f.jsonl')).toMatch(/^Gaps: 7 questions \(6 declined, 3 👎\) in 3 groups/);
  });
});

describe('npm run gaps', () => {
  const run = (args: string[], env: Record<string, string>) =>
    collect(spawn('npx', ['tsx', 'scripts/gaps.ts', ...args], { cwd: PROJECT_ROOT, env: cliEnv({ MODEL_DIR, CORPUS_DIR: ws.corpusDir, INDEX_DIR: ws.indexDir, ...env }), stdio: ['ignore', 'pipe', 'pipe'] }));

  it('-- --json on the fixture, with no Discord token: the groups, counts and closest documents', async () => {
    const result = await run(['--json'], { FEEDBACK_FILE: FEEDBACK });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as GapsReport & { file: string };
    expect(json.file).toBe(FEEDBACK);
    expect(json.groups.map((g) => [g.asked, g.declined, g.down])).toEqual([[4, 3, 1], [2, 2, 2], [1, 1, 0]]);
    expect(json.groups[0]!.closest[0]!.id).toBe('police-department');
  }, 60_000);

  it('as text; and says so when there is nothing yet', async () => {
    const text = await run([], { FEEDBACK_FILE: FEEDBACK });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('1. How many officers does the Chicago police department have?  (asked 4, declined 3, 👎 1)');
    expect(text.stdout).toContain('what was wrong: wrong passage 1');
    expect(text.stdout).toContain('closest documents: Inside the Chicago Police Department (police-department)');
    const none = await run([], { FEEDBACK_FILE: path.join(ws.root, 'no-feedback.jsonl') });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain('No declined or 👎 questions yet');
  }, 60_000);
});
