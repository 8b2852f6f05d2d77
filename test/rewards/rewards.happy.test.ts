// The rewards catalog and redemptions through the API: codes, approvals, refunds, experiences,
// donations and payouts, each checked against the wallet it moves.
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { keyIfRequired, type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let n = 0;
const key = () => `rw-${++n}`;
let buyer: string;
let approver: string;
let approver2: string;
let otherApprover: string;

beforeAll(async () => {
  api = await testApi();
  for (const [externalId, segment] of [
    ['ACME', 'hospitality'],
    ['OTHER', 'hospitality'],
  ]) {
    const r = await post('/v1/accounts', { externalId, name: externalId, segment, country: 'NL' });
    expect(r.statusCode).toBe(201);
  }
  const contact = async (account: string, email: string, role: string) => {
    const r = await post(`/v1/accounts/${account}/contacts`, { email, role });
    expect(r.statusCode).toBe(201);
    return r.json().id as string;
  };
  buyer = await contact('ACME', 'buyer@acme.example', 'buyer');
  approver = await contact('ACME', 'approver@acme.example', 'approver');
  approver2 = await contact('ACME', 'owner@acme.example', 'owner');
  otherApprover = await contact('OTHER', 'approver@other.example', 'approver');
  const settings = await api.call(api.a.admin, {
    method: 'PATCH',
    url: '/v1/program',
    payload: { settings: { redemptions: { approval: { above: { points: 1000 } } } } },
  });
  expect(settings.statusCode, settings.body).toBe(200);
  await credit('ACME', 100_000);
});

function post(url: string, payload: object, options: { key?: string; admin?: boolean; idem?: string } = {}) {
  return api.call(options.admin ? api.a.admin : api.a.write, {
    method: 'POST',
    url,
    payload,
    headers: options.idem ? { 'idempotency-key': options.idem } : keyIfRequired(url),
  });
}

async function credit(account: string, amount: number, unit = 'points') {
  await api.services.ledger.credit(api.a.programId, {
    key: key(),
    account,
    unit,
    amount,
    reasonCode: 'seed',
    explanation: 'Opening balance',
  });
}

async function wallet(account: string, unit = 'points') {
  const r = await api.call(api.a.read, { method: 'GET', url: `/v1/accounts/${account}/wallets` });
  return (
    (r.json().data as Array<{ unit: string; available: number; held: number }>).find(
      (w) => w.unit === unit,
    ) ?? { unit, available: 0, held: 0 }
  );
}

async function reward(body: object) {
  const r = await post('/v1/rewards', body, { admin: true });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; stock: { available: number | null; low: boolean } };
}

async function getReward(id: string) {
  return (await api.call(api.a.read, { method: 'GET', url: `/v1/rewards/${id}` })).json();
}

const redeem = (payload: object, idem?: string) => post('/v1/redemptions', payload, { idem });
const verify = async () => expect(await api.services.ledger.verify(api.a.programId)).toEqual([]);

