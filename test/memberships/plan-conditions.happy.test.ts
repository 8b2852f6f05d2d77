// Plan conditions (decision 0024): a minimum qualifying spend over the last N months, or a tier,
// checked at join (a clear refusal) and at each renewal (the membership lapses when it fails).
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { json, type TierProgram, tierProgram } from '../tiers/helpers.ts';

let api: TestApi;
let p: TierProgram;
const DAY = 86_400_000;
const now = Date.now();
const ago = (days: number) => new Date(now - days * DAY).toISOString();
let n = 0;

const plan = async (payload: object) => {
  const r = await p.send(p.admin, { method: 'POST', url: '/v1/membership-plans', payload });
  expect(r.statusCode, r.body).toBe(201);
  return json(r);
};
const join = (account: string, planId: string, extra: object = {}) =>
  p.send(p.write, {
    method: 'POST',
    url: '/v1/memberships',
    payload: { account, plan: planId, via: 'contract', reference: `C-${++n}`, ...extra },
    headers: { 'idempotency-key': `join-${n}-${account}` },
  });
const base = {
  fee: { amount: '100.00', currency: 'EUR' },
  term: { months: 1 },
  renewal: 'auto',
  joining: 'contract',
  entitlements: [{ key: 'lounge', kind: 'flag' }],
};

beforeAll(async () => {
  api = await testApi();
  p = await tierProgram(api);
  await p.account('SPENDER');
  await p.account('LOW');
  await p.purchase('evt-spender-1', 'SPENDER', ago(20), '600.00');
  await p.purchase('evt-low-1', 'LOW', ago(5), '100.00');
}, 300_000);

describe('a minimum-spend condition', () => {
  let club: { id: string };

  it('is kept on the plan and refuses a join below it, saying what the account has and needs', async () => {
    club = await plan({
      ...base,
      name: 'Spenders',
      condition: { kind: 'min_spend', amount: '500', months: 1 },
    });
    expect(club).toMatchObject({ condition: { kind: 'min_spend', amount: '500', months: 1 } });
    const refused = await join('LOW', club.id);
    expect(refused.statusCode).toBe(422);
    expect(json(refused)).toMatchObject({ code: 'membership_condition_unmet' });
    expect(json(refused).reason).toBe(
      'qualifying spend of 100.00 EUR over the last 1 months is below 500 EUR',
    );
    const none = await p.send(p.read, { method: 'GET', url: `/v1/memberships?plan=${club.id}` });
    expect(json(none).data).toEqual([]);
  });

  it('renews while the condition holds at each term end and lapses at the first term end it fails', async () => {
    const joined = await join('SPENDER', club.id, { startsAt: ago(40) });
    expect(joined.statusCode, joined.body).toBe(201);
    const id = json(joined).id;
    // Term 1 ended 10 days ago; the 600 spent 20 days ago is within the month before: renewed.
    const first = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/memberships/due-runs',
      payload: { asOf: new Date(now).toISOString() },
    });
    expect(json(first)).toMatchObject({ renewed: 1, lapsed: 0 });
    // Term 2 ends in about 20 days; nothing was spent in the month before it: lapsed there.
    const asOf = new Date(now + 25 * DAY).toISOString();
    const second = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/memberships/due-runs',
      payload: { asOf },
    });
    expect(json(second)).toMatchObject({ renewed: 0, lapsed: 1 });
    const m = json(await p.send(p.read, { method: 'GET', url: `/v1/memberships/${id}` }));
    expect(m).toMatchObject({ status: 'lapsed', term: 2 });
    const events = json(await p.send(p.read, { method: 'GET', url: `/v1/memberships/${id}/events` })).data;
    const lapsed = events.find((e: { type: string }) => e.type === 'lapsed');
    expect(lapsed.data).toMatchObject({ reason: 'condition_unmet', term: 2 });
    expect(lapsed.data.detail).toMatch(/qualifying spend of 0\.00 EUR over the last 1 months is below 500/);
    // A repeated run changes nothing.
    const again = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/memberships/due-runs',
      payload: { asOf },
    });
    expect(json(again)).toMatchObject({ renewed: 0, lapsed: 0 });
  });
});

describe('a tier condition', () => {
  it('lets only accounts holding one of the tiers join', async () => {
    await p.account('GOLDIE');
    const ladder = await p.ladder({
      name: 'Partner tiers',
      metric: 'qualifying_spend',
      window: { kind: 'rolling_months', months: 12 },
      tiers: [
        { code: 'silver', name: 'Silver', threshold: '0' },
        { code: 'gold', name: 'Gold', threshold: '50000' },
      ],
    });
    const o = await p.send(p.admin, {
      method: 'POST',
      url: `/v1/tier-ladders/${ladder}/overrides`,
      payload: { account: 'GOLDIE', kind: 'set', tier: 'gold', reason: 'partner' },
    });
    expect(o.statusCode, o.body).toBeLessThan(300);
    const gold = await plan({
      ...base,
      name: 'Gold club',
      condition: { kind: 'tier', ladder, tiers: ['gold'] },
    });
    expect(gold.condition).toEqual({ kind: 'tier', ladderId: ladder, tiers: ['gold'] });
    const refused = await join('LOW', gold.id);
    expect(refused.statusCode).toBe(422);
    expect(json(refused).code).toBe('membership_condition_unmet');
    const ok = await join('GOLDIE', gold.id);
    expect(ok.statusCode, ok.body).toBe(201);
    // A change may remove the condition (null).
    const changed = await p.send(p.admin, {
      method: 'PATCH',
      url: `/v1/membership-plans/${gold.id}`,
      payload: { condition: null },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(json(changed).condition).toBeNull();
    expect((await join('LOW', gold.id)).statusCode).toBe(201);
  });
});
