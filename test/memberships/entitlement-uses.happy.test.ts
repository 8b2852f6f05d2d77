// Uses of an entitlement held through a membership (decision 0056): recorded by the operator's
// systems, counted in the membership's current term against the plan's usesPerTerm, refused beyond
// it, and read back with the account's entitlements and the membership (one query a page).
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let n = 0;

beforeAll(async () => {
  api = await testApi();
  for (const externalId of ['USES-1', 'USES-2']) {
    const r = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId, name: externalId },
    });
    expect(r.statusCode, r.body).toBe(201);
  }
}, 300_000);

const post = (url: string, payload: object | undefined, key = api.a.write) =>
  api.call(key, { method: 'POST', url, payload, headers: { 'idempotency-key': `uses-${++n}` } });
const get = async (url: string) => {
  const r = await api.call(api.a.read, { method: 'GET', url });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};
const use = (account: string, key: string, payload: object = {}) =>
  post(`/v1/accounts/${account}/entitlements/${key}/uses`, payload);

const plan = {
  name: 'Support Club',
  fee: { amount: '100.00', currency: 'EUR' },
  term: { months: 12 },
  renewal: 'auto',
  joining: 'contract',
  entitlements: [
    { key: 'vip_support', kind: 'flag', usesPerTerm: 2 },
    { key: 'early_access', kind: 'flag' },
  ],
};

describe('uses of an entitlement', () => {
  it('are counted in the term against the allowance, refused beyond it, and read with the entitlements', async () => {
    // An allowance on a service credit means nothing: refused at its field.
    const refused = await post(
      '/v1/membership-plans',
      {
        ...plan,
        entitlements: [{ key: 'credit', kind: 'service_credit', unit: 'points', amount: 5, usesPerTerm: 1 }],
      },
      api.a.admin,
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors.map((e: { path: string }) => e.path)).toEqual([
      '/body/entitlements/0/usesPerTerm',
    ]);

    const created = await post('/v1/membership-plans', plan, api.a.admin);
    expect(created.statusCode, created.body).toBe(201);
    const joined = await post('/v1/memberships', {
      account: 'USES-1',
      plan: created.json().id,
      via: 'contract',
      reference: 'C-USES-1',
    });
    expect(joined.statusCode, joined.body).toBe(201);
    const membership = joined.json();
    expect(
      Object.fromEntries(
        membership.entitlements.map((e: { key: string; used: number; usesPerTerm: number | null }) => [
          e.key,
          [e.used, e.usesPerTerm],
        ]),
      ),
    ).toEqual({ vip_support: [0, 2], early_access: [0, null] });

    const first = await use('USES-1', 'vip_support', { reference: 'TICKET-1' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      key: 'vip_support',
      term: 1,
      reference: 'TICKET-1',
      used: 1,
      usesPerTerm: 2,
      usedBy: expect.stringMatching(/^key_/),
    });
    expect((await use('USES-1', 'vip_support')).json()).toMatchObject({ used: 2 });
    const beyond = await use('USES-1', 'vip_support');
    expect(beyond.statusCode, beyond.body).toBe(409);
    expect(beyond.json().code).toBe('entitlement_uses_exhausted');
    for (let i = 1; i <= 3; i++)
      expect((await use('USES-1', 'early_access')).json()).toMatchObject({ used: i });

    // Not held: another key, an account without the membership.
    for (const [account, key] of [
      ['USES-1', 'gold_support'],
      ['USES-2', 'vip_support'],
    ] as const) {
      const none = await use(account, key);
      expect(none.statusCode, none.body).toBe(404);
      expect(none.json().code).toBe('entitlement_not_held');
    }
    // A read key records none.
    expect(
      (await post('/v1/accounts/USES-1/entitlements/early_access/uses', {}, api.a.read)).statusCode,
    ).toBe(403);

    const listed = (await get('/v1/accounts/USES-1/entitlements')).data;
    expect(Object.fromEntries(listed.map((e: { key: string; used: number }) => [e.key, e.used]))).toEqual({
      vip_support: 2,
      early_access: 3,
    });
    const read = await get(`/v1/memberships/${membership.id}`);
    expect(
      Object.fromEntries(read.entitlements.map((e: { key: string; used: number }) => [e.key, e.used])),
    ).toEqual({
      vip_support: 2,
      early_access: 3,
    });
    const audit = await api.call(api.a.admin, { method: 'GET', url: '/v1/audit?action=entitlement.use' });
    expect(audit.json().data.length).toBeGreaterThanOrEqual(5);
  });
});
