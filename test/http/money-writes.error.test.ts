// Writes that move points or money require an Idempotency-Key (decision 0011): without one they are
// refused with 400 idempotency_key_required and write nothing; with one, a retry answers the first
// response and moves the money once. The OpenAPI document shows the header as required on them.
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let n = 0;
let rewardId: string;
let charityId: string;
let planId: string;

const ACCOUNT = 'MONEY-1';

/** Program a's rows that money writes add, and the account's wallets: a refused write changes none. */
async function state() {
  const [counts] = await selectRows<Record<string, string>>(
    api.database.db,
    sql`select (select count(*) from ledger_entries where program_id = ${api.a.programId}) as entries,
               (select count(*) from redemptions where program_id = ${api.a.programId}) as redemptions,
               (select count(*) from donations where program_id = ${api.a.programId}) as donations,
               (select count(*) from payouts where program_id = ${api.a.programId}) as payouts,
               (select count(*) from memberships where program_id = ${api.a.programId}) as memberships,
               (select count(*) from audit_log where program_id = ${api.a.programId}) as audit,
               (select count(*) from idempotency_keys where program_id = ${api.a.programId}) as keys`,
  );
  const wallets = await api.call(api.a.read, { method: 'GET', url: `/v1/accounts/${ACCOUNT}/wallets` });
  return { counts, wallets: wallets.json().data };
}

async function credit(amount: number, options: { unit?: string; pending?: boolean } = {}): Promise<string> {
  const { entry } = await api.services.ledger.credit(api.a.programId, {
    key: `money-fixture-${++n}`,
    account: ACCOUNT,
    amount,
    reasonCode: 'fixture',
    explanation: 'Fixture credit',
    ...options,
  });
  return entry.id;
}

