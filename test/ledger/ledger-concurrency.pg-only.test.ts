// Ledger races that only a real multi-connection PostgreSQL can show (PGlite has one connection):
// every request below runs on the test database's pool of 20 connections at the same time.

import { type SQL, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { FidelisError } from '../../src/core/errors.ts';
import { selectRows } from '../../src/db/client.ts';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let programId: string;
let seq = 0;
const unique = (prefix: string) => `${prefix}-${++seq}`;
const DAY = 86_400_000;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
  programId = api.a.programId;
});

const rows = <T>(query: SQL) => selectRows<T>(api.database.db, query);

const write = (url: string, payload: object, key = unique('k')) =>
  api.call(api.a.write, { method: 'POST', url, payload, headers: { 'idempotency-key': key } });

async function newAccount(prefix: string, parentId?: string, program = programId): Promise<string> {
  const externalId = unique(prefix);
  return (await api.services.accounts.create(program, { externalId, name: externalId, parentId }, FIXTURE))
    .id;
}

async function credit(accountId: string, amount: number, extra: object = {}, program = programId) {
  return api.services.ledger.credit(program, {
    key: unique('seed'),
    account: accountId,
    amount,
    reasonCode: 'seed',
    explanation: 'Opening balance',
    ...extra,
  });
}

async function walletOf(accountId: string, program = programId) {
  const [w] = await api.services.ledger.summary(program, accountId);
  return w!;
}

/** The wallet's lots left and what the journal says it holds, straight from the tables. */
async function tableTotals(walletId: string) {
  const [r] = await rows<{ lots: string | null; postings: string | null }>(sql`
    select (select sum(remaining) from ledger_lots where program_id = ${programId} and wallet_id = ${walletId}) as lots,
           (select sum(amount) from ledger_postings where program_id = ${programId} and wallet_id = ${walletId}) as postings`);
  return { lots: Number(r?.lots ?? 0), postings: Number(r?.postings ?? 0) };
}

const codeOf = (reason: unknown) => (reason instanceof FidelisError ? reason.code : String(reason));
/** A service failure labelled like its HTTP answer ("422 insufficient_balance"). */
const labelOf = (reason: unknown) =>
  reason instanceof FidelisError ? `${reason.status} ${reason.code}` : `error ${String(reason)}`;
const expectSound = async (program = programId) =>
  expect(await api.services.ledger.verify(program)).toEqual([]);

function statusCount(responses: LightMyRequestResponse[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of responses) {
    const label = r.statusCode >= 400 ? `${r.statusCode} ${r.json().code}` : String(r.statusCode);
    out[label] = (out[label] ?? 0) + 1;
  }
  return out;
}

describe('concurrent debits', () => {
  const debitRound = async (viaHttp: boolean) => {
    const accountId = await newAccount('DEBIT');
    await credit(accountId, 100);
    // Every answer by label: "201", "422 insufficient_balance", or whatever else went wrong.
    let answers: string[];
    if (viaHttp) {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          write('/v1/ledger/debits', {
            account: accountId,
            amount: 10,
            reasonCode: 'gift',
            explanation: `Debit ${i}`,
          }),
        ),
      );
      answers = responses.map((r) =>
        r.statusCode >= 400 ? `${r.statusCode} ${r.json().code}` : String(r.statusCode),
      );
      expect(responses.filter((r) => r.statusCode === 201).map((r) => r.json().amount)).toEqual(
        Array.from({ length: answers.filter((a) => a === '201').length }, () => 10),
      );
    } else {
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          api.services.ledger.debit(programId, {
            key: unique('debit'),
            account: accountId,
            amount: 10,
            reasonCode: 'gift',
            explanation: `Debit ${i}`,
          }),
        ),
      );
      answers = results.map((r) => (r.status === 'fulfilled' ? '201' : labelOf(r.reason)));
    }
    const ok = answers.filter((a) => a === '201').length;
    const refused = answers.filter((a) => a === '422 insufficient_balance').length;
    const others = answers.filter((a) => a !== '201' && a !== '422 insufficient_balance');
    const w = await walletOf(accountId);
    const redeemed = await rows<{ n: string; total: string | null }>(sql`
      select count(*) as n, sum(amount) as total from ledger_entries
       where program_id = ${programId} and wallet_id = ${w.walletId} and type = 'redeem'`);
    return {
      ok,
      refused,
      others,
      available: w.available,
      balance: w.available + w.held,
      redeemed: Number(redeemed[0]!.total ?? 0),
      entries: Number(redeemed[0]!.n),
      tables: await tableTotals(w.walletId),
    };
  };
  const exact = {
    ok: 10,
    refused: 40,
    others: [],
    available: 0,
    balance: 0,
    redeemed: 100,
    entries: 10,
    tables: { lots: 0, postings: 0 },
  };

  it('lets exactly 10 of 50 concurrent debits of 10 through a balance of 100 (HTTP, 10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      expect(await debitRound(true), `round ${round}`).toEqual(exact);
      await expectSound();
    }
  });

  it('never overdraws in 100 rounds of 50 concurrent debits (service)', async () => {
    // An overdraft would show as an 11th success, a balance below 0 or more than 100 redeemed.
    for (let round = 0; round < 100; round++) {
      expect(await debitRound(false), `round ${round}`).toEqual(exact);
      await expectSound();
    }
  }, 120_000);
});

