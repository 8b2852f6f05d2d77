// A reward in several currencies (decision 0057): values stated per currency are shown as stated;
// anything else is converted at the program's exchange rates in force, and the reward says so. A
// member browsing with an account sees the catalog in the account's preferred currency.
import { beforeAll, describe, expect, it } from 'vitest';
import { secondInstance, type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let card: string;
let voucher: string;

const post = (url: string, payload: object, key = api.a.admin) =>
  api.call(key, { method: 'POST', url, payload });
const patch = (url: string, payload: object) => api.call(api.a.admin, { method: 'PATCH', url, payload });
const get = (url: string) => api.call(api.a.read, { method: 'GET', url });

interface Shown {
  id: string;
  currencyValues: unknown[];
  inCurrency?: {
    currency: string;
    price: { minorUnits: number; source: string } | null;
    faceValue: { amount: number; source: string } | null;
    note: string | null;
  };
}

async function catalog(query: string): Promise<Map<string, Shown>> {
  const r = await get(`/v1/rewards?${query}`);
  expect(r.statusCode, r.body).toBe(200);
  return new Map((r.json().data as Shown[]).map((x) => [x.id, x]));
}

beforeAll(async () => {
  api = await testApi();
  // The base currency is EUR; a point is worth EUR 0.01 (the default cost per point).
  const rates = await post('/v1/fx-rates', {
    rates: [
      { currency: 'USD', rate: '0.9', effectiveFrom: '2026-01-01' },
      { currency: 'GBP', rate: '1.15', effectiveFrom: '2026-01-01' },
      { currency: 'GBP', rate: '99', effectiveFrom: '2099-01-01' },
    ],
  });
  expect(rates.statusCode, rates.body).toBe(200);
  let r = await post('/v1/rewards', {
    type: 'egift_card',
    name: 'Travel gift card',
    price: { amount: 2500, unit: 'points' },
    faceValue: { amount: 2500, currency: 'EUR' },
    currencyValues: [{ currency: 'USD', price: 2900, faceValue: 2800 }],
    stock: { kind: 'unlimited' },
  });
  expect(r.statusCode, r.body).toBe(201);
  card = r.json().id;
  expect(r.json().currencyValues).toEqual([{ currency: 'USD', price: 2900, faceValue: 2800 }]);
  r = await post('/v1/rewards', {
    type: 'discount_code',
    name: 'Lounge voucher',
    price: { amount: 1000, unit: 'points' },
    faceValue: { amount: 1000, currency: 'EUR' },
    stock: { kind: 'unlimited' },
  });
  expect(r.statusCode, r.body).toBe(201);
  voucher = r.json().id;
  for (const [externalId, preferredCurrency] of [
    ['US-AGENCY', 'USD'],
    ['NL-AGENCY', undefined],
  ] as const) {
    r = await post('/v1/accounts', { externalId, name: externalId, preferredCurrency }, api.a.write);
    expect(r.statusCode, r.body).toBe(201);
  }
}, 300_000);

describe('a reward in several currencies', () => {
  it('shows the values it states for a currency as stated', async () => {
    const shown = (await catalog('currency=USD')).get(card)!;
    expect(shown.inCurrency).toEqual({
      currency: 'USD',
      price: { minorUnits: 2900, source: 'stated' },
      faceValue: { amount: 2800, source: 'stated' },
      note: null,
    });
  });

  it('converts what it does not state at the rates in force, and says which', async () => {
    // 1,000 points = EUR 10.00; at 1 USD = 0.9 EUR that is USD 11.11.
    const usd = (await catalog('currency=USD')).get(voucher)!;
    expect(usd.inCurrency).toMatchObject({
      price: { minorUnits: 1111, source: 'converted' },
      faceValue: { amount: 1111, source: 'converted' },
    });
    expect(usd.inCurrency!.note).toMatch(/1 USD = 0\.9 EUR \(from 2025-12-31\)/);
    // GBP at 1.15 (the rate of 2099 is not in force): EUR 25.00 = GBP 21.74.
    const gbp = (await catalog('currency=GBP')).get(card)!;
    expect(gbp.inCurrency).toMatchObject({
      price: { minorUnits: 2174, source: 'converted' },
      faceValue: { amount: 2174, source: 'converted' },
    });
    expect(gbp.inCurrency!.note).toContain('1 GBP = 1.15 EUR');
  });

  it('shows nothing it cannot convert, and says so', async () => {
    const yen = (await catalog('currency=JPY')).get(voucher)!;
    expect(yen.inCurrency).toMatchObject({ currency: 'JPY', price: null, faceValue: null });
    expect(yen.inCurrency!.note).toContain('No exchange rate for JPY');
  });

  it("shows a member's catalog in the account's preferred currency", async () => {
    const us = (await catalog('account=US-AGENCY')).get(card)!;
    expect(us.inCurrency?.currency).toBe('USD');
    expect(us.inCurrency?.price).toEqual({ minorUnits: 2900, source: 'stated' });
    // No preferred currency and none asked: no inCurrency.
    expect((await catalog('account=NL-AGENCY')).get(card)!.inCurrency).toBeUndefined();
    // Asked beats preferred.
    expect((await catalog('account=US-AGENCY&currency=GBP')).get(card)!.inCurrency?.currency).toBe('GBP');
  });

  it('changes and persists the stated values; a new server on the store reads them', async () => {
    const r = await patch(`/v1/rewards/${card}`, {
      currencyValues: [
        { currency: 'GBP', faceValue: 2200 },
        { currency: 'USD', price: 3000 },
      ],
    });
    expect(r.statusCode, r.body).toBe(200);
    const gbp = (await catalog('currency=GBP')).get(card)!;
    expect(gbp.inCurrency).toMatchObject({
      faceValue: { amount: 2200, source: 'stated' },
      price: { minorUnits: 2174, source: 'converted' },
    });
    // USD's face value is no longer stated: converted (EUR 25.00 / 0.9 = USD 27.78).
    expect((await catalog('currency=USD')).get(card)!.inCurrency).toMatchObject({
      price: { minorUnits: 3000, source: 'stated' },
      faceValue: { amount: 2778, source: 'converted' },
    });
    const again = await secondInstance(api);
    const read = await again.inject({
      method: 'GET',
      url: `/v1/rewards/${card}`,
      headers: { authorization: `Bearer ${api.a.read}` },
    });
    expect(read.json().currencyValues).toEqual([
      { currency: 'GBP', faceValue: 2200 },
      { currency: 'USD', price: 3000 },
    ]);
  });
});