async function created(url: string, payload: object): Promise<string> {
  const res = await api.call(api.a.admin, { method: 'POST', url, payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

interface MoneyWrite {
  /** OpenAPI path of the operation. */
  path: string;
  scope?: 'admin';
  /** The status of its first success. */
  status: number;
  /** A valid request (fixtures made fresh for each call, so two calls never share a target). */
  request: () => Promise<{ url: string; payload: object }>;
}

const plain = (url: string, payload: () => object) => async () => ({ url, payload: payload() });
const movement = (extra: object = {}) => ({ reasonCode: 'probe', explanation: 'Probe', ...extra });

const WRITES: MoneyWrite[] = [
  {
    path: '/v1/ledger/credits',
    status: 201,
    request: plain('/v1/ledger/credits', () => movement({ account: ACCOUNT, amount: 7 })),
  },
  {
    path: '/v1/ledger/debits',
    status: 201,
    request: plain('/v1/ledger/debits', () => movement({ account: ACCOUNT, amount: 3 })),
  },
  {
    path: '/v1/ledger/batch',
    status: 200,
    request: plain('/v1/ledger/batch', () => ({
      items: [movement({ op: 'credit', key: `batch-item-${++n}`, account: ACCOUNT, amount: 2 })],
    })),
  },
  {
    path: '/v1/ledger/adjustments',
    scope: 'admin',
    status: 201,
    request: plain('/v1/ledger/adjustments', () => movement({ account: ACCOUNT, amount: -4 })),
  },
  {
    path: '/v1/ledger/transfers',
    status: 201,
    request: plain('/v1/ledger/transfers', () => movement({ from: ACCOUNT, to: 'MONEY-2', amount: 5 })),
  },
  {
    path: '/v1/ledger/entries/{entryId}/post',
    status: 201,
    request: async () => ({
      url: `/v1/ledger/entries/${await credit(6, { pending: true })}/post`,
      payload: {},
    }),
  },
  {
    path: '/v1/ledger/entries/{entryId}/void',
    status: 201,
    request: async () => ({
      url: `/v1/ledger/entries/${await credit(6, { pending: true })}/void`,
      payload: {},
    }),
  },
  {
    path: '/v1/ledger/entries/{entryId}/reverse',
    status: 201,
    request: async () => ({
      url: `/v1/ledger/entries/${await credit(8)}/reverse`,
      payload: movement({ amount: 2 }),
    }),
  },
  {
    path: '/v1/redemptions',
    status: 201,
    request: plain('/v1/redemptions', () => ({ reward: rewardId, account: ACCOUNT })),
  },
  {
    path: '/v1/donations',
    status: 201,
    request: plain('/v1/donations', () => ({ account: ACCOUNT, charityId, unit: 'EUR', amount: 10 })),
  },
  {
    path: '/v1/payouts',
    status: 201,
    request: plain('/v1/payouts', () => ({
      account: ACCOUNT,
      currency: 'EUR',
      amount: 25,
      method: 'bank_transfer',
    })),
  },
  {
    path: '/v1/memberships',
    status: 201,
    request: plain('/v1/memberships', () => ({
      account: ACCOUNT,
      plan: planId,
      via: 'contract',
      reference: `C-${++n}`,
    })),
  },
];

beforeAll(async () => {
  api = await testApi();
  await created('/v1/accounts', { externalId: ACCOUNT, name: 'Money Ltd' });
  // Transfers go within a hierarchy (the default policy).
  await created('/v1/accounts', { externalId: 'MONEY-2', name: 'Money Site', parentId: ACCOUNT });
  await credit(100_000);
  await credit(100_000, { unit: 'EUR' });
  rewardId = await created('/v1/rewards', {
    type: 'custom',
    name: 'Mug',
    price: { amount: 10, unit: 'points' },
    stock: { kind: 'unlimited' },
  });
  charityId = await created('/v1/charities', { name: 'Sea Rescue' });
  planId = await created('/v1/membership-plans', {
    name: 'Club',
    fee: { amount: '10.00', currency: 'EUR' },
    term: { months: 12 },
    renewal: 'manual',
    joining: 'contract',
    entitlements: [{ key: 'credit', kind: 'service_credit', unit: 'points', amount: 50 }],
  });
});

async function send(w: MoneyWrite, request: { url: string; payload: object }, key?: string) {
  return api.call(w.scope === 'admin' ? api.a.admin : api.a.write, {
    method: 'POST',
    ...request,
    headers: key === undefined ? {} : { 'idempotency-key': key },
  });
}

/** Ends the account's membership of the plan (one live membership per plan), so that the next join is a new one. */
async function leavePlan(): Promise<void> {
  const list = await api.call(api.a.read, {
    method: 'GET',
    url: `/v1/accounts/${ACCOUNT}/memberships?status=active`,
  });
  for (const m of list.json().data as Array<{ id: string }>) {
    const res = await api.call(api.a.write, {
      method: 'POST',
      url: `/v1/memberships/${m.id}/cancel`,
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(200);
  }
}

describe.each(WRITES)('POST $path', (w) => {
  it('refuses a request without an Idempotency-Key with 400 idempotency_key_required and writes nothing', async () => {
    if (w.path === '/v1/memberships') await leavePlan();
    const request = await w.request();
    const before = await state();
    const res = await send(w, request);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      code: 'idempotency_key_required',
      status: 400,
      detail: 'This write moves points or money: send an Idempotency-Key header so a retry never pays twice',
      errors: [{ path: '/headers/idempotency-key', message: 'is required' }],
    });
    expect(await state()).toEqual(before);
  });

  it('answers a retry with the same key with the first response and moves the money once', async () => {
    if (w.path === '/v1/memberships') await leavePlan();
    const request = await w.request();
    const key = `money-${w.path}-${++n}`;
    const before = await state();
    const first = await send(w, request, key);
    expect(first.statusCode, first.body).toBe(w.status);
    const once = await state();
    expect(once.counts!.entries).not.toBe(before.counts!.entries);
    expect(once.wallets).not.toEqual(before.wallets);

    const retry: LightMyRequestResponse = await send(w, request, key);
    expect(retry.statusCode).toBe(first.statusCode);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await state()).toEqual(once);
  });
});

describe('the OpenAPI document', () => {
  it('shows the Idempotency-Key header as required on every write that moves points or money, and only there', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<
        string,
        Record<string, { parameters?: Array<{ in: string; name: string; required?: boolean }> }>
      >;
    };
    const keyOf = (path: string, method: string) =>
      doc.paths[path]?.[method]?.parameters?.find((p) => p.in === 'header' && p.name === 'idempotency-key');
    for (const w of WRITES) expect(keyOf(w.path, 'post'), w.path).toMatchObject({ required: true });
    const required = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => keyOf(path, method)?.required === true)
        .map(() => path),
    );
    // The member portal's redemption (its own cookie session, outside /v1) takes one too: test/portal.
    expect(required.sort()).toEqual([...WRITES.map((w) => w.path), '/portal/api/redemptions'].sort());
    expect(keyOf('/v1/accounts', 'post')).toMatchObject({ required: false });
  });
});