describe('concurrent replays of one key', () => {
  const body = (accountId: string) => ({
    account: accountId,
    amount: 77,
    reasonCode: 'purchase',
    explanation: 'Order 4711',
  });
  const entriesWithKey = async (key: string) =>
    rows<{ id: string }>(
      sql`select id from ledger_entries where program_id = ${programId} and idempotency_key = ${key}`,
    );

  it('writes one entry for 20 simultaneous HTTP retries with one Idempotency-Key', async () => {
    const accountId = await newAccount('REPLAY');
    const key = unique('replay');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => write('/v1/ledger/credits', body(accountId), key)),
    );
    const ok = responses.filter((r) => r.statusCode === 201 || r.statusCode === 200);
    const others = responses.filter((r) => !ok.includes(r));
    // The first gets 201; the others wait for nothing: a replay of the stored answer or 409 in flight.
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(others.map((r) => `${r.statusCode} ${r.json().code}`)).toEqual(
      others.map(() => '409 idempotency_key_in_flight'),
    );
    expect(new Set(ok.map((r) => r.json().id)).size).toBe(1);
    const entries = await entriesWithKey(`api:${key}`);
    expect(entries.map((e) => e.id)).toEqual([ok[0]!.json().id]);
    expect((await walletOf(accountId)).available).toBe(77);
    // Once the dust settles every retry gets the first answer and changes nothing.
    const again = await write('/v1/ledger/credits', body(accountId), key);
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(entries[0]!.id);
    expect((await walletOf(accountId)).available).toBe(77);
    await expectSound();
  });

  it('writes one entry for 20 simultaneous ledger writes with one key (service, no HTTP layer)', async () => {
    const accountId = await newAccount('REPLAY');
    const key = unique('replay');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => api.services.ledger.credit(programId, { key, ...body(accountId) })),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.entry.id)).size).toBe(1);
    expect((await entriesWithKey(key)).map((e) => e.id)).toEqual([results[0]!.entry.id]);
    expect((await walletOf(accountId)).available).toBe(77);
    // A debit key raced with different content: one movement wins, the rest replay it or are refused.
    const debitKey = unique('replay-debit');
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        api.services.ledger.debit(programId, {
          key: debitKey,
          account: accountId,
          amount: i % 2 === 0 ? 7 : 8,
          reasonCode: 'gift',
          explanation: 'Gift',
        }),
      ),
    );
    const written = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const refused = settled.flatMap((s) => (s.status === 'rejected' ? [codeOf(s.reason)] : []));
    expect(written.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(written.map((r) => r.entry.id)).size).toBe(1);
    expect(refused).toEqual(refused.map(() => 'idempotency_key_reused'));
    expect(written.length + refused.length).toBe(20);
    const amount = written[0]!.entry.amount;
    expect(written.length).toBe(10); // the ten with the winner's amount
    expect((await entriesWithKey(debitKey)).map((e) => e.id)).toEqual([written[0]!.entry.id]);
    expect((await walletOf(accountId)).available).toBe(77 - amount);
    await expectSound();
  });
});

