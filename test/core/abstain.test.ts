import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_QUESTION_LENGTH } from '../../src/search/answer.js';
import type { Footnote } from '../../src/service.js';
import { cachedFootnote, seedIndexedWorkspace } from '../helpers/footnote.js';
import { expectExactFileQuote } from '../helpers/quotes.js';
import { removeTempDirs, seedQuestions, type Workspace } from '../helpers/workspace.js';

let ws: Workspace;
let footnote: Footnote;

beforeAll(async () => {
  ws = await seedIndexedWorkspace();
  footnote = await cachedFootnote(ws.config());
});
afterAll(removeTempDirs);

/**
 * Only the clearly off-topic questions of eval/seed-questions.jsonl: the others (u02–u08, u10–u12)
 * are about the corpus's own subjects and sit near the threshold; they are measured by
 * `npm run eval`, not asserted here.
 */
const OFF_TOPIC = ['u01', 'u09', 'u13'];

describe('questions the corpus cannot answer', () => {
  it.each(OFF_TOPIC)('GIVEN seed question %s (off-topic) THEN the answer abstains with no quotes', async (id) => {
    const { question } = seedQuestions().find((q) => q.id === id)!;
    const answer = await footnote.ask(question);
    expect(answer.answered, question).toBe(false);
    expect(answer.quotes).toEqual([]);
    expect(answer.bestSimilarity).toBeLessThan(footnote.config.answerThreshold ?? 0.65);
    // What is shown instead is labelled "closest", and is still verbatim.
    expect(answer.closest.length).toBeLessThanOrEqual(3);
    for (const q of answer.closest) expectExactFileQuote(q, ws.root, question);
  });

  it('abstains on the boiling point of water, the capital of Australia and sourdough bread', async () => {
    for (const question of ['What is the boiling point of water?', "What's the capital of Australia?", 'how do i make sourdough bread']) {
      const answer = await footnote.ask(question);
      expect(answer.answered, question).toBe(false);
      expect(answer.quotes, question).toEqual([]);
    }
  });
});

describe('questions the corpus clearly answers', () => {
  it('GIVEN "What did Lightfoot tell ICE?" THEN it answers from an article on Lightfoot and ICE', async () => {
    const answer = await footnote.ask('What did Lightfoot tell ICE?');
    expect(answer.answered).toBe(true);
    expect(answer.quotes.length).toBeGreaterThan(0);
    // Both articles report what she told ICE (one her letter, one her tweets); either is right.
    expect(['lightfoot-tells-police-not-to-assist-ice', 'lightfoot-will-not-cooperate-with-ice']).toContain(answer.quotes[0]!.docId);
    expect(answer.quotes.some((q) => /ICE/.test(q.text))).toBe(true);
  });

  it('GIVEN "What is FCRL?" THEN it answers first from the qualified-immunity article, quoting FCRL', async () => {
    const answer = await footnote.ask('What is FCRL?');
    expect(answer.answered).toBe(true);
    expect(answer.quotes[0]!.docId).toBe('lightfoot-staff-lobbied-against-ending-qualified-immunity');
    expect(answer.quotes.some((q) => q.docId === answer.quotes[0]!.docId && q.text.includes('FCRL'))).toBe(true);
  });

  it('GIVEN "What\'s the $1.8 billion about?" THEN it answers first from the blueprint article, quoting the budget', async () => {
    const answer = await footnote.ask("What's the $1.8 billion about?");
    expect(answer.answered).toBe(true);
    expect(answer.quotes[0]!.docId).toBe('mayors-police-reform-blueprint');
    expect(answer.quotes[0]!.text).toContain('$1.8 billion policing budget');
  });
});

describe('questions that cannot be asked', () => {
  it.each(['???', '   ', '!!! ... ---', ''])('GIVEN %j THEN QUESTION_INVALID with a friendly example', async (question) => {
    await expect(footnote.ask(question)).rejects.toMatchObject({ code: 'QUESTION_INVALID', message: expect.stringContaining('Please ask a question in words') });
  });

  it('GIVEN a question longer than the limit THEN QUESTION_INVALID names the length', async () => {
    const question = 'why '.repeat(MAX_QUESTION_LENGTH);
    await expect(footnote.ask(question)).rejects.toMatchObject({ code: 'QUESTION_INVALID', message: expect.stringContaining(`under ${MAX_QUESTION_LENGTH}`) });
  });
});
