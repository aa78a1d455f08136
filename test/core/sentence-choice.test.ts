import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNearMiss, nearMissSignals, type NearMissSignals } from '../../src/search/abstain.js';
import { explainQuestion } from '../../src/search/answer.js';
import { answerTypeOf, answerTypeProbe } from '../../src/search/answerType.js';
import { quoteWindow } from '../../src/search/quotes.js';
import { leansBack } from '../../src/search/sentences.js';
import type { Footnote } from '../../src/service.js';
import { cachedFootnote, testModel } from '../helpers/footnote.js';
import { createWorkspace, removeTempDirs } from '../helpers/workspace.js';

/**
 * Sentence choice on small hand-made documents: each case is one way the sentence quoted used
 * to differ from the one that answers (issue 9): a sentence that only repeats the question's
 * subject, an answer in the sentence a pronoun refers back to, a question that asks for a date.
 */
const FILES = {
  'kublai.txt':
    'Kublai Khan and the Yuan dynasty\n\n' +
    'Kublai Khan was the founder of the Yuan dynasty and ruled it from Khanbaliq. ' +
    'Kublai convened a kurultai in Kaiping that elected him Great Khan in 1260. ' +
    'Kublai wanted his son Zhenjin to succeed him on the throne. ' +
    'The court at Khanbaliq followed Chinese ritual and Mongol custom side by side.\n',
  'curie.txt':
    'Marie Curie\n\n' +
    'Marie Curie was a physicist and chemist who was born in Warsaw and worked in Paris. ' +
    'She was the first woman to win a Nobel Prize. ' +
    'The radioactive elements polonium and radium were isolated in her laboratory.\n',
  'bridge.txt':
    'The Harbour Bridge\n\n' +
    'The Harbour Bridge is the best-known landmark of the city and carries rail, road and foot traffic. ' +
    'Debate about a bridge across the harbour went on for decades before the design was settled. ' +
    'The Harbour Bridge was opened to traffic on 19 March 1932, after eight years of building. ' +
    'The bridge is painted by a permanent crew, a job said never to end.\n',
};

let footnote: Footnote;

beforeAll(async () => {
  const ws = createWorkspace({ files: FILES });
  footnote = await cachedFootnote(ws.config());
});
afterAll(removeTempDirs);

describe('sentence choice', () => {
  it('GIVEN a question about a relation THEN the answering sentence is quoted first, not one that only repeats the subject', async () => {
    const answer = await footnote.ask('Who had Kublai wanted to succeed him?');
    expect(answer.answered).toBe(true);
    expect(answer.quotes[0]!.text).toContain('Zhenjin');
  });

  it('GIVEN the answering sentence opens with a pronoun THEN the quote takes in the sentence it refers back to', async () => {
    const answer = await footnote.ask('Who was the first woman to win a Nobel Prize?');
    expect(answer.quotes[0]!.text).toContain('She was the first woman to win a Nobel Prize.');
    expect(answer.quotes[0]!.text).toContain('Marie Curie');
  });

  it('GIVEN a question that asks for a date THEN the sentence holding the date is quoted first', async () => {
    const answer = await footnote.ask('When was the Harbour Bridge opened?');
    expect(answer.quotes[0]!.text).toContain('1932');
  });
});

describe('answer types', () => {
  it.each([
    ['How many people live in Warsaw?', 'number'],
    ['What percentage of voters chose him?', 'number'],
    ['In what year did the war end?', 'date'],
    ['When was the bridge opened?', 'date'],
    ['Who had Kublai wanted to succeed him?', 'person'],
    ['Where did Curie work?', 'place'],
    ['What were X-rays known as at the time?', 'none'],
  ] as const)('GIVEN "%s" THEN the answer type is %s', (question, type) => {
    expect(answerTypeOf(question)).toBe(type);
  });

  it('GIVEN a person asked for THEN only a name the question does not already hold counts', () => {
    const probe = answerTypeProbe('Who had Kublai wanted to succeed him?');
    expect(probe.holds('Kublai convened a kurultai in Kaiping that elected him Great Khan.')).toBe(1); // Kaiping, Great Khan
    expect(probe.holds('Kublai wanted his son to succeed him.')).toBe(0);
    expect(probe.holds('Kublai wanted his son Zhenjin to succeed him.')).toBe(1);
  });

  it('GIVEN a date asked for THEN a year the question already names does not count', () => {
    const probe = answerTypeProbe('What happened to the bridge in 1932?');
    expect(probe.holds('In 1932 the bridge was opened.')).toBe(0);
    expect(answerTypeProbe('When did the bridge open?').holds('The bridge opened in 1932.')).toBe(1);
  });
});

describe('quote windows', () => {
  const sentences = ['Marie Curie, the physicist and chemist, was born in Warsaw in 1867.', 'She won two Nobel Prizes.', 'She died in 1934.'];
  const text = `${sentences[0]} ${sentences[1]}\n${sentences[2]}`;
  const span = (s: string) => ({ start: text.indexOf(s), end: text.indexOf(s) + s.length });
  const [first, second, third] = sentences.map(span) as [ReturnType<typeof span>, ReturnType<typeof span>, ReturnType<typeof span>];

  it('GIVEN a sentence that leans back on the one before in its paragraph THEN both are quoted', () => {
    expect(leansBack(text.slice(second.start, second.end))).toBe(true);
    expect(quoteWindow(text, { span: second, previous: first })).toEqual({ start: first.start, end: second.end });
  });

  it('GIVEN a sentence that stands on its own THEN it is quoted alone', () => {
    expect(quoteWindow(text, { span: first, next: second })).toEqual(first);
  });

  it('GIVEN a short sentence at the start of a paragraph THEN nothing from the paragraph before is taken in', () => {
    // The caller passes only neighbours in the same paragraph: none here.
    expect(quoteWindow(text, { span: third })).toEqual(third);
  });
});

describe('near misses', () => {
  const signals = (sentenceScore: number, negationMissing: number): NearMissSignals => ({
    sentenceScore,
    sentenceCosine: 0.8,
    quoteCoverage: 1,
    topCoverage: 1,
    missingRare: 0,
    typeMissing: 0,
    negationMissing,
    missingRarePassage: 0,
  });

  it('GIVEN a best sentence that scores low THEN the question is declined as a near miss; a well-scoring one is not', () => {
    expect(isNearMiss(signals(6, 0))).toBe(true);
    expect(isNearMiss(signals(11, 0))).toBe(false);
  });

  it('GIVEN a negated question whose best quote is not negated THEN it needs a better sentence to count as answered', () => {
    expect(isNearMiss(signals(11, 0))).toBe(false);
    expect(isNearMiss(signals(11, 1))).toBe(true);
  });

  it('GIVEN "…not…" asked of a sentence that says the opposite THEN the negation signal is raised, and not for the plain question', async () => {
    const { embedder } = await testModel();
    const ask = async (q: string) => {
      const explained = await explainQuestion(footnote.index, q, await embedder.embedQuery(q), { limit: 3 });
      return nearMissSignals(explained.view, q, explained);
    };
    expect((await ask('What did Curie not isolate in her laboratory?')).negationMissing).toBe(1);
    expect((await ask('What did Curie isolate in her laboratory?')).negationMissing).toBe(0);
  });
});