describe('concurrent holds and resolutions', () => {
  it('resolves each hold once when it is captured and released at the same time', async () => {
    for (let round = 0; round < 3; round++) {
      const accountId = await newAccount('HOLD');
      // Three lots with different expiries, so holds take and give back parts of several lots.
      await credit(accountId, 100, { expiresAt: new Date(Date.now() + 400 * DAY) });
      await credit(accountId, 100, { expiresAt: new Date(Date.now() + 200 * DAY) });
      await credit(accountId, 50, { expiresAt: null });
      const holds = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          write('/v1/ledger/debits', {
            account: accountId,
            amount: 10,
            hold: true,
            reasonCode: 'gift',
            explanation: `Hold ${i}`,
          }),
        ),
      );
      expect(statusCount(holds)).toEqual({ '201': 25, '422 insufficient_balance': 5 });
      expect(await walletOf(accountId)).toMatchObject({ available: 0, held: 250 });
      const placed = holds.filter((h) => h.statusCode === 201).map((h) => h.json().id as string);
      const races = await Promise.all(
        placed.map(async (id) => {
          const [posted, voided] = await Promise.all([
            write(`/v1/ledger/entries/${id}/post`, {}),
            write(`/v1/ledger/entries/${id}/void`, {}),
          ]);
          return { id, posted, voided };
        }),
      );
      let captured = 0;
      for (const { posted, voided } of races) {
        const statuses = [posted.statusCode, voided.statusCode].sort();
        expect(statuses).toEqual([201, 409]);
        const loser = posted.statusCode === 409 ? posted : voided;
        expect(loser.json().code).toBe('entry_not_open');
        if (posted.statusCode === 201) captured++;
      }
      const resolutions = await rows<{ related: string; n: string }>(sql`
        select related_entry_id as related, count(*) as n from ledger_entries
         where program_id = ${programId} and phase in ('post', 'void') and related_entry_id in ${placed}
         group by related_entry_id`);
      expect(resolutions).toHaveLength(25);
      expect(resolutions.every((r) => Number(r.n) === 1)).toBe(true);
      const w = await walletOf(accountId);
      expect(w).toMatchObject({ held: 0, available: 250 - 10 * captured, debt: 0 });
      expect(w.lifetime.redeemed).toBe(10 * captured);
      expect(await tableTotals(w.walletId)).toEqual({ lots: w.available, postings: w.available });
    }
    await expectSound();
  });
});

describe('system wallets created by racing writes', () => {
  it("creates a program's system wallets on first use without deadlocking their first users", async () => {
    // Regression: a credit used to create the issuance (or adjustment) wallet before locking the
    // member wallet, while posting a pending credit (or an adjusting debit) did the opposite.
    for (let round = 0; round < 30; round++) {
      const program = (
        await api.services.programs.create(
          { name: `Fresh ${round}`, baseCurrency: 'EUR', timeZone: 'UTC' },
          FIXTURE,
        )
      ).id;
      const accountId = await newAccount('FRESH', undefined, program);
      const pending = await credit(accountId, 10, { pending: true }, program);
      const movement = <T extends 'earn' | 'adjust'>(type: T, amount: number) => ({
        key: unique('fresh'),
        account: accountId,
        amount,
        type,
        reasonCode: 'fresh',
        explanation: 'First use',
      });
      const first = await Promise.allSettled([
        api.services.ledger.resolve(program, pending.entry.id, 'post', { key: unique('fresh-post') }),
        api.services.ledger.credit(program, movement('earn', 5)),
      ]);
      const second = await Promise.allSettled([
        api.services.ledger.credit(program, movement('adjust', 7)),
        api.services.ledger.debit(program, movement('adjust', 3)),
      ]);
      expect([...first, ...second].map((r) => (r.status === 'fulfilled' ? 'ok' : labelOf(r.reason)))).toEqual(
        ['ok', 'ok', 'ok', 'ok'],
      );
      expect(await walletOf(accountId, program)).toMatchObject({ available: 19, pending: 0 });
      await expectSound(program);
    }
  });
});

