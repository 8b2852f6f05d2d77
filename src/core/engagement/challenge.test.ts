import { describe, expect, it } from 'vitest';
import { type ChallengeDocument, challengeProblems, windowAt, windowsDue } from './challenge.ts';

const base: ChallengeDocument = {
  name: 'Three trainings',
  window: { kind: 'calendar', period: 'quarter' },
  startsAt: '2026-02-15T09:00:00Z',
  goals: [{ metric: 'count', eventTypes: ['training.completed'], target: '3' }],
  reward: { points: 300 },
};
const zone = 'Europe/Amsterdam';

describe('challenge documents', () => {
  it('accepts a sound document', () => {
    expect(challengeProblems(base)).toEqual({});
  });

  it('names each fault by its pointer', () => {
    expect(
      challengeProblems({
        ...base,
        window: { kind: 'fixed', from: '2026-05-01T00:00:00Z', to: '2026-04-01T00:00:00Z' },
        endsAt: '2026-01-01T00:00:00Z',
        audience: { condition: 'account.nope == 1' },
        reward: { points: 0 },
        goals: [
          { metric: 'count', eventTypes: [], target: '0', attribute: 'x' },
          { metric: 'distinct', eventTypes: ['purchase'], target: '2' },
          { metric: 'sum', eventTypes: ['purchase'], target: '0.00' },
        ],
      }),
    ).toEqual({
      'goals/0/eventTypes': 'at least one event type',
      'goals/0/target': 'a whole number of at least 1',
      'goals/0/attribute': 'count takes no attribute',
      'goals/1/attribute': 'distinct needs the attribute whose values it counts',
      'goals/2/target': 'a positive decimal with at most 6 decimals',
      endsAt: 'ends before it starts',
      'window/to': 'ends before it starts',
      'audience/condition': expect.any(String),
      'reward/points': 'a whole number of points, at least 1',
    });
    expect(challengeProblems({ ...base, goals: [] })).toEqual({ goals: 'at least one goal' });
  });

  it('refuses a streak of 0 or without its period, a required count beyond the goals, a rolling window without opt-in', () => {
    expect(
      challengeProblems({
        ...base,
        required: 4,
        window: { kind: 'rolling', days: 0 },
        goals: [
          { metric: 'streak', eventTypes: ['purchase'], target: '0', period: 'week' },
          { metric: 'streak', eventTypes: ['purchase'], target: '2' },
          { metric: 'count', eventTypes: ['purchase'], target: '2', period: 'month' },
        ],
      }),
    ).toEqual({
      'goals/0/target': 'a streak of at least 1 period',
      'goals/1/period': 'a streak needs its period (week or month)',
      'goals/2/period': 'only a streak takes a period',
      required: 'between 1 and the number of goals (3)',
      'window/kind': 'a rolling window counts from the opt-in: enrolment must be opt_in',
      'window/days': 'a whole number of days from 1 to 3660',
    });
    expect(challengeProblems({ ...base, required: 2 })).toEqual({
      required: 'between 1 and the number of goals (1)',
    });
    expect(
      challengeProblems({ ...base, enrolment: 'opt_in', window: { kind: 'rolling', days: 30 }, required: 1 }),
    ).toEqual({});
  });
});

