// Bad input to the engagement routes: a problem naming the field, and nothing written.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { type EngagementProgram, engagementProgram, threeTrainings, trainedBadge } from './helpers.ts';

let api: TestApi;
let p: EngagementProgram;

beforeAll(async () => {
  api = await testApi();
  p = await engagementProgram(api);
  await p.ok(p.admin, { method: 'POST', url: '/v1/badges', payload: trainedBadge });
  await p.account('ACME');
});

async function refused(
  key: string,
  method: 'POST' | 'PUT' | 'PATCH' | 'GET',
  url: string,
  payload: object | undefined,
  status: number,
  code: string,
  paths: string[] = [],
) {
  const auditBefore = (await p.ok(p.admin, { method: 'GET', url: '/v1/audit?limit=500' })).data.length;
  const r = await p.send(key, { method, url, payload });
  expect(r.statusCode, r.body).toBe(status);
  const problem = r.json();
  expect(problem.code).toBe(code);
  expect((problem.errors ?? []).map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(paths));
  const auditAfter = (await p.ok(p.admin, { method: 'GET', url: '/v1/audit?limit=500' })).data.length;
  expect(auditAfter).toBe(auditBefore);
  return problem;
}

const challenge = (extra: object) => ({ ...threeTrainings(), code: 'bad', ...extra });

describe('challenges refuse bad documents, naming the field, writing nothing', () => {
  it('a goal over an attribute its event type does not declare', async () => {
    const problem = await refused(
      p.admin,
      'POST',
      '/v1/challenges',
      challenge({
        goals: [{ metric: 'distinct', eventTypes: ['webinar.attended'], attribute: 'sku', target: '2' }],
      }),
      422,
      'challenge_invalid',
      ['/body/goals/0/attribute'],
    );
    expect(problem.detail).toContain('webinar.attended does not declare the attribute sku');
    expect((await p.send(p.read, { method: 'GET', url: '/v1/challenges/bad' })).statusCode).toBe(404);
  });

  it('a window that ends before it starts, and an end before the start', async () => {
    await refused(
      p.admin,
      'POST',
      '/v1/challenges',
      challenge({
        window: { kind: 'fixed', from: '2026-06-01T00:00:00Z', to: '2026-05-01T00:00:00Z' },
        endsAt: '2026-01-01T00:00:00Z',
      }),
      422,
      'challenge_invalid',
      ['/body/window/to', '/body/endsAt'],
    );
  });

  it('an unknown badge, an unknown event type, a bad audience condition, a zero target', async () => {
    await refused(
      p.admin,
      'POST',
      '/v1/challenges',
      challenge({
        reward: { points: 10, badge: 'nope' },
        goals: [
          { metric: 'count', eventTypes: ['no.such_type'], target: '3' },
          { metric: 'count', eventTypes: ['purchase'], target: '0' },
        ],
        audience: { condition: 'account.nothing == 1' },
      }),
      422,
      'challenge_invalid',
      [
        '/body/reward/badge',
        '/body/goals/0/eventTypes/0',
        '/body/goals/1/target',
        '/body/audience/condition',
      ],
    );
  });

  it('a distinct goal without its attribute, a schema violation, a taken code', async () => {
    await refused(
      p.admin,
      'POST',
      '/v1/challenges',
      challenge({ goals: [{ metric: 'distinct', eventTypes: ['purchase'], target: '2' }] }),
      422,
      'challenge_invalid',
      ['/body/goals/0/attribute'],
    );
    await refused(
      p.admin,
      'POST',
      '/v1/challenges',
      challenge({ window: { kind: 'weekly' } }),
      400,
      'validation_failed',
    );
    await p.ok(p.admin, { method: 'POST', url: '/v1/challenges', payload: threeTrainings() });
    await refused(p.admin, 'POST', '/v1/challenges', threeTrainings(), 409, 'challenge_exists', [
      '/body/code',
    ]);
  });

  it('a change of an unknown challenge, or a bad change of a known one', async () => {
    const { code: _c, ...doc } = threeTrainings();
    await refused(p.admin, 'PUT', '/v1/challenges/unknown', doc, 404, 'challenge_not_found');
    await refused(
      p.admin,
      'PUT',
      '/v1/challenges/three-trainings',
      { ...doc, reward: { badge: 'missing' } },
      422,
      'challenge_invalid',
      ['/body/reward/badge'],
    );
    expect((await p.ok(p.read, { method: 'GET', url: '/v1/challenges/three-trainings' })).version).toBe(1);
  });

  it('progress of an unknown challenge or account', async () => {
    await refused(
      p.read,
      'GET',
      '/v1/challenges/unknown/progress?account=ACME',
      undefined,
      404,
      'challenge_not_found',
    );
    await refused(
      p.read,
      'GET',
      '/v1/challenges/three-trainings/progress?account=NOBODY',
      undefined,
      404,
      'account_not_found',
    );
    await refused(
      p.read,
      'GET',
      '/v1/challenges/three-trainings/progress',
      undefined,
      422,
      // Either participant may be named now (decision 0061); an account challenge needs its account.
      'challenge_participant_mismatch',
      ['/query/account'],
    );
  });
});