describe('e-gift cards from a code pool', () => {
  it('hands out a code per redemption, reports low stock, and refuses when the pool is empty', async () => {
    const gift = await reward({
      type: 'egift_card',
      name: 'EUR 25 gift card',
      translations: { nl: { name: 'Cadeaubon EUR 25' } },
      price: { amount: 500, unit: 'points' },
      faceValue: { amount: 2500, currency: 'EUR' },
      stock: { kind: 'codes' },
      lowStockThreshold: 1,
    });
    expect(gift).toMatchObject({
      stock: { kind: 'codes', available: 0, low: true },
      fulfilment: 'code_pool',
    });
    // 500 points at the default cost per point (EUR 0.01) are worth EUR 5.00.
    expect((gift as unknown as { price: unknown }).price).toEqual({
      amount: 500,
      unit: 'points',
      value: { currency: 'EUR', minorUnits: 500 },
    });
    const imported = await post(`/v1/rewards/${gift.id}/codes`, { codes: ['GC-1', 'GC-2'] }, { admin: true });
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json()).toEqual({ imported: 2, available: 2, low: false });

    const before = await wallet('ACME');
    const first = await redeem({ reward: gift.id, account: 'ACME', contactId: buyer });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      status: 'fulfilled',
      code: 'GC-1',
      price: { amount: 500, unit: 'points' },
    });
    expect(first.headers.location).toBe(`/v1/redemptions/${first.json().id}`);
    expect((await wallet('ACME')).available).toBe(before.available - 500);
    expect((await getReward(gift.id)).stock).toEqual({
      kind: 'codes',
      available: 1,
      low: true,
      codes: { available: 1, reserved: 0, issued: 1 },
    });

    const second = await redeem({ reward: gift.id, account: 'ACME' });
    expect(second.json()).toMatchObject({ status: 'fulfilled', code: 'GC-2' });
    const after = await wallet('ACME');
    const third = await redeem({ reward: gift.id, account: 'ACME' });
    expect(third.statusCode).toBe(409);
    expect(third.json().code).toBe('out_of_stock');
    expect(await wallet('ACME')).toEqual(after);

    const events = (
      await api.call(api.a.read, { method: 'GET', url: `/v1/redemptions/${first.json().id}` })
    ).json().events as Array<{ type: string }>;
    expect(events.map((e) => e.type)).toEqual([
      'redemption.requested',
      'redemption.approved',
      'redemption.fulfilled',
    ]);
    const localised = await api.call(api.a.read, {
      method: 'GET',
      url: '/v1/rewards?locale=nl-NL&type=egift_card',
    });
    expect(localised.json().data[0].name).toBe('Cadeaubon EUR 25');
    await verify();
  });

  it('reserves a code while a redemption waits for approval, and gives it back when rejected', async () => {
    const pricey = await reward({
      type: 'prepaid_card',
      name: 'EUR 100 prepaid card',
      price: { amount: 5000, unit: 'points' },
      stock: { kind: 'codes' },
    });
    await post(`/v1/rewards/${pricey.id}/codes`, { codes: ['PP-1'] }, { admin: true });
    const first = (await redeem({ reward: pricey.id, account: 'ACME', contactId: buyer })).json();
    expect(first).toMatchObject({ status: 'pending_approval', code: null });
    expect((await getReward(pricey.id)).stock).toMatchObject({
      available: 0,
      codes: { available: 0, reserved: 1, issued: 0 },
    });
    // The list (the member portal's catalog too) leaves the counts out.
    const listed = await api.call(api.a.read, { method: 'GET', url: '/v1/rewards?type=prepaid_card' });
    expect(listed.json().data.find((r: { id: string }) => r.id === pricey.id).stock.codes).toBeUndefined();
    const waiting = await redeem({ reward: pricey.id, account: 'ACME', contactId: buyer });
    expect(waiting.json().code).toBe('out_of_stock');
    await post(`/v1/redemptions/${first.id}/reject`, { contactId: approver });
    expect((await getReward(pricey.id)).stock.codes).toEqual({ available: 1, reserved: 0, issued: 0 });
    const second = (await redeem({ reward: pricey.id, account: 'ACME', contactId: buyer })).json();
    const approved = await post(`/v1/redemptions/${second.id}/approve`, { contactId: approver });
    expect(approved.json()).toMatchObject({ status: 'fulfilled', code: 'PP-1' });
    await verify();
  });

  it('imports codes from a CSV file and refuses duplicates, importing none of the file', async () => {
    const gift = await reward({
      type: 'discount_code',
      name: '10% off',
      price: { amount: 100, unit: 'points' },
      stock: { kind: 'codes' },
    });
    const csv = (body: string) =>
      api.call(api.a.admin, {
        method: 'POST',
        url: `/v1/rewards/${gift.id}/codes`,
        payload: body,
        headers: { 'content-type': 'text/csv' },
      });
    const ok = await csv('code\nD-1\nD-2\nD-3\n');
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ imported: 3, available: 3 });

    const dup = await csv('code\nD-4\nD-2\n');
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({
      code: 'duplicate_codes',
      errors: [{ path: '/body/codes/1', message: 'D-2 exists already' }],
    });
    const twice = await post(`/v1/rewards/${gift.id}/codes`, { codes: ['D-5', 'D-5'] }, { admin: true });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().errors).toEqual([{ path: '/body/codes/1', message: 'D-5 appears twice' }]);
    expect((await getReward(gift.id)).stock.available).toBe(3);
  });
});