describe('concurrent opposite transfers', () => {
  it('moves units both ways between two wallets without deadlocks or lost units', async () => {
    const group = await newAccount('GROUP');
    const a = await newAccount('SITE-A', group);
    const b = await newAccount('SITE-B', group);
    for (const [accountId, days] of [
      [a, 100],
      [a, 300],
      [b, 200],
      [b, 400],
    ] as const) {
      await credit(accountId, 250, { expiresAt: new Date(Date.now() + days * DAY) });
    }
    await credit(a, 100, { expiresAt: null });
    const total = 1100;
    const outcome: Record<string, number> = {};
    for (let round = 0; round < 12; round++) {
      const responses = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          write('/v1/ledger/transfers', {
            from: i % 2 === 0 ? a : b,
            to: i % 2 === 0 ? b : a,
            amount: 1 + ((round * 16 + i) % 5) * 37,
            reasonCode: 'pool',
            explanation: `Round ${round} transfer ${i}`,
          }),
        ),
      );
      for (const [label, n] of Object.entries(statusCount(responses)))
        outcome[label] = (outcome[label] ?? 0) + n;
    }
    // Only successes or a plain refusal: never a 500 (deadlock, serialization or constraint error).
    expect(Object.keys(outcome).filter((k) => k !== '201' && k !== '422 insufficient_balance')).toEqual([]);
    expect(outcome['201']).toBeGreaterThan(120);
    const [wa, wb] = [await walletOf(a), await walletOf(b)];
    expect(wa.available + wb.available).toBe(total);
    expect(wa.held + wb.held + wa.debt + wb.debt).toBe(0);
    expect(await tableTotals(wa.walletId)).toEqual({ lots: wa.available, postings: wa.available });
    expect(await tableTotals(wb.walletId)).toEqual({ lots: wb.available, postings: wb.available });
    // Expiry travels with the units: what expires within 400 days is still the 1,000 of dated lots.
    expect(wa.expiring.in90Days + wb.expiring.in90Days).toBe(0);
    const dated = await rows<{ total: string }>(sql`
      select sum(remaining) as total from ledger_lots
       where program_id = ${programId} and wallet_id in (${wa.walletId}, ${wb.walletId}) and expires_at is not null`);
    expect(Number(dated[0]!.total)).toBe(1000);
    await expectSound();
  });
});