describe('badges refuse bad input', () => {
  it('an unknown badge awarded by hand names the badge field', async () => {
    await refused(p.write, 'POST', '/v1/accounts/ACME/badges', { badge: 'unknown' }, 404, 'badge_not_found', [
      '/body/badge',
    ]);
    expect((await p.ok(p.read, { method: 'GET', url: '/v1/accounts/ACME/badges' })).data).toEqual([]);
  });

  it("an unknown account, another account's contact, an expiry in the past", async () => {
    await refused(
      p.write,
      'POST',
      '/v1/accounts/NOBODY/badges',
      { badge: 'trained' },
      404,
      'account_not_found',
    );
    const other = await p.account('OTHER');
    const contact = await p.ok(p.write, {
      method: 'POST',
      url: `/v1/accounts/${other}/contacts`,
      payload: { email: 'x@other.example' },
    });
    await refused(
      p.write,
      'POST',
      '/v1/accounts/ACME/badges',
      { badge: 'trained', contact: contact.id },
      400,
      'validation_failed',
      ['/body/contact'],
    );
    await refused(
      p.write,
      'POST',
      '/v1/accounts/ACME/badges',
      { badge: 'trained', expiresAt: '2020-01-01T00:00:00Z' },
      400,
      'validation_failed',
      ['/body/expiresAt'],
    );
  });

  it('a taken code, a bad image URL, an unknown badge to read or change', async () => {
    await refused(p.admin, 'POST', '/v1/badges', trainedBadge, 409, 'badge_exists', ['/body/code']);
    await refused(
      p.admin,
      'POST',
      '/v1/badges',
      { code: 'x', name: 'X', imageUrl: 'javascript:alert(1)' },
      400,
      'validation_failed',
    );
    await refused(p.read, 'GET', '/v1/badges/unknown', undefined, 404, 'badge_not_found');
    await refused(p.admin, 'PATCH', '/v1/badges/unknown', { name: 'Y' }, 404, 'badge_not_found');
  });
});

describe('leaderboards refuse bad input', () => {
  it('a window that ends before it starts, an unknown event type, an unknown country', async () => {
    await refused(
      p.admin,
      'POST',
      '/v1/leaderboards',
      {
        code: 'bad',
        name: 'Bad',
        metric: 'qualifying_spend',
        eventTypes: ['no.such_type'],
        window: { kind: 'fixed', from: '2026-06-01T00:00:00Z', to: '2026-05-01T00:00:00Z' },
        audience: { countries: ['XX'] },
      },
      400,
      'validation_failed',
      ['/body/window/to', '/body/eventTypes/0', '/body/audience/countries/0'],
    );
    await refused(p.read, 'GET', '/v1/leaderboards/bad', undefined, 404, 'leaderboard_not_found');
  });

  it('standings or exclusions of an unknown leaderboard or account', async () => {
    await refused(
      p.read,
      'GET',
      '/v1/leaderboards/unknown/standings',
      undefined,
      404,
      'leaderboard_not_found',
    );
    await refused(
      p.write,
      'PUT',
      '/v1/leaderboards/unknown/exclusions/ACME',
      {},
      404,
      'leaderboard_not_found',
    );
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/leaderboards',
      payload: {
        code: 'year',
        name: 'Year',
        metric: 'points_earned',
        window: { kind: 'calendar', period: 'year' },
      },
    });
    await refused(
      p.read,
      'GET',
      '/v1/leaderboards/year/standings?account=NOBODY',
      undefined,
      404,
      'account_not_found',
    );
    await refused(p.write, 'PUT', '/v1/leaderboards/year/exclusions/NOBODY', {}, 404, 'account_not_found');
  });
});

