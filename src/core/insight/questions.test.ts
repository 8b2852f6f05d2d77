import { describe, expect, it } from 'vitest';
import {
  type Question,
  questionProblems,
  questionResults,
  responseProblems,
  wordingIn,
} from './questions.ts';

const QUESTIONS: Question[] = [
  { key: 'delivery', kind: 'csat', label: { default: 'Delivery?', pl: 'Dostawa?' }, required: true },
  { key: 'effort', kind: 'scale', label: { default: 'Effort?' } },
  {
    key: 'channel',
    kind: 'choice',
    label: { default: 'Channel?' },
    options: [
      { value: 'web', label: { default: 'Web shop' } },
      { value: 'rep', label: { default: 'Sales rep' } },
    ],
  },
  { key: 'why', kind: 'text', label: { default: 'Why?' } },
];

describe('survey questions', () => {
  it('refuses duplicate keys, a missing default wording, a choice without two options, options elsewhere', () => {
    expect(questionProblems(QUESTIONS)).toEqual({});
    expect(
      questionProblems([
        { key: 'a', kind: 'csat', label: { nl: 'x' } },
        {
          key: 'a',
          kind: 'choice',
          label: { default: 'x' },
          options: [{ value: 'v', label: { default: 'v' } }],
        },
        { key: 'b', kind: 'text', label: { default: 'x' }, options: [] },
      ]),
    ).toEqual({
      'questions/0/label/default': 'required',
      'questions/1/key': 'a is used by an earlier question',
      'questions/1/options': 'a choice needs at least two options',
      'questions/2/options': 'only a choice has options, not a text',
    });
  });

  it('checks each response against its question, and the required ones', () => {
    expect(responseProblems(QUESTIONS, { delivery: 5, effort: 0, channel: 'rep', why: 'ok' })).toEqual({});
    expect(
      responseProblems(QUESTIONS, { delivery: 6, effort: 2.5, channel: 'fax', why: ' ', extra: 1 }),
    ).toEqual({
      'responses/extra': 'not a question of this survey',
      'responses/delivery': 'must be a whole number from 1 to 5',
      'responses/effort': 'must be a whole number from 0 to 10',
      'responses/channel': 'must be one of web, rep',
      'responses/why': 'must be text of 1 to 2000 characters',
    });
    expect(responseProblems(QUESTIONS, {})).toEqual({ 'responses/delivery': 'required' });
  });

  it('sums CSAT (share of 4–5), averages and distributions; text is only counted', () => {
    const results = questionResults(QUESTIONS, [
      { delivery: 5, effort: 3, channel: 'web', why: 'fast' },
      { delivery: 4, channel: 'web' },
      { delivery: 2 },
      null,
    ]);
    expect(results[0]).toMatchObject({
      key: 'delivery',
      answers: 3,
      satisfied: 2,
      csat: 66.7,
      average: 3.67,
    });
    expect(results[0]!.distribution!.map((d) => d.count)).toEqual([0, 1, 0, 1, 1]);
    expect(results[1]).toMatchObject({ answers: 1, average: 3 });
    expect(results[1]!.distribution).toHaveLength(11);
    expect(results[2]!.distribution).toEqual([
      { value: 'web', count: 2 },
      { value: 'rep', count: 0 },
    ]);
    expect(results[3]).toEqual({ key: 'why', kind: 'text', answers: 1 });
    expect(questionResults([QUESTIONS[0]!], [])[0]).toMatchObject({ csat: null, average: null });
  });

  it('words a question in the locale, its language, or the default', () => {
    expect(wordingIn(QUESTIONS[0]!.label, 'pl-PL')).toBe('Dostawa?');
    expect(wordingIn(QUESTIONS[0]!.label, 'th')).toBe('Delivery?');
  });
});
