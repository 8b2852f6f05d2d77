// Points-to-cash conversion (decision 0054): a cash payout priced in points with a face value in a
// currency. Approving its redemption captures the points and credits the cash wallet in the same
// transaction, and the redemption is fulfilled there: the cash arrives without an operator.
import { beforeAll, describe, expect, it } from 'vitest';
import { keyIfRequired, type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let n = 0;
let approver: string;
let buyer: string;
let conversion: string;

const post = (url: string, payload: object, key?: string) =>
  api.call(key ?? api.a.write, { method: 'POST', url, payload, headers: keyIfRequired(url) });
const get = (url: string) => api.call(api.a.read, { method: 'GET', url });

async function wallet(account: string, unit: string) {
  const r = await get(`/v1/accounts/${account}/wallets`);
  return (
    (r.json().data as Array<{ unit: string; available: number; held: number }>).find(
      (w) => w.unit === unit,
    ) ?? { unit, available: 0, held: 0 }
  );
}

beforeAll(async () => {
  api = await testApi();
  for (const externalId of ['AGENCY', 'SOLO']) {
    const r = await post('/v1/accounts', { externalId, name: externalId });
    expect(r.statusCode, r.body).toBe(201);
    await api.services.ledger.credit(api.a.programId, {
      key: `seed-${++n}`,
      account: externalId,
      unit: 'points',
      amount: 20_000,
      reasonCode: 'seed',
      explanation: 'Opening balance',
    });
  }
  const contact = async (email: string, role: string) => {
    const r = await post('/v1/accounts/AGENCY/contacts', { email, role });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  };
  buyer = await contact('agent@agency.example', 'buyer');
  approver = await contact('owner@agency.example', 'approver');
  const r = await post(
    '/v1/rewards',
    {
      type: 'cash_payout',
      name: 'EUR 10 to your cash wallet',
      price: { amount: 1000, unit: 'points' },
      faceValue: { amount: 1000, currency: 'EUR' },
      stock: { kind: 'unlimited' },
    },
    api.a.admin,
  );
  expect(r.statusCode, r.body).toBe(201);
  conversion = r.json().id;
}, 300_000);

describe('a points-to-cash conversion', () => {
  it('approved at once: the points are spent and the cash is in the wallet, in one step', async () => {
    const r = await post('/v1/redemptions', { reward: conversion, account: 'SOLO' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ status: 'fulfilled', delivery: 'delivered' });
    expect(await wallet('SOLO', 'points')).toMatchObject({ available: 19_000, held: 0 });
    expect(await wallet('SOLO', 'EUR')).toMatchObject({ available: 1000, held: 0 });

    // The cash line explains itself and points back to the redemption.
    const history = await get('/v1/accounts/SOLO/wallets/EUR/history');
    expect(history.statusCode, history.body).toBe(200);
    const [line] = history.json().data;
    expect(line).toMatchObject({
      amount: 1000,
      reasonCode: 'points_conversion',
      source: { type: 'redemption', id: r.json().id },
    });
    expect(line.explanation).toContain('Converted 1000 points');

    const one = await get(`/v1/redemptions/${r.json().id}`);
    const fulfilled = one.json().events.find((e: { type: string }) => e.type === 'redemption.fulfilled');
    expect(fulfilled.data).toMatchObject({ cash: { amount: 1000, currency: 'EUR' } });
    expect(fulfilled.data.cashEntryId).toMatch(/^ent_/);
    expect(await api.services.ledger.verify(api.a.programId)).toEqual([]);
  });

  it("credits the face value stated in the account's preferred currency, else the reward's own", async () => {
    const stated = await api.call(api.a.admin, {
      method: 'PATCH',
      url: `/v1/rewards/${conversion}`,
      payload: { currencyValues: [{ currency: 'GBP', faceValue: 850 }] },
    });
    expect(stated.statusCode, stated.body).toBe(200);
    for (const [externalId, preferredCurrency] of [
      ['UK-AGENT', 'GBP'],
      ['US-AGENT', 'USD'],
    ] as const) {
      const a = await post('/v1/accounts', { externalId, name: externalId, preferredCurrency });
      expect(a.statusCode, a.body).toBe(201);
      await api.services.ledger.credit(api.a.programId, {
        key: `seed-${++n}`,
        account: externalId,
        unit: 'points',
        amount: 5000,
        reasonCode: 'seed',
        explanation: 'Opening balance',
      });
    }
    // Pounds stated (decision 0057): the GBP wallet receives them.
    const uk = await post('/v1/redemptions', { reward: conversion, account: 'UK-AGENT' });
    expect(uk.statusCode, uk.body).toBe(201);
    expect(await wallet('UK-AGENT', 'GBP')).toMatchObject({ available: 850 });
    expect(await wallet('UK-AGENT', 'EUR')).toMatchObject({ available: 0 });
    const fulfilled = (await get(`/v1/redemptions/${uk.json().id}`))
      .json()
      .events.find((e: { type: string }) => e.type === 'redemption.fulfilled');
    expect(fulfilled.data).toMatchObject({ cash: { amount: 850, currency: 'GBP' } });
    // No dollars stated: the reward's own euros (a converted value is never credited).
    const us = await post('/v1/redemptions', { reward: conversion, account: 'US-AGENT' });
    expect(us.statusCode, us.body).toBe(201);
    expect(await wallet('US-AGENT', 'EUR')).toMatchObject({ available: 1000 });
    expect(await wallet('US-AGENT', 'USD')).toMatchObject({ available: 0 });
    expect(await api.services.ledger.verify(api.a.programId)).toEqual([]);
  });

  it('waiting for approval: held points, no cash; the approval credits the cash once', async () => {
    const settings = await api.call(api.a.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { settings: { redemptions: { approval: { always: true } } } },
    });
    expect(settings.statusCode, settings.body).toBe(200);
    const r = await post('/v1/redemptions', { reward: conversion, account: 'AGENCY', contactId: buyer });
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json().id as string;
    expect(r.json()).toMatchObject({ status: 'pending_approval' });
    expect(await wallet('AGENCY', 'points')).toMatchObject({ available: 19_000, held: 1000 });
    expect(await wallet('AGENCY', 'EUR')).toMatchObject({ available: 0 });

    const approved = await post(`/v1/redemptions/${id}/approve`, { contactId: approver });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'fulfilled', delivery: 'delivered' });
    expect(await wallet('AGENCY', 'points')).toMatchObject({ available: 19_000, held: 0 });
    expect(await wallet('AGENCY', 'EUR')).toMatchObject({ available: 1000, held: 0 });

    // A repeated approval changes nothing; a fulfilled conversion cannot be cancelled or failed.
    const again = await post(`/v1/redemptions/${id}/approve`, { contactId: approver });
    expect(again.json().code).toBe('already_approved');
    const cancel = await post(`/v1/redemptions/${id}/cancel`, { reason: 'changed my mind' }, api.a.admin);
    expect(cancel.statusCode, cancel.body).toBe(409);
    expect(cancel.json().code).toBe('redemption_state_conflict');
    expect(await wallet('AGENCY', 'EUR')).toMatchObject({ available: 1000 });
    expect(await api.services.ledger.verify(api.a.programId)).toEqual([]);
  });

  it('rejected: the points come back and no cash is credited', async () => {
    const r = await post('/v1/redemptions', { reward: conversion, account: 'AGENCY', contactId: buyer });
    expect(r.statusCode, r.body).toBe(201);
    const rejected = await post(`/v1/redemptions/${r.json().id}/reject`, {
      contactId: approver,
      note: 'not this month',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json().status).toBe('rejected');
    expect(await wallet('AGENCY', 'points')).toMatchObject({ available: 19_000, held: 0 });
    expect(await wallet('AGENCY', 'EUR')).toMatchObject({ available: 1000 });
  });
});