describe('scopes', () => {
  it('definitions need the admin scope, awards and exclusions the write scope', async () => {
    await refused(p.write, 'POST', '/v1/badges', { code: 'w', name: 'W' }, 403, 'insufficient_scope');
    await refused(p.write, 'POST', '/v1/challenges', challenge({}), 403, 'insufficient_scope');
    await refused(
      p.read,
      'POST',
      '/v1/accounts/ACME/badges',
      { badge: 'trained' },
      403,
      'insufficient_scope',
    );
    await refused(p.write, 'POST', '/v1/engagement/due-runs', {}, 403, 'insufficient_scope');
  });
});

describe('new goals, opt-in and automations refuse bad input, naming the field, writing nothing', () => {
  it('a streak of 0, a streak without its period, any N beyond the goals, a rolling window without opt-in', async () => {
    await refused(
      p.admin,
      'POST',
      '/v1/challenges',
      challenge({
        goals: [
          { metric: 'streak', eventTypes: ['purchase'], period: 'week', target: '0' },
          { metric: 'streak', eventTypes: ['purchase'], target: '2' },
        ],
        required: 3,
        window: { kind: 'rolling', days: 30 },
      }),
      422,
      'challenge_invalid',
      ['/body/goals/0/target', '/body/goals/1/period', '/body/required', '/body/window/kind'],
    );
    expect((await p.send(p.read, { method: 'GET', url: '/v1/challenges/bad' })).statusCode).toBe(404);
  });

  it('joining an automatic challenge, or one whose audience leaves the account out', async () => {
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: { ...threeTrainings(), code: 'auto-one' },
    });
    await refused(
      p.write,
      'POST',
      '/v1/challenges/auto-one/enrolments',
      { account: 'ACME' },
      409,
      'challenge_not_opt_in',
    );
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: {
        ...threeTrainings(),
        code: 'dealers-only',
        enrolment: 'opt_in',
        audience: { condition: "account.segment == 'dealer'" },
      },
    });
    await refused(
      p.write,
      'POST',
      '/v1/challenges/dealers-only/enrolments',
      { account: 'ACME' },
      422,
      'challenge_not_eligible',
      ['/body/account'],
    );
    await refused(
      p.write,
      'POST',
      '/v1/challenges/nope/enrolments',
      { account: 'ACME' },
      404,
      'challenge_not_found',
    );
  });

  it('automations: a zero-day win-back, an unknown event type or badge, no effect, a bad threshold', async () => {
    await refused(
      p.admin,
      'POST',
      '/v1/automations',
      {
        code: 'bad',
        name: 'Bad',
        trigger: { kind: 'win_back', days: 0, eventTypes: ['no.such.type'] },
        effect: { badge: 'no-such-badge' },
      },
      422,
      'automation_invalid',
      ['/body/trigger/days', '/body/trigger/eventTypes/0', '/body/effect/badge'],
    );
    await refused(
      p.admin,
      'POST',
      '/v1/automations',
      {
        code: 'bad',
        name: 'Bad',
        trigger: { kind: 'milestone', metric: 'lifetime_points', threshold: '10.5' },
        effect: {},
      },
      422,
      'automation_invalid',
      ['/body/trigger/threshold', '/body/effect'],
    );
    // Cashback: a positive decimal, with no more decimals than the base currency (EUR: 2).
    for (const cashback of ['0', '-5', '12.345', 'ten'])
      await refused(
        p.admin,
        'POST',
        '/v1/automations',
        { code: 'bad', name: 'Bad', trigger: { kind: 'birthday' }, effect: { cashback } },
        422,
        'automation_invalid',
        ['/body/effect/cashback'],
      );
    await refused(
      p.admin,
      'POST',
      '/v1/automations',
      { code: 'bad', name: 'Bad', trigger: { kind: 'birthday', extra: 1 }, effect: { points: 5 } },
      400,
      'validation_failed',
    );
    expect((await p.send(p.read, { method: 'GET', url: '/v1/automations/bad' })).statusCode).toBe(404);
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/automations',
      payload: { code: 'bday', name: 'Birthday', trigger: { kind: 'birthday' }, effect: { points: 5 } },
    });
    await refused(
      p.admin,
      'POST',
      '/v1/automations',
      { code: 'bday', name: 'Birthday', trigger: { kind: 'birthday' }, effect: { points: 5 } },
      409,
      'automation_exists',
      ['/body/code'],
    );
  });

  it('catalog rewards and anniversaries: an unknown or session reward, an unknown plan, tier or ladder', async () => {
    const session = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/rewards',
      payload: {
        type: 'experience',
        name: 'Factory tour',
        price: { amount: 100, unit: 'points' },
        stock: { kind: 'sessions' },
      },
    });
    await refused(
      p.admin,
      'POST',
      '/v1/challenges',
      challenge({ reward: { points: 5, catalogReward: 'rwd_missing' } }),
      422,
      'challenge_invalid',
      ['/body/reward/catalogReward'],
    );
    const problem = await refused(
      p.admin,
      'POST',
      '/v1/automations',
      { code: 'bad', name: 'Bad', trigger: { kind: 'birthday' }, effect: { catalogReward: session.id } },
      422,
      'automation_invalid',
      ['/body/effect/catalogReward'],
    );
    expect(problem.errors[0].message).toBe('a reward booked per session cannot be issued free');
    await refused(
      p.admin,
      'POST',
      '/v1/automations',
      {
        code: 'bad',
        name: 'Bad',
        trigger: { kind: 'membership_anniversary', plans: ['pln_missing'] },
        effect: { points: 5 },
      },
      422,
      'automation_invalid',
      ['/body/trigger/plans/0'],
    );
    await refused(
      p.admin,
      'POST',
      '/v1/automations',
      {
        code: 'bad',
        name: 'Bad',
        trigger: { kind: 'tier_anniversary', tier: 'gold' },
        effect: { points: 5 },
      },
      422,
      'automation_invalid',
      ['/body/trigger/tier'],
    );
    await refused(
      p.admin,
      'POST',
      '/v1/automations',
      {
        code: 'bad',
        name: 'Bad',
        trigger: { kind: 'tier_anniversary', tier: 'gold', ladder: 'no-ladder' },
        effect: { points: 5 },
      },
      422,
      'automation_invalid',
      ['/body/trigger/ladder'],
    );
    await refused(
      p.admin,
      'POST',
      '/v1/automations',
      { code: 'bad', name: 'Bad', trigger: { kind: 'tier_anniversary' }, effect: { points: 5 } },
      400,
      'validation_failed',
    );
    // A translation under a key that is not a language tag (challenges and badges alike).
    await refused(
      p.admin,
      'POST',
      '/v1/challenges',
      challenge({ translations: { 'not a tag': { name: 'X' } } }),
      400,
      'validation_failed',
    );
    await refused(
      p.admin,
      'POST',
      '/v1/badges',
      { code: 'bad', name: 'Bad', translations: { 'not a tag': { name: 'X' } } },
      400,
      'validation_failed',
    );
  });
});

