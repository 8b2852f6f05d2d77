// Redemption races that only a real multi-connection PostgreSQL can show (PGlite has one
// connection): every request below runs on the test database's pool of 20 connections at once.
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { FIXTURE } from '../support/actor.ts';
import { keyIfRequired, type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let seq = 0;
const unique = (prefix: string) => `${prefix}-${++seq}`;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
});

const post = (url: string, payload: object, admin = false) =>
  api.call(admin ? api.a.admin : api.a.write, { method: 'POST', url, payload, headers: keyIfRequired(url) });

async function account(points: number): Promise<string> {
  const externalId = unique('ACC');
  const { id } = await api.services.accounts.create(
    api.a.programId,
    { externalId, name: externalId },
    FIXTURE,
  );
  if (points > 0) {
    await api.services.ledger.credit(api.a.programId, {
      key: unique('seed'),
      account: id,
      amount: points,
      reasonCode: 'seed',
      explanation: 'Opening balance',
    });
  }
  return id;
}

async function reward(body: object): Promise<string> {
  const r = await post('/v1/rewards', { type: 'custom', name: unique('Reward'), ...body }, true);
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}

function labels(responses: LightMyRequestResponse[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of responses) {
    const label = r.statusCode >= 400 ? `${r.statusCode} ${r.json().code}` : String(r.statusCode);
    out[label] = (out[label] ?? 0) + 1;
  }
  return out;
}

const sound = async () => expect(await api.services.ledger.verify(api.a.programId)).toEqual([]);

describe('the last code or unit', () => {
  it('20 concurrent redemptions of a pool of 5 codes: exactly 5 succeed with 5 distinct codes', async () => {
    const id = await reward({
      type: 'egift_card',
      price: { amount: 100, unit: 'points' },
      stock: { kind: 'codes' },
    });
    const codes = ['C-1', 'C-2', 'C-3', 'C-4', 'C-5'];
    expect((await post(`/v1/rewards/${id}/codes`, { codes }, true)).statusCode).toBe(201);
    // Twenty accounts that can each afford it, and all twenty at once.
    const accounts = await Promise.all(Array.from({ length: 20 }, () => account(1000)));
    const responses = await Promise.all(
      accounts.map((a) => post('/v1/redemptions', { reward: id, account: a })),
    );
    expect(labels(responses)).toEqual({ 201: 5, '409 out_of_stock': 15 });
    const won = responses.filter((r) => r.statusCode === 201).map((r) => r.json());
    expect(won.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(won.map((r) => r.code).sort()).toEqual(codes);
    const [row] = await selectRows<{ issued: string; redemptions: string }>(
      api.database.db,
      sql`select (select count(*) from reward_codes where reward_id = ${id} and status = 'issued') as issued,
                 (select count(distinct redemption_id) from reward_codes where reward_id = ${id}) as redemptions`,
    );
    expect(row).toEqual({ issued: '5', redemptions: '5' });
    // The 15 that lost hold nothing and paid nothing.
    for (const a of accounts) {
      const [w] = await api.services.ledger.summary(api.a.programId, a);
      const winner = won.some((r) => r.accountId === a);
      expect(w).toMatchObject({ available: winner ? 900 : 1000, held: 0 });
    }
    await sound();
  });

  it('20 concurrent redemptions of 5 counted units by one account: exactly 5', async () => {
    const id = await reward({
      price: { amount: 10, unit: 'points' },
      stock: { kind: 'counted', quantity: 5 },
    });
    const a = await account(10_000);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post('/v1/redemptions', { reward: id, account: a })),
    );
    expect(labels(responses)).toEqual({ 201: 5, '409 out_of_stock': 15 });
    const r = await api.call(api.a.read, { method: 'GET', url: `/v1/rewards/${id}` });
    expect(r.json().stock.available).toBe(0);
    const [w] = await api.services.ledger.summary(api.a.programId, a);
    expect(w).toMatchObject({ available: 10_000 - 50, held: 0 });
    await sound();
  });

  it('30 concurrent bookings of a session with 4 places: exactly 4', async () => {
    const id = await reward({
      type: 'experience',
      price: { amount: 10, unit: 'points' },
      stock: { kind: 'sessions' },
    });
    const session = await post(
      `/v1/rewards/${id}/sessions`,
      { startsAt: '2099-01-01T18:00:00Z', capacity: 4 },
      true,
    );
    const accounts = await Promise.all(Array.from({ length: 30 }, () => account(100)));
    const responses = await Promise.all(
      accounts.map((a) => post('/v1/redemptions', { reward: id, account: a, sessionId: session.json().id })),
    );
    expect(labels(responses)).toEqual({ 201: 4, '409 out_of_stock': 26 });
    await sound();
  });
});

