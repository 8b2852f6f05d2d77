// Uses of an entitlement recorded at once on a real multi-connection PostgreSQL (PGlite has one
// connection): the entitlement row's lock lets no more than the allowance through (decision 0056).
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
  const plan = await api.call(api.a.admin, {
    method: 'POST',
    url: '/v1/membership-plans',
    payload: {
      name: 'Three calls',
      fee: { amount: '10.00', currency: 'EUR' },
      term: { months: 12 },
      renewal: 'auto',
      joining: 'contract',
      entitlements: [{ key: 'hotline', kind: 'flag', usesPerTerm: 3 }],
    },
  });
  expect(plan.statusCode, plan.body).toBe(201);
  await api.call(api.a.write, {
    method: 'POST',
    url: '/v1/accounts',
    payload: { externalId: 'RACE-USES', name: 'Race' },
  });
  const joined = await api.call(api.a.write, {
    method: 'POST',
    url: '/v1/memberships',
    payload: { account: 'RACE-USES', plan: plan.json().id, via: 'contract', reference: 'C-RACE' },
    headers: { 'idempotency-key': 'race-uses-join' },
  });
  expect(joined.statusCode, joined.body).toBe(201);
});

describe('uses recorded at once', () => {
  it('let exactly the allowance through; the rest are refused', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        api.call(api.a.write, {
          method: 'POST',
          url: '/v1/accounts/RACE-USES/entitlements/hotline/uses',
          payload: {},
        }),
      ),
    );
    const statuses = answers.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, 201, 201, 409, 409, 409, 409, 409]);
    expect(
      answers
        .filter((r) => r.statusCode === 201)
        .map((r) => r.json().used)
        .sort(),
    ).toEqual([1, 2, 3]);
    const [held] = (
      await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/RACE-USES/entitlements' })
    ).json().data;
    expect(held).toMatchObject({ key: 'hotline', used: 3, usesPerTerm: 3 });
  });
});
