/**
 * What kind of answer a question asks for, and whether a sentence holds one that the question
 * does not already name. "Who had Kublai wanted to succeed him?" asks for a person: a sentence
 * that names only Kublai repeats the subject, one that names Zhenjin may answer.
 *
 * Rules rather than a tagger: compromise (a well-kept NLP library) took 3-10 ms a sentence on
 * this machine, more than the whole question path, and tagging every sentence at index time
 * would have grown indexing by about a third for a feature worth 0.6 points of hit@1 here
 * (README, experiments). The rules only look for surface evidence: digits and number words,
 * years and month names, capitalised words that are not the sentence's first.
 */
export type AnswerType = 'number' | 'date' | 'person' | 'place' | 'none';

const NUMBER_QUESTION = /\bhow (many|much|long|far|old|large|big|tall|high|often|fast|heavy|deep|wide)\b|\bwhat (percentage|percent|proportion|number|amount|fraction|share)\b/i;
const DATE_QUESTION = /\bwhen\b|\b(what|which) (year|years|date|day|month|century|decade|era|time period|period|season)\b|\bhow long ago\b/i;
const PERSON_QUESTION = /\bwho(m|se)?\b/i;
const PLACE_QUESTION = /\bwhere\b|\b(what|which) (country|city|state|region|continent|town|place|location|province|county|island|river|area)\b/i;

export function answerTypeOf(question: string): AnswerType {
  if (NUMBER_QUESTION.test(question)) return 'number';
  if (DATE_QUESTION.test(question)) return 'date';
  if (PERSON_QUESTION.test(question)) return 'person';
  if (PLACE_QUESTION.test(question)) return 'place';
  return 'none';
}

const MONTHS = 'january|february|march|april|may|june|july|august|september|october|november|december';
const NUMBER_WORDS =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|half|percent|first|second|third|fourth|fifth|tenth|twice|thrice|single|double|triple';
const NUMBER = new RegExp(`\\d|\\b(${NUMBER_WORDS})\\b`, 'i');
const DATE = new RegExp(`\\b(1\\d{3}|20\\d{2})s?\\b|\\b(${MONTHS})\\b|\\bcentur(y|ies)\\b|\\b(BC|BCE|AD|CE)\\b|\\b\\d+(st|nd|rd|th)\\b|\\b(decade|era|dynasty|reign)\\b`, 'i');
const CAPITALISED = /\p{Lu}[\p{L}'’-]*/gu;
const NOT_NAMES = new Set(
  `${MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|i|the|a|an|in|on|at|of|this|that|these|those|he|she|it|they|his|her|its|their|however|although|after|before|during|when|while`.split('|'),
);

/** Capitalised words after the first word of the sentence, lowercased: names of people, places, groups. */
function namesIn(sentence: string): string[] {
  const names: string[] = [];
  let first = true;
  for (const match of sentence.matchAll(CAPITALISED)) {
    const word = match[0].toLowerCase().replace(/['’]s$/, '');
    const atStart = first && sentence.slice(0, match.index).trim() === '';
    first = false;
    if (atStart || NOT_NAMES.has(word)) continue;
    names.push(word);
  }
  return names;
}

/** A question's answer type, and a test of whether a sentence holds an answer of that type. */
export interface AnswerTypeProbe {
  readonly type: AnswerType;
  /**
   * 1 when the sentence holds something of the asked type that the question does not contain
   * (a number, a date, a name), else 0; always 0 for questions of no particular type.
   */
  holds(sentence: string): number;
}

export function answerTypeProbe(question: string): AnswerTypeProbe {
  const type = answerTypeOf(question);
  const asked = new Set((question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.replace(/['’]s$/, '')));
  // The sentence without the words the question already has: "in 1990", when asked about, is no answer.
  const unasked = (sentence: string) => sentence.replace(/[\p{L}\p{N}]+/gu, (word) => (asked.has(word.toLowerCase()) ? ' ' : word));
  return {
    type,
    holds(sentence) {
      switch (type) {
        case 'none':
          return 0;
        case 'number':
          return NUMBER.test(unasked(sentence)) ? 1 : 0;
        case 'date':
          return DATE.test(unasked(sentence)) ? 1 : 0;
        case 'person':
        case 'place':
          return namesIn(sentence).some((name) => !asked.has(name)) ? 1 : 0;
      }
    },
  };
}
