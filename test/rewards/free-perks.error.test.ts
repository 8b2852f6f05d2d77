// Prices: 0 is a free perk (decision 0047), a negative or fractional price is refused at its field
// and writes nothing; a free perk out of stock or over its limit leaves stock and ledger as they were.
import { beforeAll, describe, expect, it } from 'vitest';
import { keyIfRequired, type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
const post = (url: string, payload: object, key?: string) =>
  api.call(key ?? api.a.write, { method: 'POST', url, payload, headers: keyIfRequired(url) });
const count = async () =>
  (await api.call(api.a.read, { method: 'GET', url: '/v1/rewards?limit=100' })).json().data.length as number;

beforeAll(async () => {
  api = await testApi();
  expect((await post('/v1/accounts', { externalId: 'M', name: 'M' })).statusCode).toBe(201);
}, 300_000);

const perk = (price: object, extra: object = {}) =>
  post(
    '/v1/rewards',
    { type: 'custom', name: 'Perk', price, stock: { kind: 'counted', quantity: 1 }, ...extra },
    api.a.admin,
  );

describe('free perk refusals', () => {
  it('refuses a negative or fractional price at its field, writing nothing', async () => {
    const before = await count();
    for (const amount of [-1, 0.5]) {
      const r = await perk({ amount, unit: 'points' });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json()).toMatchObject({ code: 'validation_failed' });
      expect(JSON.stringify(r.json().errors)).toContain('/body/price/amount');
    }
    expect(await count()).toBe(before);
  });

  it('refuses a free perk out of stock, and one changed back to a price the account cannot pay', async () => {
    const r = await perk({ amount: 0, unit: 'EUR' });
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json().id;
    expect((await post('/v1/redemptions', { reward: id, account: 'M' })).statusCode).toBe(201);
    const none = await post('/v1/redemptions', { reward: id, account: 'M' });
    expect(none.statusCode, none.body).toBe(409);
    expect(none.json()).toMatchObject({ code: 'out_of_stock' });

    const restock = await api.call(api.a.admin, {
      method: 'PATCH',
      url: `/v1/rewards/${id}`,
      payload: { price: { amount: 100, unit: 'points' } },
    });
    expect(restock.statusCode, restock.body).toBe(200);
    const poor = await post('/v1/redemptions', { reward: id, account: 'M' });
    expect(poor.statusCode, poor.body).toBe(422);
    expect(poor.json()).toMatchObject({ code: 'insufficient_balance' });
    const listed = (await api.call(api.a.read, { method: 'GET', url: '/v1/redemptions?account=M' })).json()
      .data;
    expect(listed).toMatchObject([{ price: { amount: 0, unit: 'EUR' }, status: 'approved' }]);
    expect(await api.services.ledger.verify(api.a.programId)).toEqual([]);
  });
});
