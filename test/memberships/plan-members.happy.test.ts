// Plan members listed and filtered by segment, country, status and tier (decision 0024).
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { json, type TierProgram, tierProgram } from '../tiers/helpers.ts';

let api: TestApi;
let p: TierProgram;
let planId: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  api = await testApi();
  p = await tierProgram(api);
  ids.NL1 = await p.account('NL1', { segment: 'installer', country: 'NL' });
  ids.NL2 = await p.account('NL2', { segment: 'reseller', country: 'NL' });
  ids.DE1 = await p.account('DE1', { segment: 'installer', country: 'DE' });
  const ladder = await p.ladder({
    name: 'T',
    metric: 'qualifying_spend',
    window: { kind: 'rolling_months', months: 12 },
    tiers: [
      { code: 'base', name: 'Base', threshold: '0' },
      { code: 'gold', name: 'Gold', threshold: '100000' },
    ],
  });
  const o = await p.send(p.admin, {
    method: 'POST',
    url: `/v1/tier-ladders/${ladder}/overrides`,
    payload: { account: 'DE1', kind: 'set', tier: 'gold', reason: 'x' },
  });
  expect(o.statusCode, o.body).toBeLessThan(300);
  const plan = await p.send(p.admin, {
    method: 'POST',
    url: '/v1/membership-plans',
    payload: {
      name: 'Club',
      fee: { amount: '1.00', currency: 'EUR' },
      term: { months: 12 },
      renewal: 'auto',
      joining: 'contract',
    },
  });
  planId = json(plan).id;
  for (const account of ['NL1', 'NL2', 'DE1']) {
    const r = await p.send(p.write, {
      method: 'POST',
      url: '/v1/memberships',
      payload: { account, plan: planId, via: 'contract', reference: `C-${account}` },
      headers: { 'idempotency-key': `j-${account}` },
    });
    expect(r.statusCode, r.body).toBe(201);
  }
  const m = json(
    await p.send(p.read, {
      method: 'GET',
      url: `/v1/memberships?plan=${planId}&country=NL&segment=reseller`,
    }),
  ).data[0];
  const c = await p.send(p.write, { method: 'POST', url: `/v1/memberships/${m.id}/cancel`, payload: {} });
  expect(c.statusCode, c.body).toBe(200);
}, 300_000);

const members = async (query: string) => {
  const r = await p.send(p.read, { method: 'GET', url: `/v1/memberships?plan=${planId}&${query}` });
  expect(r.statusCode, r.body).toBe(200);
  return json(r)
    .data.map((m: { accountId: string }) => Object.keys(ids).find((k) => ids[k] === m.accountId))
    .sort();
};

describe('plan members, filtered', () => {
  it('by country, segment, status and tier, alone and together', async () => {
    expect(await members('country=NL')).toEqual(['NL1', 'NL2']);
    expect(await members('segment=installer')).toEqual(['DE1', 'NL1']);
    expect(await members('segment=installer&country=NL')).toEqual(['NL1']);
    expect(await members('status=active')).toEqual(['DE1', 'NL1']);
    expect(await members('status=cancelled&country=NL')).toEqual(['NL2']);
    expect(await members('tier=gold')).toEqual(['DE1']);
    expect(await members('tier=gold&country=NL')).toEqual([]);
  });

  it('refuses a malformed country, and another program sees none of them', async () => {
    const bad = await p.send(p.read, { method: 'GET', url: `/v1/memberships?plan=${planId}&country=nl` });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(json(bad).errors)).toContain('/querystring/country');
    const other = await api.call(api.b.read, { method: 'GET', url: '/v1/memberships?country=NL' });
    expect(other.statusCode).toBe(200);
    expect(other.json().data).toEqual([]);
  });
});