describe('challenge windows', () => {
  it('refuses an audience over what contacts cannot have: the contact of an account challenge, contact attributes (decision 0061)', () => {
    const team = { ...base, audience: { condition: "contact.role == 'buyer'" } };
    expect(challengeProblems(team)).toEqual({
      'audience/condition':
        'an account challenge has no contact: only a challenge with participant contact may test it',
    });
    expect(challengeProblems({ ...team, participant: 'account' })).toHaveProperty('audience/condition');
    expect(challengeProblems({ ...team, participant: 'contact' })).toEqual({});
    expect(
      challengeProblems({
        ...base,
        participant: 'contact',
        audience: { condition: "contact.locale == 'nl' && account.segment == 'dealer'" },
      }),
    ).toEqual({});
    expect(
      challengeProblems({
        ...base,
        participant: 'contact',
        audience: { condition: 'contact.attributes.x == 1' },
      }),
    ).toEqual({
      'audience/condition':
        'contacts have no attributes (contact.role, contact.locale and contact.id are known)',
    });
  });

  it('is the calendar quarter in the program time zone, cut to the challenge start', () => {
    // 31 March 23:30 UTC is already 1 April in Amsterdam (UTC+2): the second quarter.
    expect(windowAt(base, new Date('2026-03-31T22:30:00Z'), zone)).toEqual({
      key: '2026-Q2',
      start: new Date('2026-03-31T22:00:00Z'),
      end: new Date('2026-06-30T22:00:00Z'),
    });
    expect(windowAt(base, new Date('2026-03-01T00:00:00Z'), zone)).toEqual({
      key: '2026-Q1',
      start: new Date('2026-02-15T09:00:00Z'),
      end: new Date('2026-03-31T22:00:00Z'),
    });
    expect(windowAt(base, new Date('2026-02-15T08:59:59Z'), zone)).toBeNull();
  });

  it('names months and years, and ends at the challenge end', () => {
    const monthly = {
      ...base,
      window: { kind: 'calendar', period: 'month' } as const,
      endsAt: '2026-05-10T00:00:00Z',
    };
    expect(windowAt(monthly, new Date('2026-05-03T00:00:00Z'), zone)).toMatchObject({
      key: '2026-05',
      end: new Date('2026-05-10T00:00:00Z'),
    });
    expect(windowAt(monthly, new Date('2026-05-10T00:00:00Z'), zone)).toBeNull();
    const yearly = { ...base, window: { kind: 'calendar', period: 'year' } as const };
    expect(windowAt(yearly, new Date('2026-12-31T22:59:00Z'), zone)?.key).toBe('2026');
    expect(windowAt(yearly, new Date('2026-12-31T23:00:00Z'), zone)?.key).toBe('2027');
  });

  it('has fixed dates', () => {
    const fixed = {
      ...base,
      window: { kind: 'fixed', from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' } as const,
    };
    expect(windowAt(fixed, new Date('2026-03-05T00:00:00Z'), zone)).toEqual({
      key: 'fixed',
      start: new Date('2026-03-01T00:00:00Z'),
      end: new Date('2026-04-01T00:00:00Z'),
    });
    expect(windowAt(fixed, new Date('2026-04-01T00:00:00Z'), zone)).toBeNull();
    expect(windowsDue(fixed, new Date('2026-04-20T00:00:00Z'), zone).map((w) => w.key)).toEqual(['fixed']);
    expect(windowsDue(fixed, new Date('2026-06-20T00:00:00Z'), zone)).toEqual([]);
  });

  it('an opt-in challenge has windows only from the joining; a rolling one lasts its days from it', () => {
    const joined = new Date('2026-05-10T08:00:00Z');
    const optIn = { ...base, enrolment: 'opt_in' as const };
    expect(windowAt(optIn, new Date('2026-05-20T00:00:00Z'), zone)).toBeNull();
    expect(windowAt(optIn, new Date('2026-05-09T00:00:00Z'), zone, joined)).toBeNull();
    expect(windowAt(optIn, new Date('2026-05-20T00:00:00Z'), zone, joined)).toEqual({
      key: '2026-Q2',
      start: joined,
      end: new Date('2026-06-30T22:00:00Z'),
    });
    const rolling = { ...optIn, window: { kind: 'rolling', days: 30 } as const };
    const w = { key: 'rolling', start: joined, end: new Date('2026-06-09T08:00:00Z') };
    expect(windowAt(rolling, new Date('2026-06-09T07:59:59Z'), zone, joined)).toEqual(w);
    expect(windowAt(rolling, new Date('2026-06-09T08:00:00Z'), zone, joined)).toBeNull();
    expect(windowsDue(rolling, new Date('2026-06-20T00:00:00Z'), zone, joined)).toEqual([w]);
    expect(windowsDue(rolling, new Date('2026-08-20T00:00:00Z'), zone, joined)).toEqual([]);
  });

  it('the due run looks at the current window and those that ended within the late days', () => {
    const monthly = { ...base, window: { kind: 'calendar', period: 'month' } as const };
    expect(windowsDue(monthly, new Date('2026-05-20T00:00:00Z'), zone).map((w) => w.key)).toEqual([
      '2026-05',
      '2026-04',
    ]);
    expect(windowsDue(base, new Date('2026-02-01T00:00:00Z'), zone)).toEqual([]);
  });
});
