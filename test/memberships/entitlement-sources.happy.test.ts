// One entitlement check for every source (decision 0024): a membership's plan, the perks of the tier
// the account holds, and grants by hand; the answer names each source that grants it.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { json, type TierProgram, tierProgram } from '../tiers/helpers.ts';

let api: TestApi;
let p: TierProgram;
let gold: string;
let plain: string;
let ladderId: string;

const check = async (account: string, key: string) => {
  const r = await p.send(p.read, { method: 'GET', url: `/v1/accounts/${account}/entitlements/${key}` });
  expect(r.statusCode, r.body).toBe(200);
  return json(r);
};

beforeAll(async () => {
  api = await testApi();
  p = await tierProgram(api);
  gold = await p.account('GOLD-AGENCY');
  plain = await p.account('PLAIN-AGENCY');
  ladderId = await p.ladder({
    name: 'Agency tiers',
    metric: 'qualifying_spend',
    window: { kind: 'rolling_months', months: 12 },
    tiers: [
      { code: 'member', name: 'Member', threshold: '0' },
      { code: 'gold', name: 'Gold', threshold: '10000', perks: ['early_access:new-features', 'vip_support'] },
    ],
  });
  const r = await p.send(p.admin, {
    method: 'POST',
    url: `/v1/tier-ladders/${ladderId}/overrides`,
    payload: { account: 'GOLD-AGENCY', kind: 'set', tier: 'gold', reason: 'signed partner' },
  });
  expect(r.statusCode, r.body).toBeLessThan(300);
}, 300_000);

describe('the entitlement check answers for every source', () => {
  it("grants a gold agency its tier's perks, naming the tier", async () => {
    const answer = await check(gold, 'early_access:new-features');
    expect(answer).toEqual({
      granted: true,
      key: 'early_access:new-features',
      until: null,
      source: { kind: 'tier', ladderId, ladder: 'Agency tiers', tier: 'gold', until: null },
      sources: [{ kind: 'tier', ladderId, ladder: 'Agency tiers', tier: 'gold', until: null }],
    });
    expect(await check(plain, 'early_access:new-features')).toMatchObject({
      granted: false,
      source: null,
      sources: [],
    });
  });

  it('grants by hand, open-ended or until an instant, lists them, and revokes at once (audited)', async () => {
    const made = await p.send(p.write, {
      method: 'POST',
      url: '/v1/accounts/PLAIN-AGENCY/entitlement-grants',
      payload: { key: 'early_access:new-features', reason: 'pilot customer' },
    });
    expect(made.statusCode, made.body).toBe(201);
    const grant = json(made);
    expect(grant).toMatchObject({
      accountId: plain,
      key: 'early_access:new-features',
      validUntil: null,
      active: true,
    });
    expect(made.headers.location).toBe(`/v1/entitlement-grants/${grant.id}`);
    expect(await check(plain, 'early_access:new-features')).toMatchObject({
      granted: true,
      until: null,
      source: { kind: 'grant', grantId: grant.id, until: null },
    });

    // Both sources at once: the tier first, then the grant.
    const both = await p.send(p.write, {
      method: 'POST',
      url: `/v1/accounts/${gold}/entitlement-grants`,
      payload: { key: 'vip_support', validUntil: '2099-01-01T00:00:00Z' },
    });
    expect(both.statusCode, both.body).toBe(201);
    const answer = await check(gold, 'vip_support');
    expect(answer.sources.map((s: { kind: string }) => s.kind)).toEqual(['tier', 'grant']);
    expect(answer.sources[1]).toMatchObject({ grantId: json(both).id, until: '2099-01-01T00:00:00.000Z' });

    // A grant that starts later is not held yet.
    const later = await p.send(p.write, {
      method: 'POST',
      url: `/v1/accounts/${plain}/entitlement-grants`,
      payload: { key: 'training', validFrom: '2099-01-01T00:00:00Z' },
    });
    expect(json(later).active).toBe(false);
    expect(await check(plain, 'training')).toMatchObject({ granted: false });

    const list = await p.send(p.read, { method: 'GET', url: `/v1/accounts/${plain}/entitlement-grants` });
    expect(json(list).data.map((g: { key: string }) => g.key)).toEqual([
      'early_access:new-features',
      'training',
    ]);

    const revoked = await p.send(p.write, {
      method: 'POST',
      url: `/v1/entitlement-grants/${grant.id}/revoke`,
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(json(revoked)).toMatchObject({ active: false, revokedAt: expect.any(String) });
    const again = await p.send(p.write, { method: 'POST', url: `/v1/entitlement-grants/${grant.id}/revoke` });
    expect(json(again).revokedAt).toBe(json(revoked).revokedAt);
    expect(await check(plain, 'early_access:new-features')).toMatchObject({ granted: false, sources: [] });

    const audit = await p.send(p.admin, { method: 'GET', url: `/v1/audit?resourceId=${grant.id}` });
    expect(
      json(audit)
        .data.map((e: { action: string }) => e.action)
        .sort(),
    ).toEqual(['entitlement.grant', 'entitlement.revoke']);
  });

  it('names the membership first when a plan grants the key too', async () => {
    const plan = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/membership-plans',
      payload: {
        name: 'Club',
        fee: { amount: '10.00', currency: 'EUR' },
        term: { months: 12 },
        renewal: 'auto',
        joining: 'contract',
        entitlements: [{ key: 'vip_support', kind: 'flag' }],
      },
    });
    expect(plan.statusCode, plan.body).toBe(201);
    const joined = await p.send(p.write, {
      method: 'POST',
      url: '/v1/memberships',
      payload: { account: gold, plan: json(plan).id, via: 'contract', reference: 'C-1' },
      headers: { 'idempotency-key': 'join-gold' },
    });
    expect(joined.statusCode, joined.body).toBe(201);
    const answer = await check(gold, 'vip_support');
    expect(answer.sources.map((s: { kind: string }) => s.kind)).toEqual(['membership', 'tier', 'grant']);
    expect(answer.source).toMatchObject({
      kind: 'membership',
      membershipId: json(joined).id,
      planId: json(plan).id,
    });
    expect(answer.until).toBe(json(joined).endsAt);
  });
});
