// Donation reports: a key is needed, and another program's charities and donations are never seen.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let charity: string;
beforeAll(async () => {
  api = await testApi();
  charity = (
    await api.call(api.a.admin, { method: 'POST', url: '/v1/charities', payload: { name: 'Only A' } })
  ).json().id;
  await api.call(api.a.write, {
    method: 'POST',
    url: '/v1/accounts',
    payload: { externalId: 'S1', name: 'S' },
  });
  await api.services.ledger.credit(api.a.programId, {
    key: 'seed-s1',
    account: 'S1',
    unit: 'EUR',
    amount: 100,
    reasonCode: 'seed',
    explanation: 'Opening balance',
  });
  const d = await api.call(api.a.write, {
    method: 'POST',
    url: '/v1/donations',
    payload: { account: 'S1', charityId: charity, unit: 'EUR', amount: 100 },
    headers: { 'idempotency-key': 'sec-d-1' },
  });
  expect(d.statusCode, d.body).toBe(201);
}, 300_000);

describe('donation reports security', () => {
  it('needs a key', async () => {
    for (const url of ['/v1/donations/totals', '/v1/donations/export'])
      expect((await api.app.inject({ method: 'GET', url })).statusCode).toBe(401);
  });

  it("never shows program a's donations to program b", async () => {
    const totals = await api.call(api.b.read, { method: 'GET', url: '/v1/donations/totals' });
    expect(totals.json().data).toEqual([]);
    const csv = await api.call(api.b.read, { method: 'GET', url: '/v1/donations/export' });
    expect(csv.body.trimEnd().split('\n')).toHaveLength(1);
    const byCharity = await api.call(api.b.read, {
      method: 'GET',
      url: `/v1/donations/totals?charity=${charity}`,
    });
    expect(byCharity.json().code).toBe('charity_not_found');
    const own = await api.call(api.a.read, { method: 'GET', url: '/v1/donations/totals' });
    expect(own.json().data).toEqual([
      { charityId: charity, name: 'Only A', unit: 'EUR', amount: 100, count: 1 },
    ]);
  });
});
