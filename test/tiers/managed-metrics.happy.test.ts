// Ladders of managed accounts (decision 0047): an agency qualifies by how many client businesses it
// manages now (managed_accounts) and by what they spend while it manages them (managed_spend). New
// relationships (one by one or from a CSV file) and the clients' purchases lift the agency's tier; the
// agency's own spend, a client's spend before or after it was managed, and the clients' own tiers stay
// apart.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { clockAt, json, type TierProgram, tierProgram } from './helpers.ts';

let api: TestApi;
let p: TierProgram;
let countLadder: string;
let spendLadder: string;

beforeAll(async () => {
  clockAt('2026-12-01T12:00:00Z');
  api = await testApi();
  p = await tierProgram(api);
  countLadder = await p.ladder({
    name: 'Agency reach',
    metric: 'managed_accounts',
    window: { kind: 'calendar_year' },
    tiers: [
      { code: 'partner', name: 'Partner', threshold: '1' },
      { code: 'premier', name: 'Premier', threshold: '3', perks: ['co_marketing'] },
    ],
  });
  spendLadder = await p.ladder({
    name: 'Agency revenue',
    metric: 'managed_spend',
    window: { kind: 'rolling_months', months: 12 },
    tiers: [
      { code: 'bronze', name: 'Bronze', threshold: '500' },
      { code: 'gold', name: 'Gold', threshold: '1000' },
    ],
  });
  for (const a of ['AGENCY', 'C1', 'C2', 'C3']) await p.account(a);
}, 300_000);
afterAll(() => vi.useRealTimers());

const link = async (to: string, startsAt = '2026-06-01T00:00:00Z') => {
  const r = await p.send(p.write, {
    method: 'POST',
    url: '/v1/relationships',
    payload: { type: 'manages', from: 'AGENCY', to, startsAt },
  });
  expect(r.statusCode, r.body).toBe(201);
  return json(r).id as string;
};
const on = async (account: string, ladder: string) =>
  (await p.progress(account)).find((l) => l.ladderId === ladder)!;

describe('ladders of managed accounts', () => {
  it('counts the accounts managed now; new links lift the tier, from the API or a CSV file', async () => {
    await link('C1');
    expect(await on('AGENCY', countLadder)).toMatchObject({
      tier: 'partner',
      metric: '1',
      next: { tier: 'premier', needed: '2' },
    });
    await link('C2');
    const csv = await p.send(p.write, {
      method: 'POST',
      url: '/v1/imports/relationships',
      headers: { 'content-type': 'text/csv' },
      payload: 'From External ID,Type,To External ID,Started At\nAGENCY,manages,C3,2026-06-01\n',
    });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(await on('AGENCY', countLadder)).toMatchObject({
      tier: 'premier',
      metric: '3',
      perks: ['co_marketing'],
      next: null,
    });
    expect((await p.history('AGENCY')).map((c) => `${c.to} ${c.reason} ${c.metric}`)).toEqual([
      'partner threshold 1',
      'premier threshold 3',
    ]);
    // The clients inherit nothing: they manage no one.
    expect(await on('C1', countLadder)).toMatchObject({ tier: null, metric: '0' });
  });

  it("sums the managed accounts' spend while managed, not the agency's own, and lifts on their purchases", async () => {
    await p.purchase('c3-march', 'C3', '2026-03-01T10:00:00Z', '500'); // before AGENCY managed C3
    await p.purchase('agency-own', 'AGENCY', '2026-11-03T10:00:00Z', '5000');
    expect(await on('AGENCY', spendLadder)).toMatchObject({ tier: null, metric: '0' });
    await p.purchase('c1-nov', 'C1', '2026-11-01T10:00:00Z', '600');
    expect(await on('AGENCY', spendLadder)).toMatchObject({
      tier: 'bronze',
      metric: '600',
      next: { tier: 'gold', needed: '400' },
    });
    await p.purchase('c2-nov', 'C2', '2026-11-02T10:00:00Z', '450.50');
    expect(await on('AGENCY', spendLadder)).toMatchObject({ tier: 'gold', metric: '1050.5', next: null });
    // The client's own standing on the ladder: it manages no one, so nothing.
    expect(await on('C1', spendLadder)).toMatchObject({ tier: null, metric: '0' });
  });

  it('keeps what a client spent while managed after the link ends, and counts it out from then', async () => {
    const c1 = (await p.send(p.read, { method: 'GET', url: '/v1/relationships?to=C1' })).json().data[0].id;
    const ended = await p.send(p.write, {
      method: 'POST',
      url: `/v1/relationships/${c1}/end`,
      payload: { endsAt: '2026-11-15T00:00:00Z' },
    });
    expect(ended.statusCode, ended.body).toBe(200);
    await p.purchase('c1-late', 'C1', '2026-11-20T10:00:00Z', '1000'); // no longer managed
    expect(await on('AGENCY', spendLadder)).toMatchObject({ metric: '1050.5' });
    // Two managed now; the tier reached stays until the period's evaluation (upgrades only on activity).
    expect(await on('AGENCY', countLadder)).toMatchObject({ tier: 'premier', metric: '2' });
  });

  it('is evaluated at the period end like any metric: two managed accounts keep Partner, not Premier', async () => {
    const run = await p.due('2028-01-01T00:00:00Z');
    expect(run.evaluated).toBeGreaterThan(0);
    const last = (await p.history('AGENCY')).filter((c) => c.ladderId === countLadder).at(-1)!;
    expect(last).toMatchObject({
      to: 'partner',
      reason: expect.stringMatching(/period_end|grace/),
      metric: '2',
    });
  });
});
