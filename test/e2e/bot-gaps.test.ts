/**
 * Issue 12 end to end: a declined /ask and a declined mention are recorded (salted user hashes
 * only), 👎 offers "what was wrong?" and stores the choice, /gaps is refused for a member and
 * shows the grouped questions to a moderator, ephemerally; `npm run feedback` still reads the file.
 */
import fs from 'node:fs';
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unescapeMarkdown } from '../../src/format/markdown.js';
import type { Footnote } from '../../src/service.js';
import { cachedFootnote } from '../helpers/footnote.js';
import { createWorkspace, removeTempDirs, type Workspace } from '../helpers/workspace.js';
import { buttonClick, MEMBER, mentionMessage, MODERATOR } from './discord-standin/index.js';
import { expectCleanRun, isEphemeral, MODEL_WAIT_MS, runScript, slash, startBotRun, type BotRun } from './helpers.js';

const CORPUS = {
  'police-department.txt': 'Inside the Chicago Police Department\n\nThe Chicago Police Department is organised in 22 districts, each led by a district commander.\nRecruits train at the police academy on the West Side for several months before they patrol.\n',
  'city-elections.txt': 'How Chicago Elects Its Leaders\n\nThe Chicago Board of Election Commissioners runs municipal elections in the city.\nVoters choose the mayor, the city clerk, the treasurer and fifty aldermen in the same municipal election.\n',
};
const QUESTION = 'How tall is the Willis Tower?';

let ws: Workspace;
let footnote: Footnote;
let run: BotRun;

beforeAll(async () => {
  ws = createWorkspace({ files: CORPUS });
  footnote = await cachedFootnote(ws.config());
  run = await startBotRun({ workspace: ws, footnote, env: { QUESTIONS_PER_MINUTE: '1000' } });
}, 120_000);

afterAll(async () => {
  await run?.stop();
  removeTempDirs();
});

function lines(): Record<string, any>[] {
  return fs.readFileSync(run.config.discord.feedbackFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
}

function buttonId(message: Pick<APIMessage, 'components'>, label: string): string {
  for (const row of message.components ?? []) {
    for (const c of (row as { components: { label?: string; custom_id?: string }[] }).components) if (c.label === label && c.custom_id) return c.custom_id;
  }
  throw new Error(`no button "${label}" in ${JSON.stringify(message.components)}`);
}

describe('declined questions and 👎 reasons', () => {
  let answer: APIMessage;

  it('a declined /ask is recorded as a line of its own, with a salted hash for the member', async () => {
    const i = slash(run, 'ask', { question: QUESTION }, MEMBER);
    answer = await i.waitForReply(MODEL_WAIT_MS);
    const declined = lines().filter((l) => l.kind === 'declined');
    expect(declined).toHaveLength(1);
    expect(declined[0]).toMatchObject({ question: QUESTION, user: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(typeof declined[0]!.answerId).toBe('string');
  });

  it('a declined mention is recorded too', async () => {
    run.standin.dispatchMessage(mentionMessage({ text: 'What is the height of the Willis Tower?', author: MEMBER }));
    await run.standin.waitFor((r) => r.method === 'POST' && r.route === '/channels/:channelId/messages', MODEL_WAIT_MS);
    expect(lines().filter((l) => l.kind === 'declined').map((l) => l.question)).toEqual([QUESTION, 'What is the height of the Willis Tower?']);
  });

  it('👎 offers an optional "what was wrong?" choice; the choice is stored, referring to the answer', async () => {
    const click = run.standin.dispatchInteraction(buttonClick({ customId: buttonId(answer, '👎'), message: answer, member: MEMBER }));
    const thanks = await click.waitForReply(MODEL_WAIT_MS);
    expect(isEphemeral(thanks)).toBe(true);
    expect(thanks.content).toMatch(/^Thanks[^]*What was wrong\?/);
    const choose = run.standin.dispatchInteraction(buttonClick({ customId: buttonId(thanks, 'Outdated'), message: thanks, member: MEMBER }));
    const noted = await choose.waitForReply(MODEL_WAIT_MS);
    expect(choose.callbacks[0]).toMatchObject({ type: 7, accepted: true });
    expect(noted.content).toBe('Thanks: noted as “outdated”.');
    expect(noted.components ?? []).toEqual([]);
    const all = lines();
    const vote = all.find((l) => l.vote === 'down')!;
    const reason = all.find((l) => l.kind === 'reason')!;
    expect(reason).toMatchObject({ answerId: vote.answerId, reason: 'outdated', user: vote.user });
    expect(vote.answerId).toBe(all.find((l) => l.kind === 'declined')!.answerId);
    // No raw Discord id anywhere in the file.
    const text = fs.readFileSync(run.config.discord.feedbackFile, 'utf8');
    expect(text).not.toContain(MEMBER.id);
  });

  it('npm run feedback still reads the file: votes only', async () => {
    const report = await runScript('scripts/feedback-report.ts', { FEEDBACK_FILE: run.config.discord.feedbackFile });
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('Feedback: 1 votes, 0 👍, 1 👎');
  }, 60_000);
});

describe('/gaps', () => {
  it('is refused, ephemerally, for a member', async () => {
    const i = slash(run, 'gaps', {}, MEMBER);
    const reply = await i.waitForReply(MODEL_WAIT_MS);
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toMatch(/^Only moderators/);
    expect(reply.embeds ?? []).toEqual([]);
  });

  it('shows a moderator the grouped questions, ephemerally, with counts, reasons and the closest documents', async () => {
    const i = slash(run, 'gaps', {}, MODERATOR);
    const reply = await i.waitForReply(MODEL_WAIT_MS);
    expect(i.callbacks[0]).toMatchObject({ type: 5, accepted: true });
    expect(isEphemeral(reply)).toBe(true);
    const embed = reply.embeds[0]!;
    const description = unescapeMarkdown(embed.description ?? '');
    expect(embed.title).toBe('What the corpus is missing: 1 group');
    expect(description).toContain(`“${QUESTION}” (asked 2 · declined 2 · 👎 1)`);
    expect(description).toContain('Also asked as: “What is the height of the Willis Tower?”');
    expect(description).toContain('What was wrong: outdated 1');
    expect(description).toMatch(/Closest documents: (Inside the Chicago Police Department|How Chicago Elects Its Leaders)/);
    expectCleanRun(run.standin);
  });
});
