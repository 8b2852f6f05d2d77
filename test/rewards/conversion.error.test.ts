// A cash payout that would not convert is refused at its field and writes nothing (decision 0054);
// a conversion the wallet cannot pay for credits no cash.
import { beforeAll, describe, expect, it } from 'vitest';
import { keyIfRequired, type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
const post = (url: string, payload: object, key?: string) =>
  api.call(key ?? api.a.write, { method: 'POST', url, payload, headers: keyIfRequired(url) });
const get = (url: string) => api.call(api.a.read, { method: 'GET', url });
const base = {
  type: 'cash_payout',
  name: 'EUR 5',
  price: { amount: 500, unit: 'points' },
  faceValue: { amount: 500, currency: 'EUR' },
  stock: { kind: 'unlimited' },
};

beforeAll(async () => {
  api = await testApi();
  const r = await post('/v1/accounts', { externalId: 'POOR', name: 'Poor BV' });
  expect(r.statusCode, r.body).toBe(201);
}, 300_000);

async function rewardCount() {
  return (await get('/v1/rewards?limit=100')).json().data.length as number;
}

describe('cash payouts that would not convert', () => {
  it.each([
    ['without the cash it credits', { faceValue: undefined }, '/body/faceValue'],
    ['priced in cash', { price: { amount: 500, unit: 'EUR' } }, '/body/price/unit'],
    ['at no points', { price: { amount: 0, unit: 'points' } }, '/body/price/amount'],
    ['given out by codes', { stock: { kind: 'codes' } }, '/body/stock/kind'],
  ])('refuses one %s, naming the field, and writes nothing', async (_what, change, path) => {
    const before = await rewardCount();
    const r = await post('/v1/rewards', { ...base, ...change }, api.a.admin);
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().code).toBe('validation_failed');
    expect(r.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await rewardCount()).toBe(before);
  });

  it('refuses taking away the cash of a conversion, and keeps the reward as it was', async () => {
    const created = await post('/v1/rewards', base, api.a.admin);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const r = await api.call(api.a.admin, {
      method: 'PATCH',
      url: `/v1/rewards/${id}`,
      payload: { faceValue: null },
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().errors.map((e: { path: string }) => e.path)).toContain('/body/faceValue');
    const after = await get(`/v1/rewards/${id}`);
    expect(after.json().faceValue).toEqual({ amount: 500, currency: 'EUR' });
  });

  it('a wallet short of the points gets insufficient_balance and no cash', async () => {
    const created = await post('/v1/rewards', { ...base, name: 'EUR 5 again' }, api.a.admin);
    const r = await post('/v1/redemptions', { reward: created.json().id, account: 'POOR' });
    expect(r.statusCode, r.body).toBe(422);
    expect(r.json().code).toBe('insufficient_balance');
    const wallets = await get('/v1/accounts/POOR/wallets');
    expect(wallets.json().data.filter((w: { available: number }) => w.available !== 0)).toEqual([]);
  });

  it('cannot be named as a free reward of a challenge: cash for no points', async () => {
    const created = await post('/v1/rewards', { ...base, name: 'EUR 5 free?' }, api.a.admin);
    const problem = await api.services.redemptions.freeIssueProblem(api.a.programId, created.json().id);
    expect(problem).toBe('a points-to-cash conversion cannot be issued free');
  });
});
