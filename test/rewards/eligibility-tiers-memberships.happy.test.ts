// Reward eligibility across modules: a tier reached on a ladder and an active membership open rewards.
import { beforeAll, describe, expect, it } from 'vitest';
import { keyIfRequired, type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
const json = (r: { body: string }) => JSON.parse(r.body);

beforeAll(async () => {
  api = await testApi();
});

describe('reward eligibility from tiers and memberships', () => {
  it('opens a gold-only reward once the account reaches gold, and a members-only one once it joins', async () => {
    const { a } = api;
    const post = (key: string, url: string, payload: object) =>
      api.call(key, { method: 'POST', url, payload, headers: keyIfRequired(url) });
    expect(
      (await post(a.write, '/v1/accounts', { externalId: 'ELIG-1', name: 'Eligible Ltd' })).statusCode,
    ).toBe(201);
    await api.services.ledger.credit(a.programId, {
      key: 'elig-points',
      account: 'ELIG-1',
      amount: 1000,
      reasonCode: 'fixture',
      explanation: 'Points to spend',
    });
    const ladder = await post(a.admin, '/v1/tier-ladders', {
      document: {
        name: 'Balance',
        metric: 'operator_value',
        window: { kind: 'calendar_year' },
        tiers: [
          { code: 'silver', name: 'Silver', threshold: '1000' },
          { code: 'gold', name: 'Gold', threshold: '10000' },
        ],
      },
    });
    expect(ladder.statusCode, ladder.body).toBe(201);
    const plan = await post(a.admin, '/v1/membership-plans', {
      name: 'Business Club',
      fee: { amount: '99.00', currency: 'EUR' },
      term: { months: 12 },
      renewal: 'auto',
      joining: 'contract',
      entitlements: [{ key: 'vip_support', kind: 'flag' }],
    });
    expect(plan.statusCode, plan.body).toBe(201);
    const reward = (name: string, eligibility: object) =>
      post(a.admin, '/v1/rewards', {
        type: 'custom',
        name,
        price: { amount: 100, unit: 'points' },
        stock: { kind: 'unlimited' },
        eligibility,
      });
    const goldOnly = json(await reward('Gold lounge', { tiers: ['gold'] })).id as string;
    const clubOnly = json(await reward('Club dinner', { memberships: [json(plan).id] })).id as string;
    const browse = async () => {
      const list = json(await api.call(a.read, { method: 'GET', url: '/v1/rewards?account=ELIG-1' }))
        .data as Array<{
        id: string;
        redeemable: { ok: boolean; reasons: string[] };
      }>;
      return Object.fromEntries(list.map((r) => [r.id, r.redeemable]));
    };

    // Reasons name tiers as the ladder shows them; the reward's rules keep the codes.
    let seen = await browse();
    expect(seen[goldOnly]).toMatchObject({ ok: false, reasons: ['needs Gold'] });
    const goldOrSilver = json(await reward('Lounge', { tiers: ['silver', 'gold'] })).id as string;
    expect((await browse())[goldOrSilver]).toMatchObject({ ok: false, reasons: ['needs Silver or Gold'] });
    const refused = await api.call(a.write, {
      method: 'POST',
      url: '/v1/redemptions',
      headers: { 'idempotency-key': 'elig-refused-1' },
      payload: { reward: goldOnly, account: 'ELIG-1' },
    });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(json(refused)).toMatchObject({
      code: 'reward_not_eligible',
      detail: 'Not eligible for Gold lounge: needs Gold',
      errors: [{ path: '/body/account', message: 'needs Gold' }],
    });
    const read = json(await api.call(a.read, { method: 'GET', url: `/v1/rewards/${goldOnly}` }));
    expect(read.eligibility).toEqual({ tiers: ['gold'] });
    expect(seen[clubOnly]!.ok).toBe(false);
    expect(seen[clubOnly]!.reasons.join(' ')).toMatch(/membership/);

    const silver = await post(a.write, `/v1/tier-ladders/${json(ladder).id}/metric-values`, {
      values: [{ account: 'ELIG-1', value: '5000' }],
    });
    expect(json(silver).data[0].tier).toBe('silver');
    expect((await browse())[goldOnly]!.ok).toBe(false);
    await post(a.write, `/v1/tier-ladders/${json(ladder).id}/metric-values`, {
      values: [{ account: 'ELIG-1', value: '12000' }],
    });
    const joined = await post(a.write, '/v1/memberships', {
      account: 'ELIG-1',
      plan: json(plan).id,
      via: 'contract',
      reference: 'CTR-1',
    });
    expect(joined.statusCode, joined.body).toBe(201);

    seen = await browse();
    expect(seen[goldOnly]).toMatchObject({ ok: true, reasons: [] });
    expect(seen[clubOnly]).toMatchObject({ ok: true, reasons: [] });
    const redeemed = await api.call(a.write, {
      method: 'POST',
      url: '/v1/redemptions',
      headers: keyIfRequired('/v1/redemptions'),
      payload: { reward: goldOnly, account: 'ELIG-1' },
    });
    expect(redeemed.statusCode, redeemed.body).toBe(201);
  });
});
