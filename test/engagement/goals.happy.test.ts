// Streaks, multi-step challenges (any N of the goals, in order) and opt-in challenges with rolling
// windows, through the API.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { engagementProgram } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

describe('goals across events', () => {
  it('a streak of three consecutive local weeks with a purchase completes and pays once', async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: {
        code: 'weekly-buyer',
        name: 'Three weeks in a row',
        goals: [{ metric: 'streak', period: 'week', eventTypes: ['purchase'], target: '3' }],
        window: { kind: 'calendar', period: 'quarter' },
        startsAt: '2026-04-01T00:00:00+02:00',
        reward: { points: 75 },
      },
    });
    const acme = await p.account('ACME');
    await p.purchase('w1', 'ACME', '2026-04-06T10:00:00Z', '10.00');
    // Sunday 12 April 23:30 in Amsterdam is still the second week.
    await p.purchase('w2', 'ACME', '2026-04-12T21:30:00Z', '10.00');
    // A gap (the week of 13 April), then two weeks: the longest run is still 2.
    await p.purchase('w4', 'ACME', '2026-04-20T10:00:00Z', '10.00');
    await p.purchase('w5', 'ACME', '2026-04-27T10:00:00Z', '10.00');
    expect((await p.progress('weekly-buyer', 'ACME', '2026-04-28T00:00:00Z')).goals[0]).toMatchObject({
      metric: 'streak',
      period: 'week',
      value: '2',
      done: false,
    });
    expect(await p.points(acme)).toBe(0);
    await p.purchase('w6', 'ACME', '2026-05-04T10:00:00Z', '10.00');
    const done = await p.progress('weekly-buyer', 'ACME', '2026-05-05T00:00:00Z');
    expect(done).toMatchObject({ status: 'completed', goals: [{ value: '3', done: true }] });
    expect(done.completion).toMatchObject({ completedAt: '2026-05-04T10:00:00.000Z', points: 75 });
    await p.purchase('w7', 'ACME', '2026-05-11T10:00:00Z', '10.00');
    await p.due('2026-05-12T00:00:00Z');
    expect(await p.points(acme)).toBe(75);
  });

  it('any two of three goals, in order: the purchase counts only after the training', async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: {
        code: 'learn-then-buy',
        name: 'Learn, then buy',
        goals: [
          { metric: 'count', eventTypes: ['training.completed'], target: '1', label: 'Take a training' },
          { metric: 'sum', eventTypes: ['purchase'], target: '100', label: 'Buy for EUR 100' },
          { metric: 'count', eventTypes: ['webinar.attended'], target: '2', label: 'Attend two webinars' },
        ],
        required: 2,
        ordered: true,
        window: { kind: 'calendar', period: 'month' },
        startsAt: '2026-05-01T00:00:00+02:00',
        reward: { points: 40 },
      },
    });
    const acme = await p.account('ACME');
    await p.purchase('early', 'ACME', '2026-05-02T10:00:00Z', '150.00');
    await p.training('t1', 'ACME', '2026-05-03T10:00:00Z');
    const half = await p.progress('learn-then-buy', 'ACME', '2026-05-04T00:00:00Z');
    expect(half).toMatchObject({
      required: 2,
      ordered: true,
      stepsDone: 1,
      completed: false,
      goals: [{ done: true }, { value: '0', done: false }, { done: false }],
    });
    await p.purchase('late', 'ACME', '2026-05-05T10:00:00Z', '120.00');
    const done = await p.progress('learn-then-buy', 'ACME', '2026-05-06T00:00:00Z');
    expect(done).toMatchObject({ stepsDone: 2, completed: true, status: 'completed' });
    expect(await p.points(acme)).toBe(40);
  });

  it('an opt-in challenge with a rolling window counts from the joining, for those who joined', async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: {
        code: 'sprint',
        name: 'Two trainings in 30 days',
        enrolment: 'opt_in',
        goals: [{ metric: 'count', eventTypes: ['training.completed'], target: '2' }],
        window: { kind: 'rolling', days: 30 },
        startsAt: '2026-01-01T00:00:00Z',
        reward: { points: 60 },
      },
    });
    const acme = await p.account('ACME');
    const beta = await p.account('BETA');
    const now = Date.now();
    const at = (days: number) => new Date(now + days * 86_400_000).toISOString();
    // Before joining: trainings do not count, the challenge is listed as one to join.
    await p.training('before', 'ACME', at(-2));
    const listed = await p.ok(p.read, { method: 'GET', url: '/v1/accounts/ACME/challenges' });
    expect(listed.data).toMatchObject([{ challenge: 'sprint', status: 'not_joined', enrolment: 'opt_in' }]);
    const joined = await p.ok(p.write, {
      method: 'POST',
      url: '/v1/challenges/sprint/enrolments',
      payload: { account: 'ACME' },
    });
    expect(joined).toMatchObject({ challenge: 'sprint', accountId: acme, joined: true });
    const again = await p.ok(
      p.write,
      { method: 'POST', url: '/v1/challenges/sprint/enrolments', payload: { account: 'ACME' } },
      200,
    );
    expect(again).toMatchObject({ joined: false, joinedAt: joined.joinedAt });
    await p.training('after-1', 'ACME', at(0.001));
    await p.training('beta-1', 'BETA', at(0.001));
    await p.training('beta-2', 'BETA', at(0.002));
    const mid = await p.progress('sprint', 'ACME', at(0.01));
    expect(mid).toMatchObject({ status: 'open', joinedAt: joined.joinedAt, goals: [{ value: '1' }] });
    expect(mid.window).toMatchObject({ key: 'rolling', start: joined.joinedAt });
    await p.training('after-2', 'ACME', at(0.002));
    expect(await p.points(acme)).toBe(60);
    // BETA never joined: two trainings pay nothing, even through the due run.
    await p.due(at(0.02));
    expect(await p.points(beta)).toBe(0);
    expect((await p.progress('sprint', 'BETA', at(0.01))).status).toBe('not_joined');
    const audit = await p.ok(p.admin, { method: 'GET', url: '/v1/audit?action=challenge.join' });
    expect(audit.data).toMatchObject([{ resourceId: 'sprint', after: { accountId: acme } }]);
  });
});
