// Membership races that only a real multi-connection PostgreSQL can show (PGlite has one connection).
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { keyIfRequired, type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let planId: string;
let vettedId: string;
const DAY = 86_400_000;

const plan = (name: string, joining: string) => ({
  name,
  fee: { amount: '250.00', currency: 'EUR' },
  term: { days: 30 },
  renewal: 'auto',
  joining,
  entitlements: [
    { key: 'vip_support', kind: 'flag' },
    { key: 'service_credit', kind: 'service_credit', unit: 'points', amount: 700 },
  ],
});

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
  const admin = (url: string, payload: object) => api.call(api.a.admin, { method: 'POST', url, payload });
  planId = (await admin('/v1/membership-plans', plan('Club', 'contract'))).json().id;
  vettedId = (await admin('/v1/membership-plans', plan('Vetted', 'approval'))).json().id;
  for (const externalId of ['RACE-1', 'RACE-2', 'RACE-3', 'RACE-4']) {
    await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId, name: externalId },
    });
  }
});

function statusCount(responses: LightMyRequestResponse[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of responses) {
    const label = r.statusCode >= 400 ? `${r.statusCode} ${r.json().code}` : String(r.statusCode);
    out[label] = (out[label] ?? 0) + 1;
  }
  return out;
}

async function counts(account: string) {
  const [row] = await selectRows<{
    memberships: string;
    credits: string;
    terms: string;
    points: string | null;
  }>(
    api.database.db,
    sql`select (select count(*) from memberships m join accounts a on a.program_id = m.program_id and a.id = m.account_id
                 where a.external_id = ${account}) as memberships,
               (select count(*) from ledger_entries e join accounts a on a.program_id = e.program_id and a.id = e.account_id
                 where a.external_id = ${account} and e.reason_code = 'membership_service_credit') as credits,
               (select count(*) from membership_terms t join memberships m on m.program_id = t.program_id and m.id = t.membership_id
                 join accounts a on a.program_id = m.program_id and a.id = m.account_id where a.external_id = ${account}) as terms,
               (select sum(w.balance) from wallets w join accounts a on a.program_id = w.program_id and a.id = w.account_id
                 where a.external_id = ${account}) as points`,
  );
  return {
    memberships: Number(row!.memberships),
    credits: Number(row!.credits),
    terms: Number(row!.terms),
    points: Number(row!.points ?? 0),
  };
}

/** A join with its own Idempotency-Key: racing joins meet in the service, not in the key. */
const join = (account: string, plan: string, via: string, reference?: string) =>
  api.call(api.a.write, {
    method: 'POST',
    url: '/v1/memberships',
    headers: keyIfRequired('/v1/memberships'),
    payload: { account, plan, via, reference },
  });

describe('concurrent joins', () => {
  it('10 joins of one account to one plan at once: one membership, one service credit', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => join('RACE-1', planId, 'contract', 'C-1')),
    );
    expect(statusCount(responses)).toEqual({ 201: 1, 200: 9 });
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    expect(await counts('RACE-1')).toEqual({ memberships: 1, credits: 1, terms: 1, points: 700 });
    expect(await api.services.ledger.verify(api.a.programId)).toEqual([]);
  });

  it('10 joins with different references at once: one membership, the others membership_exists', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => join('RACE-2', planId, 'contract', `C-${i}`)),
    );
    expect(statusCount(responses)).toEqual({ 201: 1, '409 membership_exists': 9 });
    expect(await counts('RACE-2')).toEqual({ memberships: 1, credits: 1, terms: 1, points: 700 });
  });
});

describe('concurrent decisions and due runs', () => {
  it('approves a pending membership once when 5 admins approve it at once', async () => {
    const pending = (await join('RACE-3', vettedId, 'approval')).json().id;
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        api.call(api.a.admin, { method: 'POST', url: `/v1/memberships/${pending}/approve`, payload: {} }),
      ),
    );
    expect(statusCount(responses)).toEqual({ 200: 1, '409 membership_not_pending': 4 });
    expect(await counts('RACE-3')).toEqual({ memberships: 1, credits: 1, terms: 1, points: 700 });
  });

  it('renews each term once when 4 due runs race', async () => {
    const start = new Date(Date.now() - 95 * DAY).toISOString();
    const r = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/memberships',
      headers: keyIfRequired('/v1/memberships'),
      payload: { account: 'RACE-4', plan: planId, via: 'contract', reference: 'C-4', startsAt: start },
    });
    expect(r.statusCode, r.body).toBe(201);
    const asOf = new Date();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => api.services.memberships.runDue(api.a.programId, asOf)),
    );
    // Three terms ended in 95 days of 30-day terms: renewed three times in all, whoever did it.
    const ofRace4 = await counts('RACE-4');
    expect(ofRace4).toEqual({ memberships: 1, credits: 4, terms: 4, points: 2800 });
    expect(results.reduce((s, x) => s + x.renewed, 0)).toBe(3);
    const m = (await api.call(api.a.read, { method: 'GET', url: `/v1/memberships/${r.json().id}` })).json();
    expect(m.term).toBe(4);
    expect(await api.services.ledger.verify(api.a.programId)).toEqual([]);
  });
});
