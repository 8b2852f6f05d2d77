import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let n = 0;
const key = () => `k-${++n}`;

beforeAll(async () => {
  api = await testApi();
  for (const [externalId, parentId] of [
    ['G1', undefined],
    ['G1-A', 'G1'],
    ['G1-B', 'G1'],
    ['G2', undefined],
  ]) {
    const r = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId, name: externalId, parentId },
    });
    expect(r.statusCode).toBe(201);
  }
});

const write = (url: string, payload: object, k = key(), scope: 'write' | 'admin' = 'write') =>
  api.call(scope === 'admin' ? api.a.admin : api.a.write, {
    method: 'POST',
    url,
    payload,
    headers: { 'idempotency-key': k },
  });
const wallet = async (account: string, unit = 'points') => {
  const r = await api.call(api.a.read, { method: 'GET', url: `/v1/accounts/${account}/wallets` });
  expect(r.statusCode).toBe(200);
  return r.json().data.find((w: { unit: string }) => w.unit === unit);
};
const verify = async () => expect(await api.services.ledger.verify(api.a.programId)).toEqual([]);

describe('ledger', () => {
  it('credits, debits and explains each line with a running balance', async () => {
    const earn = await write('/v1/ledger/credits', {
      account: 'G1-A',
      amount: 500,
      reasonCode: 'purchase',
      explanation: 'Order 1001',
    });
    expect(earn.statusCode).toBe(201);
    const redeem = await write('/v1/ledger/debits', {
      account: 'G1-A',
      amount: 120,
      reasonCode: 'gift',
      explanation: 'Gift card',
    });
    expect(redeem.statusCode).toBe(201);
    expect(await wallet('G1-A')).toMatchObject({
      available: 380,
      net: 380,
      lifetime: { earned: 500, redeemed: 120, expired: 0 },
    });
    const history = await api.call(api.a.read, {
      method: 'GET',
      url: '/v1/accounts/G1-A/wallets/points/history',
    });
    expect(
      history
        .json()
        .data.map((l: { amount: number; balanceAfter: number; explanation: string }) => [
          l.amount,
          l.balanceAfter,
          l.explanation,
        ]),
    ).toEqual([
      [-120, 380, 'Gift card'],
      [500, 500, 'Order 1001'],
    ]);
    await verify();
  });

  it('refuses an overdraft and changes nothing', async () => {
    const r = await write('/v1/ledger/debits', {
      account: 'G1-A',
      amount: 381,
      reasonCode: 'gift',
      explanation: 'Too much',
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().code).toBe('insufficient_balance');
    expect((await wallet('G1-A')).available).toBe(380);
  });

  it('replays a key and refuses the key with other content', async () => {
    const k = key();
    const first = await write(
      '/v1/ledger/credits',
      { account: 'G2', amount: 10, reasonCode: 'bonus', explanation: 'x' },
      k,
    );
    const again = await write(
      '/v1/ledger/credits',
      { account: 'G2', amount: 10, reasonCode: 'bonus', explanation: 'x' },
      k,
    );
    expect(first.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    expect((await wallet('G2')).available).toBe(10);
    const other = await write(
      '/v1/ledger/credits',
      { account: 'G2', amount: 11, reasonCode: 'bonus', explanation: 'x' },
      k,
    );
    expect(other.statusCode).toBe(422);
    expect((await wallet('G2')).available).toBe(10);
  });

  it('holds, captures and releases', async () => {
    const hold = await write('/v1/ledger/debits', {
      account: 'G1-A',
      amount: 80,
      hold: true,
      reasonCode: 'gift',
      explanation: 'Hold',
    });
    expect(hold.statusCode).toBe(201);
    expect(await wallet('G1-A')).toMatchObject({ available: 300, held: 80 });
    const release = await write(`/v1/ledger/entries/${hold.json().id}/void`, {});
    expect(release.statusCode).toBe(201);
    expect(await wallet('G1-A')).toMatchObject({ available: 380, held: 0 });
    const again = await write(`/v1/ledger/entries/${hold.json().id}/post`, {});
    expect(again.statusCode).toBe(409);
    const hold2 = await write('/v1/ledger/debits', {
      account: 'G1-A',
      amount: 80,
      hold: true,
      reasonCode: 'gift',
      explanation: 'Hold 2',
    });
    const capture = await write(`/v1/ledger/entries/${hold2.json().id}/post`, {});
    expect(capture.statusCode).toBe(201);
    expect(await wallet('G1-A')).toMatchObject({ available: 300, held: 0, lifetime: { redeemed: 200 } });
    await verify();
  });

  it('keeps pending credits visible but not spendable until posted', async () => {
    const pending = await write('/v1/ledger/credits', {
      account: 'G1-B',
      amount: 70,
      pending: true,
      reasonCode: 'purchase',
      explanation: 'Return window',
    });
    expect(await wallet('G1-B')).toMatchObject({ available: 0, pending: 70 });
    const spend = await write('/v1/ledger/debits', {
      account: 'G1-B',
      amount: 1,
      reasonCode: 'gift',
      explanation: 'x',
    });
    expect(spend.statusCode).toBe(422);
    await write(`/v1/ledger/entries/${pending.json().id}/post`, {});
    expect(await wallet('G1-B')).toMatchObject({ available: 70, pending: 0 });
    await verify();
  });

  it('reverses a spent credit into debt that later credits settle', async () => {
    const earn = await write('/v1/ledger/credits', {
      account: 'G2',
      amount: 100,
      reasonCode: 'purchase',
      explanation: 'Order 7',
    });
    await write('/v1/ledger/debits', { account: 'G2', amount: 90, reasonCode: 'gift', explanation: 'Spent' });
    const back = await write(`/v1/ledger/entries/${earn.json().id}/reverse`, {
      reasonCode: 'return',
      explanation: 'Order 7 returned',
    });
    expect(back.statusCode).toBe(201);
    expect(await wallet('G2')).toMatchObject({ available: 0, debt: 80, net: -80 });
    const tooMuch = await write(`/v1/ledger/entries/${earn.json().id}/reverse`, {
      amount: 1,
      reasonCode: 'return',
      explanation: 'again',
    });
    expect(tooMuch.json().code).toBe('reversal_exceeds_entry');
    await write('/v1/ledger/credits', {
      account: 'G2',
      amount: 100,
      reasonCode: 'purchase',
      explanation: 'Order 8',
    });
    expect(await wallet('G2')).toMatchObject({ available: 20, debt: 0, net: 20 });
    await verify();
  });

  it('transfers within a group, keeping expiry, and not across groups', async () => {
    const ok = await write('/v1/ledger/transfers', {
      from: 'G1-A',
      to: 'G1-B',
      amount: 50,
      reasonCode: 'pool',
      explanation: 'To site B',
    });
    expect(ok.statusCode).toBe(201);
    expect((await wallet('G1-B')).available).toBe(120);
    const across = await write('/v1/ledger/transfers', {
      from: 'G1-A',
      to: 'G2',
      amount: 5,
      reasonCode: 'pool',
      explanation: 'x',
    });
    expect(across.json().code).toBe('transfer_not_allowed');
    await verify();
  });

  it('expires due lots once, however often and late the job runs', async () => {
    await write('/v1/ledger/credits', {
      account: 'G2',
      amount: 15,
      reasonCode: 'bonus',
      explanation: 'Short-lived',
      expiresAt: '2026-01-01T00:00:00Z',
      effectiveAt: '2025-06-01T00:00:00Z',
    });
    const before = (await wallet('G2')).available;
    const run1 = await api.services.ledger.runDue(api.a.programId, new Date('2026-01-02T00:00:00Z'));
    const run2 = await api.services.ledger.runDue(api.a.programId, new Date('2026-02-02T00:00:00Z'));
    expect(run1.expired).toBe(1);
    expect(run2.expired).toBe(0);
    expect((await wallet('G2')).available).toBe(before - 15);
    const balance = await api.call(api.a.read, {
      method: 'GET',
      url: '/v1/accounts/G2/wallets/points/balance?asOf=2025-12-31T00:00:00Z',
    });
    expect(balance.statusCode).toBe(200);
    await verify();
  });

  it('audits manual adjustments and reports liability', async () => {
    const adj = await write(
      '/v1/ledger/adjustments',
      { account: 'G2', amount: -5, reasonCode: 'correction', explanation: 'Typo' },
      key(),
      'admin',
    );
    expect(adj.statusCode).toBe(201);
    const audit = await api.call(api.a.admin, { method: 'GET', url: '/v1/audit?action=ledger.adjust' });
    expect(audit.json().data).toHaveLength(1);
    const report = await api.call(api.a.read, { method: 'GET', url: '/v1/reports/liability' });
    expect(report.statusCode).toBe(200);
    const points = report.json().units.find((u: { unit: string }) => u.unit === 'points');
    const wallets = await Promise.all(['G1', 'G1-A', 'G1-B', 'G2'].map((a) => wallet(a)));
    expect(points.outstanding).toBe(wallets.reduce((s, w) => s + (w?.net ?? 0), 0));
    await verify();
  });
});

describe('points activity report', () => {
  it('lists every day of the window, oldest first, with the points earned and redeemed that day', async () => {
    const read = async (days?: number) => {
      const r = await api.call(api.a.read, {
        method: 'GET',
        url: `/v1/reports/points-activity${days ? `?days=${days}` : ''}`,
      });
      expect(r.statusCode).toBe(200);
      return r.json() as { days: { day: string; issued: number; redeemed: number }[] };
    };
    const before = await read();
    expect(before.days).toHaveLength(30);
    const days = before.days.map((d) => d.day);
    expect([...days].sort()).toEqual(days);
    expect(new Set(days).size).toBe(30);
    expect(
      (
        await write('/v1/ledger/credits', {
          account: 'G2',
          amount: 37,
          reasonCode: 'purchase',
          explanation: 'A',
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (await write('/v1/ledger/debits', { account: 'G2', amount: 11, reasonCode: 'gift', explanation: 'B' }))
        .statusCode,
    ).toBe(201);
    // A manual adjustment is neither earned nor redeemed.
    expect(
      (
        await write(
          '/v1/ledger/adjustments',
          { account: 'G2', amount: 5, reasonCode: 'correction', explanation: 'C' },
          key(),
          'admin',
        )
      ).statusCode,
    ).toBe(201);
    const after = await read();
    const today = (r: typeof after) => r.days.at(-1)!;
    expect(today(after).issued - today(before).issued).toBe(37);
    expect(today(after).redeemed - today(before).redeemed).toBe(11);
    expect((await read(7)).days).toHaveLength(7);
    const bad = await api.call(api.a.read, { method: 'GET', url: '/v1/reports/points-activity?days=0' });
    expect(bad.statusCode).toBe(400);
  });
});

describe('ledger batch', () => {
  it('writes good items together and reports a bad one alone', async () => {
    const r = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/ledger/batch',
      headers: { 'idempotency-key': key() },
      payload: {
        items: [
          {
            op: 'credit',
            key: 'b-1',
            account: 'G1',
            amount: 30,
            reasonCode: 'purchase',
            explanation: 'Batch 1',
          },
          {
            op: 'debit',
            key: 'b-2',
            account: 'G1',
            amount: 1000,
            reasonCode: 'gift',
            explanation: 'Too much',
          },
          { op: 'debit', key: 'b-3', account: 'G1', amount: 10, reasonCode: 'gift', explanation: 'Fine' },
          {
            op: 'credit',
            key: 'b-4',
            account: 'NOPE',
            amount: 5,
            reasonCode: 'purchase',
            explanation: 'Unknown account',
          },
        ],
      },
    });
    expect(r.statusCode).toBe(200);
    const results = r.json().results;
    expect(results.map((x: { ok: boolean; code?: string }) => x.ok || x.code)).toEqual([
      true,
      'insufficient_balance',
      true,
      'account_not_found',
    ]);
    expect((await wallet('G1')).available).toBe(20);
    // Replaying the batch changes nothing and answers the same entries.
    const again = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/ledger/batch',
      headers: { 'idempotency-key': key() },
      payload: {
        items: [
          {
            op: 'credit',
            key: 'b-1',
            account: 'G1',
            amount: 30,
            reasonCode: 'purchase',
            explanation: 'Batch 1',
          },
        ],
      },
    });
    expect(again.json().results[0]).toMatchObject({
      ok: true,
      replayed: true,
      entry: { id: results[0].entry.id },
    });
    expect((await wallet('G1')).available).toBe(20);
    await verify();
  });

  it('verify names postings to a wallet that does not exist (postings have no foreign key to wallets)', async () => {
    const earn = await write('/v1/ledger/credits', {
      account: 'G2',
      amount: 7,
      reasonCode: 'purchase',
      explanation: 'Order 7',
    });
    expect(earn.statusCode).toBe(201);
    const entryId = earn.json().id as string;
    // A balanced pair to a wallet nobody created: only the missing wallet is wrong.
    await api.database.db.execute(sql`insert into ledger_postings
      (program_id, entry_id, seq, wallet_id, unit, amount, effective_at) values
      (${api.a.programId}, ${entryId}, 90, 'wal_missing', 'points', 5, now()),
      (${api.a.programId}, ${entryId}, 91, 'wal_missing', 'points', -5, now())`);
    expect(await api.services.ledger.verify(api.a.programId)).toEqual([
      'postings name wallet wal_missing, which does not exist',
    ]);
    // Postings are immutable: the wallet is made to exist instead (a system wallet: verify checks
    // member wallets' counters only), and the ledger is consistent again.
    await api.database.db.execute(sql`insert into wallets (program_id, id, system_code, unit)
      values (${api.a.programId}, 'wal_missing', 'adjustment', 'JPY')`);
    await verify();
  });
});