describe('approvals', () => {
  let laptop: string;
  beforeAll(async () => {
    laptop = (
      await reward({
        type: 'merchandise',
        name: 'Laptop',
        price: { amount: 2000, unit: 'points' },
        stock: { kind: 'counted', quantity: 3 },
      })
    ).id;
  });

  it('holds the points above the threshold until an approver of the same account approves, then ships', async () => {
    const before = await wallet('ACME');
    const r = await redeem({ reward: laptop, account: 'ACME', contactId: buyer, note: 'For the new site' });
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json().id as string;
    expect(r.json()).toMatchObject({ status: 'pending_approval', approvals: { required: 1, decisions: [] } });
    expect(await wallet('ACME')).toMatchObject({
      available: before.available - 2000,
      held: before.held + 2000,
    });
    expect((await getReward(laptop)).stock.available).toBe(2);

    const own = await post(`/v1/redemptions/${id}/approve`, { contactId: buyer });
    expect(own.statusCode).toBe(403);
    expect(own.json().code).toBe('approver_not_allowed');
    const stranger = await post(`/v1/redemptions/${id}/approve`, { contactId: otherApprover });
    expect(stranger.statusCode).toBe(403);
    const noContact = await post(`/v1/redemptions/${id}/approve`, {});
    expect(noContact.json().code).toBe('approver_not_allowed');
    expect((await api.call(api.a.read, { method: 'GET', url: `/v1/redemptions/${id}` })).json().status).toBe(
      'pending_approval',
    );

    const approved = await post(`/v1/redemptions/${id}/approve`, { contactId: approver, note: 'ok' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({
      status: 'approved',
      approvals: { required: 1, decisions: [{ approver, decision: 'approve', note: 'ok' }] },
    });
    expect(approved.json().settleEntryId).toMatch(/^ent_/);
    expect(await wallet('ACME')).toMatchObject({ available: before.available - 2000, held: before.held });

    const again = await post(`/v1/redemptions/${id}/approve`, { contactId: approver });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('already_approved');
    const byOperator = await post(`/v1/redemptions/${id}/approve`, {}, { admin: true });
    expect(byOperator.json().code).toBe('already_approved');

    const shipped = await post(`/v1/redemptions/${id}/fulfil`, {
      delivery: 'shipped',
      carrier: 'PostNL',
      trackingNumber: '3SABC123',
    });
    expect(shipped.statusCode, shipped.body).toBe(200);
    expect(shipped.json()).toMatchObject({
      status: 'fulfilled',
      delivery: 'shipped',
      tracking: { carrier: 'PostNL', number: '3SABC123' },
    });
    const delivered = await post(`/v1/redemptions/${id}/fulfil`, { delivery: 'delivered' });
    expect(delivered.json()).toMatchObject({ status: 'fulfilled', delivery: 'delivered' });
    expect((delivered.json().events as Array<{ type: string }>).map((e) => e.type)).toEqual([
      'redemption.requested',
      'redemption.approval_given',
      'redemption.approved',
      'redemption.fulfilled',
      'redemption.delivered',
    ]);
    const audit = await api.call(api.a.admin, { method: 'GET', url: `/v1/audit?resourceId=${id}` });
    expect(audit.json().data.length).toBe(5);
    await verify();
  });

  it('needs every step of a multi-step policy, each by another approver', async () => {
    await api.call(api.a.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { settings: { redemptions: { approval: { above: { points: 1000 }, steps: 2 } } } },
    });
    try {
      const id = (await redeem({ reward: laptop, account: 'ACME', contactId: buyer })).json().id;
      const one = await post(`/v1/redemptions/${id}/approve`, { contactId: approver });
      expect(one.json()).toMatchObject({ status: 'pending_approval', approvals: { required: 2 } });
      const same = await post(`/v1/redemptions/${id}/approve`, { contactId: approver });
      expect(same.json().code).toBe('already_approved');
      const two = await post(`/v1/redemptions/${id}/approve`, {}, { admin: true });
      expect(two.json()).toMatchObject({ status: 'approved' });
      expect(two.json().approvals.decisions.map((d: { approver: string }) => d.approver)).toEqual([
        approver,
        expect.stringMatching(/^key:key_/),
      ]);
    } finally {
      await api.call(api.a.admin, {
        method: 'PATCH',
        url: '/v1/program',
        payload: { settings: { redemptions: { approval: { above: { points: 1000 } } } } },
      });
    }
  });

  it('gives the points and the unit back when a redemption is rejected', async () => {
    const before = await wallet('ACME');
    const stock = (await getReward(laptop)).stock.available;
    const id = (await redeem({ reward: laptop, account: 'ACME', contactId: buyer })).json().id;
    expect((await getReward(laptop)).stock.available).toBe(stock - 1);
    const rejected = await post(`/v1/redemptions/${id}/reject`, {
      contactId: approver2,
      note: 'Not in budget',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'rejected', reason: 'Not in budget' });
    expect(await wallet('ACME')).toEqual(before);
    expect((await getReward(laptop)).stock.available).toBe(stock);
    const late = await post(`/v1/redemptions/${id}/approve`, { contactId: approver });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('redemption_state_conflict');
    await verify();
  });

  it('refunds an approved redemption whose fulfilment failed, and one cancelled before shipping', async () => {
    const before = await wallet('ACME');
    const small = await reward({
      type: 'service_credit',
      name: 'One free month',
      price: { amount: 300, unit: 'points' },
      stock: { kind: 'unlimited' },
      fulfilment: 'webhook',
    });
    const a = (await redeem({ reward: small.id, account: 'ACME' })).json();
    expect(a.status).toBe('approved');
    const failed = await post(`/v1/redemptions/${a.id}/fail`, { reason: 'Subscription system refused' });
    expect(failed.json()).toMatchObject({ status: 'failed', refundEntryId: expect.stringMatching(/^ent_/) });
    const b = (await redeem({ reward: small.id, account: 'ACME' })).json();
    const cancelled = await post(`/v1/redemptions/${b.id}/cancel`, { reason: 'Ordered by mistake' });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect((await wallet('ACME')).available).toBe(before.available);
    const again = await post(`/v1/redemptions/${b.id}/cancel`, {});
    expect(again.json().code).toBe('redemption_state_conflict');
    await verify();
  });
});

describe('experiences', () => {
  it('sells out a session and keeps the other dates open', async () => {
    const concert = await reward({
      type: 'experience',
      name: 'Concert night',
      price: { amount: 200, unit: 'points' },
      stock: { kind: 'sessions' },
    });
    const session = async (startsAt: string, capacity: number) => {
      const r = await post(`/v1/rewards/${concert.id}/sessions`, { startsAt, capacity }, { admin: true });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };
    const friday = await session('2099-06-05T19:00:00Z', 2);
    const saturday = await session('2099-06-06T19:00:00Z', 5);
    for (let i = 0; i < 2; i++) {
      const r = await redeem({ reward: concert.id, account: 'ACME', sessionId: friday });
      expect(r.statusCode, r.body).toBe(201);
    }
    const before = await wallet('ACME');
    const full = await redeem({ reward: concert.id, account: 'ACME', sessionId: friday });
    expect(full.statusCode).toBe(409);
    expect(full.json().code).toBe('out_of_stock');
    expect(await wallet('ACME')).toEqual(before);
    const none = await redeem({ reward: concert.id, account: 'ACME' });
    expect(none.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/sessionId' }] });
    const sessions = (
      await api.call(api.a.read, { method: 'GET', url: `/v1/rewards/${concert.id}/sessions` })
    ).json().data;
    expect(sessions.map((s: { id: string; remaining: number }) => [s.id, s.remaining])).toEqual([
      [friday, 0],
      [saturday, 5],
    ]);
    expect((await getReward(concert.id)).stock.available).toBe(5);
  });
});

describe('cashback', () => {
  it('donates part and then all of a cash wallet to a listed charity', async () => {
    await credit('OTHER', 1500, 'EUR');
    const charity = await post('/v1/charities', { name: 'Hospitality Action' }, { admin: true });
    expect(charity.statusCode, charity.body).toBe(201);
    const part = await post('/v1/donations', {
      account: 'OTHER',
      charityId: charity.json().id,
      unit: 'EUR',
      amount: 500,
      contactId: otherApprover,
    });
    expect(part.statusCode, part.body).toBe(201);
    expect(part.json()).toMatchObject({ amount: 500, unit: 'EUR', charityId: charity.json().id });
    expect((await wallet('OTHER', 'EUR')).available).toBe(1000);
    const rest = await post('/v1/donations', { account: 'OTHER', charityId: charity.json().id, unit: 'EUR' });
    expect(rest.json()).toMatchObject({ amount: 1000 });
    expect((await wallet('OTHER', 'EUR')).available).toBe(0);
    const entry = await api.call(api.a.read, {
      method: 'GET',
      url: `/v1/ledger/entries/${rest.json().entryId}`,
    });
    expect(entry.json().entry).toMatchObject({
      type: 'donate',
      phase: 'posted',
      explanation: 'Donation to Hospitality Action',
    });

    await api.call(api.a.admin, {
      method: 'PATCH',
      url: `/v1/charities/${charity.json().id}`,
      payload: { status: 'archived' },
    });
    await credit('OTHER', 100, 'EUR');
    const closed = await post('/v1/donations', {
      account: 'OTHER',
      charityId: charity.json().id,
      unit: 'EUR',
    });
    expect(closed.json().code).toBe('charity_not_active');
    expect((await wallet('OTHER', 'EUR')).available).toBe(100);
    const list = await api.call(api.a.read, { method: 'GET', url: '/v1/donations?account=OTHER' });
    expect(list.json().data.map((d: { amount: number }) => d.amount)).toEqual([1000, 500]);
    await verify();
  });

  it('records a payout request with its method and reference', async () => {
    await credit('ACME', 4200, 'EUR');
    const payout = await post('/v1/payouts', {
      account: 'ACME',
      currency: 'EUR',
      amount: 4000,
      method: 'bank_transfer',
      reference: 'NL91ABNA0417164300',
    });
    expect(payout.statusCode, payout.body).toBe(201);
    expect(payout.json()).toMatchObject({
      amount: 4000,
      method: 'bank_transfer',
      reference: 'NL91ABNA0417164300',
    });
    expect((await wallet('ACME', 'EUR')).available).toBe(200);
    const entry = await api.call(api.a.read, {
      method: 'GET',
      url: `/v1/ledger/entries/${payout.json().entryId}`,
    });
    expect(entry.json().entry).toMatchObject({ type: 'payout', amount: 4000, unit: 'EUR' });
    const tooMuch = await post('/v1/payouts', {
      account: 'ACME',
      currency: 'EUR',
      amount: 201,
      method: 'paypal',
    });
    expect(tooMuch.json().code).toBe('insufficient_balance');
    expect((await wallet('ACME', 'EUR')).available).toBe(200);
    await verify();
  });
});

describe('browsing', () => {
  it('says per reward whether the account can redeem it, and why not', async () => {
    await post('/v1/accounts', { externalId: 'POOR', name: 'Poor', segment: 'construction', country: 'BE' });
    await credit('POOR', 120);
    const gold = await reward({
      type: 'custom',
      name: 'Platinum lounge',
      price: { amount: 100, unit: 'points' },
      stock: { kind: 'unlimited' },
      eligibility: { tiers: ['Platinum'] },
    });
    const pricey = await reward({
      type: 'custom',
      name: 'Pricey',
      price: { amount: 500, unit: 'points' },
      stock: { kind: 'unlimited' },
    });
    const page = await api.call(api.a.read, { method: 'GET', url: '/v1/rewards?account=POOR&limit=500' });
    expect(page.statusCode, page.body).toBe(200);
    const byId = new Map(page.json().data.map((r: { id: string }) => [r.id, r]));
    expect(byId.get(gold.id)).toMatchObject({
      redeemable: { ok: false, eligible: false, affordable: true, reasons: ['needs Platinum'] },
    });
    expect(byId.get(pricey.id)).toMatchObject({
      redeemable: {
        ok: false,
        eligible: true,
        affordable: false,
        shortBy: 380,
        reasons: ['380 points short'],
      },
    });
  });
});

describe('bad requests change nothing', () => {
  it('refuses an unknown reward, an ineligible account, too few points and an expired reward', async () => {
    const poorBefore = await wallet('POOR');
    const unknown = await redeem({ reward: 'rwd_00000000000000000000000000', account: 'ACME' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('reward_not_found');

    const local = await reward({
      type: 'custom',
      name: 'NL only',
      price: { amount: 10, unit: 'points' },
      stock: { kind: 'counted', quantity: 4 },
      eligibility: { countries: ['NL'], segments: ['hospitality'] },
    });
    const ineligible = await redeem({ reward: local.id, account: 'POOR' });
    expect(ineligible.statusCode).toBe(422);
    expect(ineligible.json()).toMatchObject({ code: 'reward_not_eligible' });
    expect(ineligible.json().errors.map((e: { message: string }) => e.message)).toEqual([
      'only for the segment hospitality',
      'only in NL',
    ]);

    const dear = await reward({
      type: 'custom',
      name: 'Dear',
      price: { amount: 121, unit: 'points' },
      stock: { kind: 'counted', quantity: 4 },
    });
    const poor = await redeem({ reward: dear.id, account: 'POOR' });
    expect(poor.statusCode).toBe(422);
    expect(poor.json().code).toBe('insufficient_balance');

    const expired = await reward({
      type: 'custom',
      name: 'Summer deal',
      price: { amount: 10, unit: 'points' },
      stock: { kind: 'counted', quantity: 4 },
      availableFrom: '2020-06-01T00:00:00Z',
      availableUntil: '2020-09-01T00:00:00Z',
    });
    const late = await redeem({ reward: expired.id, account: 'POOR' });
    expect(late.statusCode).toBe(422);
    expect(late.json().code).toBe('reward_not_available');

    expect(await wallet('POOR')).toEqual(poorBefore);
    for (const id of [local.id, dear.id, expired.id]) expect((await getReward(id)).stock.available).toBe(4);
    const list = await api.call(api.a.read, { method: 'GET', url: '/v1/redemptions?account=POOR' });
    expect(list.json().data).toEqual([]);
  });

  it('enforces a per-account limit', async () => {
    const once = await reward({
      type: 'custom',
      name: 'Once a year',
      price: { amount: 1, unit: 'points' },
      stock: { kind: 'unlimited' },
      limits: { perAccount: { count: 1, period: 'year' } },
    });
    expect((await redeem({ reward: once.id, account: 'ACME' })).statusCode).toBe(201);
    const before = await wallet('ACME');
    const twice = await redeem({ reward: once.id, account: 'ACME' });
    expect(twice.statusCode).toBe(422);
    expect(twice.json().code).toBe('redemption_limit_reached');
    expect(await wallet('ACME')).toEqual(before);
  });
});

describe('idempotency', () => {
  it('replays a redemption request sent twice with the same Idempotency-Key', async () => {
    const item = await reward({
      type: 'merchandise',
      name: 'Mug',
      price: { amount: 50, unit: 'points' },
      stock: { kind: 'counted', quantity: 10 },
    });
    const before = await wallet('ACME');
    const first = await redeem({ reward: item.id, account: 'ACME' }, 'mug-order-1');
    const second = await redeem({ reward: item.id, account: 'ACME' }, 'mug-order-1');
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().id).toBe(first.json().id);
    expect((await wallet('ACME')).available).toBe(before.available - 50);
    expect((await getReward(item.id)).stock.available).toBe(9);
    // A retry after a crash (the HTTP layer lost the response) finds the redemption by its key.
    const again = await api.services.redemptions.request(
      api.a.programId,
      { reward: item.id, account: 'ACME' },
      { actor: FIXTURE, admin: false },
      'mug-order-1',
    );
    expect(again).toMatchObject({ replayed: true, redemption: { id: first.json().id } });
  });
});

describe('approval time-out', () => {
  it('cancels a redemption whose hold the ledger released, and gives its unit back', async () => {
    const chair = await reward({
      type: 'merchandise',
      name: 'Office chair',
      price: { amount: 1500, unit: 'points' },
      stock: { kind: 'counted', quantity: 1 },
    });
    const before = await wallet('ACME');
    const id = (await redeem({ reward: chair.id, account: 'ACME', contactId: buyer })).json().id;
    expect((await getReward(chair.id)).stock.available).toBe(0);
    // The default time-out is 30 days: the ledger's due run releases the hold after it.
    const due = await post(
      '/v1/ledger/due-runs',
      { asOf: new Date(Date.now() + 31 * 86_400_000).toISOString() },
      { admin: true },
    );
    expect(due.json().voided).toBeGreaterThanOrEqual(1);
    expect(await wallet('ACME')).toMatchObject({ available: before.available, held: before.held });
    const late = await post(`/v1/redemptions/${id}/approve`, { contactId: approver });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('redemption_state_conflict');
    const after = (await api.call(api.a.read, { method: 'GET', url: `/v1/redemptions/${id}` })).json();
    expect(after).toMatchObject({ status: 'cancelled', reason: expect.stringMatching(/time-out/) });
    expect((await getReward(chair.id)).stock.available).toBe(1);
    expect(await wallet('ACME')).toMatchObject({ available: before.available, held: before.held });
    await verify();
  });
});

describe('approval time-out job', () => {
  it('cancels the redemptions whose hold the ledger released at the time-out, and only those', async () => {
    const desk = await reward({
      type: 'merchandise',
      name: 'Standing desk',
      price: { amount: 1200, unit: 'points' },
      stock: { kind: 'counted', quantity: 2 },
    });
    const before = await wallet('ACME');
    const first = (await redeem({ reward: desk.id, account: 'ACME', contactId: buyer })).json().id;
    const second = (await redeem({ reward: desk.id, account: 'ACME', contactId: buyer })).json().id;
    expect((await getReward(desk.id)).stock.available).toBe(0);
    expect(await wallet('ACME')).toMatchObject({ held: before.held + 2400 });
    const sweep = () => post('/v1/redemptions/due-runs', {}, { admin: true });
    const statusOf = async (id: string) =>
      (await api.call(api.a.read, { method: 'GET', url: `/v1/redemptions/${id}` })).json();

    // Nothing released yet: nothing to cancel.
    const early = await sweep();
    expect(early.statusCode, early.body).toBe(200);
    expect(early.json().cancelled).toBe(0);
    expect((await statusOf(first)).status).toBe('pending_approval');

    // The second is approved in time; the ledger's due run after the time-out (30 days by default)
    // releases the first hold only.
    expect((await post(`/v1/redemptions/${second}/approve`, { contactId: approver })).statusCode).toBe(200);
    const due = await post(
      '/v1/ledger/due-runs',
      { asOf: new Date(Date.now() + 31 * 86_400_000).toISOString() },
      { admin: true },
    );
    expect(due.json().voided).toBeGreaterThanOrEqual(1);
    const job = await sweep();
    expect(job.json().cancelled).toBe(1);
    expect(await statusOf(first)).toMatchObject({
      status: 'cancelled',
      reason: expect.stringMatching(/time-out/),
    });
    expect((await statusOf(second)).status).toBe('approved');
    expect((await getReward(desk.id)).stock.available).toBe(1);
    expect(await wallet('ACME')).toMatchObject({ available: before.available - 1200, held: before.held });
    // Run again: nothing left to do.
    expect((await sweep()).json().cancelled).toBe(0);
    await verify();
  });
});

describe('the redemption event feed', () => {
  it('lists every transition oldest first and resumes after a cursor', async () => {
    const feed = async (query: string) =>
      (await api.call(api.a.read, { method: 'GET', url: `/v1/redemption-events?${query}` })).json() as {
        data: Array<{ id: string; type: string; redemptionId: string }>;
        nextCursor: string | null;
      };
    const all = await feed('limit=500');
    expect(all.data.length).toBeGreaterThan(10);
    expect(all.data.map((e) => e.id)).toEqual([...all.data.map((e) => e.id)].sort());
    expect(all.data[0]?.type).toBe('redemption.requested');

    const item = await reward({
      type: 'service_credit',
      name: 'Feed probe',
      price: { amount: 1, unit: 'points' },
      stock: { kind: 'unlimited' },
      fulfilment: 'webhook',
    });
    const r = (await redeem({ reward: item.id, account: 'ACME' })).json();
    const newer = await feed(`cursor=${all.nextCursor}`);
    expect(newer.data.map((e) => [e.redemptionId, e.type])).toEqual([
      [r.id, 'redemption.requested'],
      [r.id, 'redemption.approved'],
    ]);
    const approved = await feed(`type=redemption.approved&redemptionId=${r.id}`);
    expect(approved.data.length).toBe(1);
    expect((await feed(`cursor=${newer.nextCursor}`)).data).toEqual([]);
  });
});