describe('the expiry and time-out job run by several callers at once', () => {
  const program = () => api.b.programId;

  /** Due lots, timed-out holds and pending credits past their date, on fresh accounts of program b. */
  async function dueWork() {
    const now = Date.now();
    const lots: number[] = [];
    const lotAccounts: string[] = [];
    for (let i = 0; i < 10; i++) {
      const accountId = await newAccount('EXP', undefined, program());
      lotAccounts.push(accountId);
      for (let j = 0; j < 4; j++) {
        const amount = 10 + i + j;
        lots.push(amount);
        await credit(
          accountId,
          amount,
          { expiresAt: new Date(now - (j + 1) * DAY), effectiveAt: new Date(now - 30 * DAY) },
          program(),
        );
      }
      // Not due yet: must stay.
      await credit(accountId, 5, { expiresAt: new Date(now + 30 * DAY) }, program());
    }
    const holders: string[] = [];
    for (let i = 0; i < 6; i++) {
      const accountId = await newAccount('HOLDER', undefined, program());
      holders.push(accountId);
      await credit(accountId, 100, { expiresAt: null }, program());
      for (let j = 0; j < 3; j++) {
        await api.services.ledger.debit(program(), {
          key: unique('due-hold'),
          account: accountId,
          amount: 20,
          hold: true,
          holdUntil: new Date(now - DAY),
          reasonCode: 'gift',
          explanation: 'Timed-out hold',
        });
        await credit(accountId, 15, { pendingUntil: new Date(now - DAY), expiresAt: null }, program());
      }
    }
    return { asOf: new Date(now), lots, lotAccounts, holders };
  }

  async function expectDoneOnce(work: Awaited<ReturnType<typeof dueWork>>) {
    const wallets = [...work.lotAccounts, ...work.holders];
    const perLot = await rows<{ lot: string; n: string; amount: string }>(sql`
      select a.lot_id as lot, count(*) as n, sum(a.amount) as amount
        from ledger_lot_allocations a
        join ledger_entries e on e.program_id = a.program_id and e.id = a.entry_id
       where a.program_id = ${program()} and e.type = 'expire' and e.account_id in ${work.lotAccounts}
       group by a.lot_id`);
    expect(perLot).toHaveLength(40);
    expect(perLot.every((l) => Number(l.n) === 1)).toBe(true);
    expect(perLot.map((l) => Number(l.amount)).sort((x, y) => x - y)).toEqual(
      [...work.lots].sort((x, y) => x - y),
    );
    const resolved = await rows<{ related: string; n: string }>(sql`
      select related_entry_id as related, count(*) as n from ledger_entries
       where program_id = ${program()} and phase in ('post', 'void') and account_id in ${wallets}
       group by related_entry_id`);
    expect(resolved).toHaveLength(36);
    expect(resolved.every((r) => Number(r.n) === 1)).toBe(true);
    for (const accountId of work.holders) {
      expect(await walletOf(accountId, program())).toMatchObject({ available: 145, held: 0, pending: 0 });
    }
    for (const [i, accountId] of work.lotAccounts.entries()) {
      const w = await walletOf(accountId, program());
      expect(w).toMatchObject({ available: 5, held: 0 });
      expect(w.lifetime.expired).toBe(4 * (10 + i) + 6);
    }
    // Late or repeated runs find nothing left to do.
    const again = await Promise.all(
      Array.from({ length: 4 }, () => api.services.ledger.runDue(program(), work.asOf)),
    );
    expect(again).toEqual(again.map(() => ({ expired: 0, posted: 0, voided: 0 })));
    await expectSound(program());
  }

  const sum = (runs: Array<Record<'expired' | 'posted' | 'voided', number>>) => ({
    expired: runs.reduce((s, r) => s + r.expired, 0),
    posted: runs.reduce((s, r) => s + r.posted, 0),
    voided: runs.reduce((s, r) => s + r.voided, 0),
  });

  it('expires each due lot, and resolves each due hold and pending credit, exactly once', async () => {
    const work = await dueWork();
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => api.services.ledger.runDue(program(), work.asOf)),
    );
    expect(sum(runs)).toEqual({ expired: 40, posted: 18, voided: 18 });
    await expectDoneOnce(work);
  });

  it('does the same when the callers page through the work in small batches', async () => {
    const work = await dueWork();
    const runs = await Promise.all(
      [3, 5, 7, 11].map((batch) => api.services.ledger.runDue(program(), work.asOf, batch)),
    );
    expect(sum(runs)).toEqual({ expired: 40, posted: 18, voided: 18 });
    await expectDoneOnce(work);
  });
});

describe('batches touching the same wallets in opposite order (PostgreSQL)', () => {
  it('all commit: a deadlock is retried, never answered as a failure', async () => {
    const services = api.services;
    const programId = api.a.programId;
    const x = await services.accounts.create(programId, { name: 'Batch X' }, FIXTURE);
    const y = await services.accounts.create(programId, { name: 'Batch Y' }, FIXTURE);
    const item = (key: string, account: string) => ({
      op: 'credit' as const,
      key,
      account,
      amount: 1,
      reasonCode: 'purchase',
      explanation: 'Opposite batches',
    });
    // Each deadlock costs PostgreSQL's deadlock_timeout (1 s) to detect: a few rounds suffice.
    for (let round = 0; round < 5; round++) {
      const [first, second] = await Promise.all([
        services.ledger.batch(programId, [item(`xy-${round}-1`, x.id), item(`xy-${round}-2`, y.id)]),
        services.ledger.batch(programId, [item(`yx-${round}-1`, y.id), item(`yx-${round}-2`, x.id)]),
      ]);
      expect([...first, ...second].every((r) => r.ok)).toBe(true);
    }
    const balances = await Promise.all([x.id, y.id].map((id) => services.ledger.summary(programId, id)));
    expect(balances.map((w) => w[0]?.available)).toEqual([10, 10]);
    expect(await services.ledger.verify(programId)).toEqual([]);
  });
});
