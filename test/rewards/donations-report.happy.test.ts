// Donations listed, filtered and totalled per charity and period, and exported as CSV (decision 0024).
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let n = 0;
let red: string;
let blue: string;
let before: string;
let between: string;

const post = (url: string, payload: object, key = api.a.write) =>
  api.call(key, { method: 'POST', url, payload, headers: { 'idempotency-key': `d-${++n}` } });
const get = (url: string, key = api.a.read) => api.call(key, { method: 'GET', url });

async function donate(account: string, charityId: string, amount: number, unit = 'EUR') {
  const r = await post('/v1/donations', { account, charityId, unit, amount });
  expect(r.statusCode, r.body).toBe(201);
}

beforeAll(async () => {
  api = await testApi();
  for (const externalId of ['D1', 'D2']) {
    const r = await post('/v1/accounts', { externalId, name: externalId });
    expect(r.statusCode).toBe(201);
    for (const unit of ['EUR', 'points'])
      await api.services.ledger.credit(api.a.programId, {
        key: `seed-${externalId}-${unit}`,
        account: externalId,
        unit,
        amount: 10_000,
        reasonCode: 'seed',
        explanation: 'Opening balance',
      });
  }
  red = (await post('/v1/charities', { name: 'Red Cross, "local"' }, api.a.admin)).json().id;
  blue = (await post('/v1/charities', { name: 'Blue Ocean' }, api.a.admin)).json().id;
  before = new Date(Date.now() - 1000).toISOString();
  await donate('D1', red, 500);
  await donate('D2', red, 250);
  await donate('D1', blue, 100);
  await new Promise((r) => setTimeout(r, 20));
  between = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 20));
  await donate('D2', blue, 40, 'points');
  await donate('D1', red, 5);
}, 300_000);

describe('donations per charity and period', () => {
  it('lists them filtered by charity, account and period', async () => {
    const byCharity = (await get(`/v1/donations?charity=${red}`)).json().data;
    expect(byCharity.map((d: { amount: number }) => d.amount)).toEqual([5, 250, 500]);
    const early = (await get(`/v1/donations?from=${before}&to=${between}`)).json().data;
    expect(early.map((d: { amount: number }) => d.amount)).toEqual([100, 250, 500]);
    const d1Late = (await get(`/v1/donations?account=D1&from=${between}`)).json().data;
    expect(d1Late.map((d: { amount: number }) => d.amount)).toEqual([5]);
  });

  it('totals them per charity and unit: what the program owes each', async () => {
    const all = (await get('/v1/donations/totals')).json();
    expect(all).toEqual({
      from: null,
      to: null,
      data: [
        ...[
          { charityId: red, name: 'Red Cross, "local"', unit: 'EUR', amount: 755, count: 3 },
          { charityId: blue, name: 'Blue Ocean', unit: 'EUR', amount: 100, count: 1 },
          { charityId: blue, name: 'Blue Ocean', unit: 'points', amount: 40, count: 1 },
        ].sort((a, b) => (a.charityId + a.unit < b.charityId + b.unit ? -1 : 1)),
      ],
    });
    const period = (await get(`/v1/donations/totals?from=${before}&to=${between}&charity=${red}`)).json();
    expect(period).toEqual({
      from: new Date(before).toISOString(),
      to: new Date(between).toISOString(),
      data: [{ charityId: red, name: 'Red Cross, "local"', unit: 'EUR', amount: 750, count: 2 }],
    });
  });

  it('exports them as CSV, oldest first, with the charity name quoted safely', async () => {
    const r = await get(`/v1/donations/export?charity=${red}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = r.body.trimEnd().split('\n');
    expect(lines[0]).toBe('id,createdAt,charityId,charityName,accountId,contactId,unit,amount,entryId');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => l.split(',').at(-2))).toEqual(['500', '250', '5']);
    expect(lines[1]).toContain('"Red Cross, ""local"""');
    const empty = await get(`/v1/donations/export?to=${before}`);
    expect(empty.body.trimEnd().split('\n')).toHaveLength(1);
  });
});