describe('the firings across automations refuse bad cursors and filters with a problem', () => {
  const get = async (query: string, status: number, code: string, paths: string[] = []) => {
    const r = await p.send(p.read, { method: 'GET', url: `/v1/automation-firings?${query}` });
    expect(r.statusCode, r.body).toBe(status);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = r.json();
    expect(problem.code).toBe(code);
    expect((problem.errors ?? []).map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(paths),
    );
    return problem;
  };
  const cursorOf = (after: unknown) => Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');

  it('a cursor that is not one of its own', async () => {
    await get('cursor=nonsense', 400, 'invalid_cursor');
    // Another list's cursor (an id), and a position whose instant is no instant.
    await get(`cursor=${cursorOf('acc_01J0000000000000000000000')}`, 400, 'invalid_cursor');
    await get(`cursor=${cursorOf(JSON.stringify(['yesterday', 'a', 'b', 'c']))}`, 400, 'invalid_cursor');
    await get(`cursor=${cursorOf(JSON.stringify([1, 2]))}`, 400, 'invalid_cursor');
  });

  it('a range that ends before it starts, a malformed instant, a bad limit or code', async () => {
    await get('since=2026-05-01T00:00:00Z&until=2026-04-01T00:00:00Z', 400, 'validation_failed', [
      '/query/until',
    ]);
    await get('since=yesterday', 400, 'validation_failed', ['/querystring/since']);
    await get('limit=0', 400, 'validation_failed', ['/querystring/limit']);
    await get('automation=Not%20A%20Code', 400, 'validation_failed', ['/querystring/automation']);
    await get('colour=red', 400, 'validation_failed');
  });

  it('an automation or an account the program does not have', async () => {
    await get('automation=no-such-automation', 404, 'automation_not_found');
    await get('account=NO-SUCH-ACCOUNT', 404, 'account_not_found');
  });
});
