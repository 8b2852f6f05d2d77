// Leaderboards through the API: points earned or qualifying spend in a period, standard competition
// ranks (1, 2, 2, 4), the top and an account's own place with its neighbours, audiences and opt-outs.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { type EngagementProgram, engagementProgram } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

/** A program whose purchases earn a point per euro, with accounts that spent these amounts in May 2026. */
async function withSpenders(spend: Record<string, [string, object?]>): Promise<EngagementProgram> {
  const p = await engagementProgram(api);
  await p.ok(p.admin, {
    method: 'POST',
    url: '/v1/rules',
    payload: {
      document: {
        name: 'A point per euro',
        trigger: { types: ['purchase'] },
        effects: [{ kind: 'per_amount', points: '1', per: '1' }],
      },
      effectiveFrom: '2026-01-01T00:00:00Z',
    },
  });
  for (const [account, [amount, extra]] of Object.entries(spend)) {
    await p.account(account, extra ?? {});
    await p.purchase(`${account}-may`, account, '2026-05-10T10:00:00Z', amount);
  }
  return p;
}

const places = (list: Array<{ rank: number; externalId: string; value: string }>) =>
  list.map((x) => `${x.rank} ${x.externalId} ${x.value}`);

describe('leaderboards', () => {
  it('rank with ties the standard way and show the top and an account with its neighbours', async () => {
    const p = await withSpenders({
      A: ['100.00'],
      B: ['50.00'],
      C: ['50.00'],
      D: ['10.00'],
      E: ['5.00'],
      F: ['1.00'],
    });
    await p.account('IDLE');
    // Outside the period: June.
    await p.purchase('A-june', 'A', '2026-06-02T10:00:00Z', '1000.00');
    const board = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/leaderboards',
      payload: {
        code: 'may-points',
        name: 'May points',
        metric: 'points_earned',
        window: { kind: 'calendar', period: 'month' },
        size: 3,
      },
    });
    expect(board).toMatchObject({ code: 'may-points', metric: 'points_earned', size: 3 });
    const standings = await p.ok(p.read, {
      method: 'GET',
      url: '/v1/leaderboards/may-points/standings?account=F&asOf=2026-05-31T12:00:00Z',
    });
    expect(standings).toMatchObject({
      leaderboard: 'may-points',
      unit: 'points',
      ranked: 6,
      period: { key: '2026-05', start: '2026-04-30T22:00:00.000Z', end: '2026-05-31T22:00:00.000Z' },
    });
    expect(places(standings.top)).toEqual(['1 A 100', '2 B 50', '2 C 50']);
    expect(standings.account).toMatchObject({ rank: 6, value: '1' });
    expect(places(standings.account.neighbours)).toEqual(['4 D 10', '5 E 5']);

    const idle = await p.ok(p.read, {
      method: 'GET',
      url: '/v1/leaderboards/may-points/standings?account=IDLE&asOf=2026-05-31T12:00:00Z&top=5',
    });
    expect(idle.account).toMatchObject({ rank: null, value: null, neighbours: [] });
    expect(places(idle.top)).toEqual(['1 A 100', '2 B 50', '2 C 50', '4 D 10', '5 E 5']);
  });

  it('leave out excluded accounts (audited) and take them back', async () => {
    const p = await withSpenders({ A: ['100.00'], B: ['50.00'], C: ['40.00'] });
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/leaderboards',
      payload: {
        code: 'spring',
        name: 'Spring spend',
        metric: 'qualifying_spend',
        window: { kind: 'fixed', from: '2026-03-01T00:00:00Z', to: '2026-06-01T00:00:00Z' },
      },
    });
    const url = '/v1/leaderboards/spring/standings?asOf=2026-05-31T00:00:00Z';
    expect(places((await p.ok(p.read, { method: 'GET', url })).top)).toEqual([
      '1 A 100.00',
      '2 B 50.00',
      '3 C 40.00',
    ]);
    const out = await p.ok(p.write, {
      method: 'PUT',
      url: '/v1/leaderboards/spring/exclusions/A',
      payload: { reason: 'staff' },
    });
    expect(out).toMatchObject({ leaderboard: 'spring', excluded: true });
    const without = await p.ok(p.read, { method: 'GET', url });
    expect(places(without.top)).toEqual(['1 B 50.00', '2 C 40.00']);
    expect(without.unit).toBe('EUR');
    await p.ok(p.write, { method: 'DELETE', url: '/v1/leaderboards/spring/exclusions/A' });
    expect(places((await p.ok(p.read, { method: 'GET', url })).top)).toHaveLength(3);
    const audit = await p.ok(p.admin, { method: 'GET', url: '/v1/audit?resourceId=spring' });
    expect(audit.data.map((e: { action: string }) => e.action)).toEqual([
      'leaderboard.include',
      'leaderboard.exclude',
      'leaderboard.create',
    ]);
  });

  it('rank only the audience (segments and countries), net of returns', async () => {
    const p = await withSpenders({
      NL1: ['100.00', { segment: 'installer', country: 'NL' }],
      NL2: ['80.00', { segment: 'installer', country: 'NL' }],
      BE1: ['300.00', { segment: 'installer', country: 'BE' }],
      NL3: ['500.00', { segment: 'retail', country: 'NL' }],
    });
    await p.event({
      id: 'NL1-return',
      type: 'return',
      account: 'NL1',
      occurredAt: '2026-05-12T10:00:00Z',
      amount: '30.00',
      currency: 'EUR',
      references: { originalEventId: 'NL1-may' },
    });
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/leaderboards',
      payload: {
        code: 'nl-installers',
        name: 'Dutch installers',
        metric: 'qualifying_spend',
        window: { kind: 'calendar', period: 'year' },
        audience: { segments: ['installer'], countries: ['NL'] },
      },
    });
    const standings = await p.ok(p.read, {
      method: 'GET',
      url: '/v1/leaderboards/nl-installers/standings?asOf=2026-12-01T00:00:00Z',
    });
    expect(places(standings.top)).toEqual(['1 NL2 80.00', '2 NL1 70.00']);
    const listed = await p.ok(p.read, { method: 'GET', url: '/v1/leaderboards' });
    expect(listed.data.map((b: { code: string }) => b.code)).toEqual(['nl-installers']);
  });

  it('without asOf, answer the current period from the ranking table and say how fresh it is', async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/leaderboards',
      payload: {
        code: 'this-year',
        name: 'This year',
        metric: 'qualifying_spend',
        window: { kind: 'calendar', period: 'year' },
      },
    });
    const now = new Date(Date.now() - 60_000).toISOString();
    for (const [account, amount] of [
      ['X', '30.00'],
      ['Y', '20.00'],
    ] as const) {
      await p.account(account);
      await p.purchase(`${account}-1`, account, now, amount);
    }
    const url = '/v1/leaderboards/this-year/standings?account=Y';
    const first = await p.ok(p.read, { method: 'GET', url });
    expect(first.freshness).toMatchObject({ source: 'ranking' });
    expect(first.freshness.ageSeconds).toBeLessThan(30);
    expect(places(first.top)).toEqual(['1 X 30.00', '2 Y 20.00']);
    // A new purchase is not in the table until it is refreshed (the due run, every minute).
    await p.purchase('Y-2', 'Y', now, '50.00');
    const stale = await p.ok(p.read, { method: 'GET', url });
    expect(places(stale.top)).toEqual(['1 X 30.00', '2 Y 20.00']);
    expect(stale.freshness.refreshedAt).toBe(first.freshness.refreshedAt);
    // Ranked live as of now, it is there already.
    const live = await p.ok(p.read, { method: 'GET', url: `${url}&asOf=${new Date().toISOString()}` });
    expect(live.freshness.source).toBe('live');
    expect(places(live.top)).toEqual(['1 Y 70.00', '2 X 30.00']);
    const refreshed = await p.ok(p.admin, { method: 'POST', url: '/v1/leaderboards/this-year/refreshes' });
    expect(refreshed).toMatchObject({ leaderboard: 'this-year', ranked: 2 });
    const fresh = await p.ok(p.read, { method: 'GET', url });
    expect(places(fresh.top)).toEqual(['1 Y 70.00', '2 X 30.00']);
    expect(fresh.account).toMatchObject({ rank: 1, value: '70.00' });
    // An exclusion refreshes the table at once.
    await p.ok(p.write, { method: 'PUT', url: '/v1/leaderboards/this-year/exclusions/Y', payload: {} });
    const without = await p.ok(p.read, { method: 'GET', url });
    expect(places(without.top)).toEqual(['1 X 30.00']);
    expect(without.account).toMatchObject({ rank: null });
  });
});
