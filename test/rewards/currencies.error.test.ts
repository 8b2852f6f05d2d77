// Bad values in other currencies (decision 0057) are refused with the field named, and write nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let card: string;

const post = (url: string, payload: object) => api.call(api.a.admin, { method: 'POST', url, payload });
const patch = (url: string, payload: object) => api.call(api.a.admin, { method: 'PATCH', url, payload });
const get = (url: string) => api.call(api.a.read, { method: 'GET', url });

const giftCard = {
  type: 'egift_card',
  name: 'Gift card',
  price: { amount: 2500, unit: 'points' },
  faceValue: { amount: 2500, currency: 'EUR' },
  stock: { kind: 'unlimited' },
};

async function rewardCount(): Promise<number> {
  return ((await get('/v1/rewards?limit=200')).json().data as unknown[]).length;
}

beforeAll(async () => {
  api = await testApi();
  const r = await post('/v1/rewards', {
    ...giftCard,
    currencyValues: [{ currency: 'USD', faceValue: 2800 }],
  });
  expect(r.statusCode, r.body).toBe(201);
  card = r.json().id;
}, 300_000);

describe('values in other currencies, refused', () => {
  it.each([
    [
      'an unknown currency',
      [{ currency: 'QQQ', price: 100 }],
      '/body/currencyValues/0/currency',
      /unknown currency QQQ/,
    ],
    [
      'a currency twice',
      [
        { currency: 'USD', price: 100 },
        { currency: 'USD', faceValue: 100 },
      ],
      '/body/currencyValues/1/currency',
      /listed twice/,
    ],
    ['neither a price nor a face value', [{ currency: 'USD' }], '/body/currencyValues/0', /neither/],
    [
      "the face value's own currency",
      [{ currency: 'EUR', faceValue: 2500 }],
      '/body/currencyValues/0/faceValue',
      /already in EUR/,
    ],
  ])('on create: %s', async (_, currencyValues, path, message) => {
    const before = await rewardCount();
    const r = await post('/v1/rewards', { ...giftCard, currencyValues });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().code).toBe('validation_failed');
    expect(r.json().errors).toContainEqual({ path, message: expect.stringMatching(message) });
    expect(await rewardCount()).toBe(before);
  });

  it('a face value stated for a reward that has none', async () => {
    const r = await post('/v1/rewards', {
      ...giftCard,
      faceValue: undefined,
      currencyValues: [{ currency: 'USD', faceValue: 100 }],
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().errors).toContainEqual({
      path: '/body/currencyValues/0/faceValue',
      message: expect.stringMatching(/no faceValue/),
    });
  });

  it('a price stated in the currency the reward is priced in', async () => {
    const r = await post('/v1/rewards', {
      ...giftCard,
      price: { amount: 2000, unit: 'EUR' },
      currencyValues: [{ currency: 'EUR', price: 2000 }],
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().errors).toContainEqual({
      path: '/body/currencyValues/0/price',
      message: expect.stringMatching(/already in EUR/),
    });
  });

  it('a negative value, or more than 30 currencies, by the schema', async () => {
    let r = await post('/v1/rewards', { ...giftCard, currencyValues: [{ currency: 'USD', price: -1 }] });
    expect(r.statusCode, r.body).toBe(400);
    const many = Array.from({ length: 31 }, (_, i) => ({
      currency: `U${String.fromCharCode(65 + (i % 26))}D`,
      price: 1,
    }));
    r = await post('/v1/rewards', { ...giftCard, currencyValues: many });
    expect(r.statusCode, r.body).toBe(400);
  });

  it('removing the face value that stated values depend on, and nothing changes', async () => {
    const r = await patch(`/v1/rewards/${card}`, { faceValue: null });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().errors).toContainEqual({
      path: '/body/currencyValues/0/faceValue',
      message: expect.stringMatching(/no faceValue/),
    });
    const read = (await get(`/v1/rewards/${card}`)).json();
    expect(read.faceValue).toEqual({ amount: 2500, currency: 'EUR' });
    expect(read.currencyValues).toEqual([{ currency: 'USD', faceValue: 2800 }]);
  });

  it('a catalog asked in an unknown form of currency', async () => {
    const r = await get('/v1/rewards?currency=usd');
    expect(r.statusCode, r.body).toBe(400);
  });
});