describe('no overspending', () => {
  it('50 concurrent redemptions against a balance that covers 10: exactly 10', async () => {
    const id = await reward({ price: { amount: 100, unit: 'points' }, stock: { kind: 'unlimited' } });
    const a = await account(1000);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => post('/v1/redemptions', { reward: id, account: a })),
    );
    expect(labels(responses)).toEqual({ 201: 10, '422 insufficient_balance': 40 });
    const [w] = await api.services.ledger.summary(api.a.programId, a);
    expect(w).toMatchObject({ available: 0, held: 0, lifetime: { redeemed: 1000 } });
    await sound();
  });

  it('a per-account limit holds under concurrency', async () => {
    const id = await reward({
      price: { amount: 1, unit: 'points' },
      stock: { kind: 'unlimited' },
      limits: { perAccount: { count: 3, period: 'month' } },
    });
    const a = await account(1000);
    const responses = await Promise.all(
      Array.from({ length: 15 }, () => post('/v1/redemptions', { reward: id, account: a })),
    );
    expect(labels(responses)).toEqual({ 201: 3, '422 redemption_limit_reached': 12 });
    await sound();
  });
});

describe('concurrent decisions', () => {
  it('two approvers at once approve once; an approval racing a cancellation leaves one outcome', async () => {
    await api.services.programs.update(
      api.a.programId,
      {
        settings: { redemptions: { approval: { always: true } } },
      },
      FIXTURE,
    );
    const id = await reward({
      price: { amount: 10, unit: 'points' },
      stock: { kind: 'counted', quantity: 100 },
    });
    const a = await account(1000);
    const approvers = await Promise.all(
      ['one', 'two'].map(async (name) => {
        const c = await api.services.contacts.create(
          api.a.programId,
          a,
          {
            email: `${unique(name)}@approvers.example`,
            role: 'approver',
          },
          FIXTURE,
        );
        return c.id;
      }),
    );
    for (let round = 0; round < 5; round++) {
      const r = await post('/v1/redemptions', { reward: id, account: a });
      const redemption = r.json().id;
      const both = await Promise.all(
        approvers.map((contactId) => post(`/v1/redemptions/${redemption}/approve`, { contactId })),
      );
      expect(labels(both)).toEqual({ 200: 1, '409 already_approved': 1 });

      const next = (await post('/v1/redemptions', { reward: id, account: a })).json().id;
      const race = await Promise.all([
        post(`/v1/redemptions/${next}/approve`, { contactId: approvers[0] }),
        post(`/v1/redemptions/${next}/cancel`, {}),
      ]);
      const final = (await api.call(api.a.read, { method: 'GET', url: `/v1/redemptions/${next}` })).json();
      expect(['approved', 'cancelled']).toContain(final.status);
      expect(race.filter((x) => x.statusCode === 200).length).toBeGreaterThanOrEqual(1);
    }
    const [w] = await api.services.ledger.summary(api.a.programId, a);
    expect(w?.held).toBe(0);
    await sound();
  });
});

describe('a points-to-cash conversion approved twice at once (decision 0054)', () => {
  it('two approvers at once: one approval, the cash credited once', async () => {
    await api.services.programs.update(
      api.a.programId,
      { settings: { redemptions: { approval: { always: true } } } },
      FIXTURE,
    );
    const id = await reward({
      type: 'cash_payout',
      price: { amount: 100, unit: 'points' },
      faceValue: { amount: 250, currency: 'EUR' },
      stock: { kind: 'unlimited' },
    });
    const a = await account(1000);
    const approvers = await Promise.all(
      ['one', 'two'].map(
        async (name) =>
          (
            await api.services.contacts.create(
              api.a.programId,
              a,
              { email: `${unique(name)}@approvers.example`, role: 'approver' },
              FIXTURE,
            )
          ).id,
      ),
    );
    for (let round = 0; round < 4; round++) {
      const redemption = (await post('/v1/redemptions', { reward: id, account: a })).json().id;
      const both = await Promise.all(
        approvers.map((contactId) => post(`/v1/redemptions/${redemption}/approve`, { contactId })),
      );
      expect(labels(both)).toEqual({ 200: 1, '409 already_approved': 1 });
    }
    const wallets = await api.services.ledger.summary(api.a.programId, a);
    expect(wallets.find((w) => w.unit === 'points')).toMatchObject({ available: 600, held: 0 });
    expect(wallets.find((w) => w.unit === 'EUR')).toMatchObject({ available: 1000 });
    await sound();
  });
});
