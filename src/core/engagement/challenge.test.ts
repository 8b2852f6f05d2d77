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
});

describe('challenge windows', () => {
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

  it('the due run looks at the current window and those that ended within the late days', () => {
    const monthly = { ...base, window: { kind: 'calendar', period: 'month' } as const };
    expect(windowsDue(monthly, new Date('2026-05-20T00:00:00Z'), zone).map((w) => w.key)).toEqual([
      '2026-05',
      '2026-04',
    ]);
    expect(windowsDue(base, new Date('2026-02-01T00:00:00Z'), zone)).toEqual([]);
  });
});
