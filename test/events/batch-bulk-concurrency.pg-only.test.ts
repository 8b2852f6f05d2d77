// The bulk batch path (ingestBatch → writeAll → earnMany → ledger.creditFresh) under real
// concurrency: several batches at once, against single ingests and against the ledger's one-wallet-
// at-a-time writers (debits, transfers), on pooled group wallets. Every total is checked exactly:
// what the callers were told, what the tables hold and what the wallets say must all agree.
import { type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app/compose.ts';
import { FidelisError } from '../../src/core/errors.ts';
import { type Database, selectRows } from '../../src/db/client.ts';
import { pgError } from '../../src/db/errors.ts';
import type { BatchOutcome, EventInput, EventView } from '../../src/modules/events/events-service.ts';
import { FIXTURE } from '../support/actor.ts';
import { freshPostgres } from '../support/db.ts';

let database: Database;
let services: Services;
let n = 0;

beforeAll(async () => {
  ({ database } = await freshPostgres(20));
  expect(database.driver).toBe('postgres');
  services = createServices(database);
});

/**
 * Deadlocks PostgreSQL reported to this process's connections. The services retry them inside
 * (callers never see them), so only counting what the driver hears shows whether the lock order
 * holds: every writer below locks wallets in id order, so with the wallets already there, none
 * should happen at all.
 */
let deadlocks = 0;
const clientProto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const originalQuery = clientProto.query;
const noteDeadlock = (error: unknown) => {
  if (error && pgError(error).code === '40P01') deadlocks++;
};
clientProto.query = function (this: unknown, ...args: unknown[]) {
  const last = args.at(-1);
  if (typeof last === 'function') {
    args[args.length - 1] = (error: unknown, ...rest: unknown[]) => {
      noteDeadlock(error);
      return last(error, ...rest);
    };
    return originalQuery.apply(this, args);
  }
  const result = originalQuery.apply(this, args);
  if (result instanceof Promise) result.then(undefined, noteDeadlock);
  return result;
};
afterAll(() => {
  clientProto.query = originalQuery;
});

const rows = <T>(query: SQL) => selectRows<T>(database.db, query);
const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function program(settings: Record<string, object> = {}) {
  return (
    await services.programs.create(
      {
        name: `Bulk ${++n}`,
        baseCurrency: 'EUR',
        timeZone: 'Europe/Amsterdam',
        settings,
      },
      FIXTURE,
    )
  ).id;
}

async function account(programId: string, externalId: string, parentId?: string) {
  return (await services.accounts.create(programId, { externalId, name: externalId, parentId }, FIXTURE)).id;
}

async function rule(programId: string, document: object) {
  return (
    await services.rules.create(
      programId,
      {
        document: document as never,
        effectiveFrom: new Date('2026-01-01T00:00:00Z'),
      },
      FIXTURE,
    )
  ).id;
}

const purchase = (id: string, accountRef: string, occurredAt: string, amount = '10.00'): EventInput => ({
  id,
  type: 'purchase',
  account: accountRef,
  occurredAt,
  amount,
  currency: 'EUR',
});

/** A rejected call labelled like its HTTP answer ("422 insufficient_balance"), or the raw error. */
const labelOf = (reason: unknown) =>
  reason instanceof FidelisError
    ? `${reason.status} ${reason.code}`
    : `error ${pgError(reason).code ?? ''} ${String(reason).split('\n')[0]}`;

const settledLabel = (s: PromiseSettledResult<unknown>) =>
  s.status === 'fulfilled' ? 'ok' : labelOf(s.reason);

type Ingested = Awaited<ReturnType<Services['events']['ingest']>>;

/** The batch's outcomes, failing with every label when the batch call itself was refused. */
function outcomesOf(s: PromiseSettledResult<BatchOutcome[]>): BatchOutcome[] {
  expect(settledLabel(s)).toBe('ok');
  return (s as PromiseFulfilledResult<BatchOutcome[]>).value;
}

/** The events that a caller saw written for the first time (not replays), from batches and single ingests. */
function firstWrites(
  batches: Array<PromiseSettledResult<BatchOutcome[]>>,
  singles: Array<PromiseSettledResult<Ingested>> = [],
): EventView[] {
  const out: EventView[] = [];
  for (const b of batches) for (const o of outcomesOf(b)) if (o.ok && !o.replayed) out.push(o.event);
  for (const s of singles) if (s.status === 'fulfilled' && !s.value.replayed) out.push(s.value.event);
  return out;
}

/** Sum of the (non tier-credit) awards of `events`, optionally only those of one rule. */
function awarded(
  events: EventView[],
  ruleId?: string,
  filter: (pendingUntil: string | null) => boolean = () => true,
) {
  let sum = 0;
  for (const e of events)
    for (const a of e.result.awards)
      if (a.kind !== 'tier_credit' && (ruleId === undefined || a.ruleId === ruleId) && filter(a.pendingUntil))
        sum += a.amount;
  return sum;
}

async function awardsInTables(programId: string, ruleId?: string) {
  const [r] = await rows<{ total: string | null }>(sql`
    select sum(amount)::text as total from event_awards
     where program_id = ${programId} and (${ruleId ?? null}::text is null or rule_id = ${ruleId ?? null})`);
  return Number(r?.total ?? 0);
}

async function duplicateExternalIds(programId: string) {
  return rows<{ external_id: string; n: string }>(sql`
    select external_id, count(*)::text as n from events where program_id = ${programId}
     group by external_id having count(*) > 1`);
}

async function eventCount(programId: string) {
  const [r] = await rows<{ n: string }>(
    sql`select count(*)::text as n from events where program_id = ${programId}`,
  );
  return Number(r?.n);
}

describe('bulk batches on pooled wallets, racing debits and transfers', () => {
  it('credits each group wallet exactly what its accounts earned, less what was spent or moved', async () => {
    // Even rounds: two of the five group wallets are created in the race; odd rounds: all exist before.
    for (let round = 0; round < 4; round++) {
      const programId = await program({ ledger: { pooling: 'group', transfers: 'any' } });
      const perEur = await rule(programId, {
        name: 'Per EUR',
        trigger: { types: ['purchase'] },
        effects: [{ kind: 'per_amount', points: '1', per: '1' }],
      });
      const training = await rule(programId, {
        name: 'Training, pending',
        trigger: { types: ['training.completed'] },
        effects: [{ kind: 'fixed', points: 25 }],
        pendingDays: 30,
      });
      // 5 groups, each the top of 3 sites: 20 accounts, 4 to a wallet.
      const groupOf = new Map<string, string>();
      const groups: string[] = [];
      const refs: string[] = [];
      for (let g = 0; g < 5; g++) {
        const top = await account(programId, `G${g}`);
        groups.push(top);
        groupOf.set(top, top);
        refs.push(`G${g}`);
        for (let s = 0; s < 3; s++) {
          groupOf.set(await account(programId, `G${g}-S${s}`, top), top);
          refs.push(`G${g}-S${s}`);
        }
      }
      const idOf = new Map<string, string>();
      for (const ref of refs) idOf.set(ref, (await services.accounts.resolve(programId, ref)).id);
      // Some groups start with points, so the first debits can pass; in even rounds the other two
      // wallets are created in the race (by whichever writer comes first).
      const seeded = new Map<string, number>(groups.map((g) => [g, 0]));
      for (const g of round % 2 === 0 ? [0, 1, 2] : [0, 1, 2, 3, 4]) {
        await services.ledger.credit(programId, {
          key: `seed-${round}-${g}`,
          account: `G${g}-S0`,
          amount: 300,
          reasonCode: 'seed',
          explanation: 'Opening balance',
        });
        seeded.set(groups[g]!, 300);
      }

      // 4 batches of 150 events over the 20 accounts, two in reverse order. Batches 0 and 1 name
      // disjoint accounts (sites 0 and 1; the tops and sites 2), as do batches 2 and 3, so each pair
      // gets past the account locks together and meets at the 5 shared group wallets; every other
      // pair shares accounts too.
      const roles = [
        [1, 2],
        [0, 3],
        [1, 0],
        [2, 3],
      ];
      const batchInputs = Array.from({ length: 4 }, (_, b) => {
        const list = Array.from({ length: 150 }, (_, j): EventInput => {
          const ref = refs[(Math.floor(j / 2) % 5) * 4 + roles[b]![j % 2]!]!;
          const at = new Date(Date.UTC(2026, 3, 1 + (j % 20), 8, j % 60)).toISOString();
          return j % 5 === 4
            ? { id: `r${round}-b${b}-${j}`, type: 'training.completed', account: ref, occurredAt: at }
            : purchase(
                `r${round}-b${b}-${j}`,
                ref,
                at,
                `${(j % 40) + 1}.${String(j % 100).padStart(2, '0')}`,
              );
        });
        return b % 2 === 1 ? list.reverse() : list;
      });
      const deadlocksBefore = deadlocks;
      const batches = batchInputs.map((inputs) => services.events.ingestBatch(programId, inputs));
      // Debits and transfers spread over the time the batches take, on the same accounts.
      const debits = Array.from({ length: 40 }, (_, i) => ({
        ref: refs[(i * 3) % 20]!,
        amount: 15 + (i % 4) * 5,
      }));
      const debitCalls = debits.map((d, i) =>
        later(i * 12).then(() =>
          services.ledger.debit(programId, {
            key: `debit-${round}-${i}`,
            account: idOf.get(d.ref)!,
            amount: d.amount,
            reasonCode: 'gift',
            explanation: `Gift ${i}`,
          }),
        ),
      );
      // Each transfer goes to a site of the next group (never the same wallet), both directions.
      const transfers = Array.from({ length: 20 }, (_, i) => {
        const from = refs[i]!;
        const g = Math.floor(i / 4);
        const to = refs[((i % 2 === 0 ? g + 1 : g + 4) % 5) * 4 + (i % 4)]!;
        return { from, to, amount: 10 + (i % 3) * 10 };
      });
      const transferCalls = transfers.map((t, i) =>
        later(i * 20 + 5).then(() =>
          services.ledger.transfer(programId, {
            key: `transfer-${round}-${i}`,
            from: t.from,
            to: t.to,
            amount: t.amount,
            reasonCode: 'move',
            explanation: `Move ${i}`,
          }),
        ),
      );
      const [batchSettled, debitSettled, transferSettled] = await Promise.all([
        Promise.allSettled(batches),
        Promise.allSettled(debitCalls),
        Promise.allSettled(transferCalls),
      ]);

      // Every batch answers, every event in it lands once and is not a replay.
      expect(batchSettled.map(settledLabel), `round ${round}`).toEqual(['ok', 'ok', 'ok', 'ok']);
      for (const [b, s] of batchSettled.entries()) {
        const outcomes = outcomesOf(s);
        expect(
          outcomes.filter((o) => !o.ok),
          `round ${round} batch ${b}`,
        ).toEqual([]);
        expect(outcomes.filter((o) => o.ok && o.replayed)).toEqual([]);
        expect(outcomes.map((o) => (o.ok ? o.event.id : o.id))).toEqual(batchInputs[b]!.map((i) => i.id));
      }
      // Debits and transfers pass or are refused for the balance, nothing else (no deadlock surfaces).
      const allowed = new Set(['ok', '422 insufficient_balance']);
      expect(
        [...debitSettled, ...transferSettled].map(settledLabel).filter((l) => !allowed.has(l)),
        `round ${round}`,
      ).toEqual([]);

      const events = firstWrites(batchSettled);
      expect(events).toHaveLength(600);
      expect(await eventCount(programId)).toBe(600);
      expect(await duplicateExternalIds(programId)).toEqual([]);

      const expected = new Map(
        groups.map((g) => [
          g,
          { available: seeded.get(g)!, pending: 0, earned: seeded.get(g)!, redeemed: 0 },
        ]),
      );
      for (const e of events) {
        const w = expected.get(groupOf.get(e.accountId)!)!;
        const posted = awarded([e], undefined, (p) => p === null);
        w.available += posted;
        w.earned += posted;
        w.pending += awarded([e], undefined, (p) => p !== null);
      }
      let debited = 0;
      for (const [i, s] of debitSettled.entries()) {
        if (s.status !== 'fulfilled') continue;
        const w = expected.get(groupOf.get(idOf.get(debits[i]!.ref)!)!)!;
        expect(s.value.entry.amount).toBe(debits[i]!.amount);
        w.available -= debits[i]!.amount;
        w.redeemed += debits[i]!.amount;
        debited++;
      }
      let moved = 0;
      for (const [i, s] of transferSettled.entries()) {
        if (s.status !== 'fulfilled') continue;
        expected.get(groupOf.get(idOf.get(transfers[i]!.from)!)!)!.available -= transfers[i]!.amount;
        expected.get(groupOf.get(idOf.get(transfers[i]!.to)!)!)!.available += transfers[i]!.amount;
        moved++;
      }
      // The race must have had both sides: some debits and transfers through (seeded wallets).
      expect(debited, `round ${round}`).toBeGreaterThan(0);
      expect(moved, `round ${round}`).toBeGreaterThan(0);

      // What the callers were told is what the tables hold.
      expect(await awardsInTables(programId)).toBe(awarded(events));
      expect(awarded(events, perEur) + awarded(events, training)).toBe(awarded(events));
      expect(awarded(events, training)).toBe(120 * 25);

      for (const [g, want] of expected) {
        const wallets = await services.ledger.summary(programId, g);
        expect(wallets, `round ${round} group ${g}`).toHaveLength(1);
        expect(
          {
            available: wallets[0]!.available,
            pending: wallets[0]!.pending,
            held: wallets[0]!.held,
            debt: wallets[0]!.debt,
            earned: wallets[0]!.lifetime.earned,
            redeemed: wallets[0]!.lifetime.redeemed,
          },
          `round ${round} group ${g}`,
        ).toEqual({ ...want, held: 0, debt: 0 });
      }
      // Every site sees its group's one wallet.
      for (const ref of refs) {
        const [w] = await services.ledger.summary(programId, ref);
        expect(w?.ownerAccountId).toBe(groupOf.get(idOf.get(ref)!));
      }
      const [walletRows] = await rows<{ n: string }>(
        sql`select count(*)::text as n from wallets where program_id = ${programId} and account_id is not null`,
      );
      expect(Number(walletRows?.n)).toBe(5);
      expect(await services.ledger.verify(programId)).toEqual([]);
      // With every wallet in place, batches (all wallets, id order), transfers (two, id order) and
      // debits (one) cannot wait on each other in a circle.
      if (round % 2 === 1) expect(deadlocks - deadlocksBefore, 'deadlocks retried inside').toBe(0);
    }
  }, 60_000);
});

describe('the same event ids in concurrent batches', () => {
  it('stores each id once; same content replays it, other content is refused', async () => {
    const programId = await program();
    for (const ref of ['ACME', 'BETA', 'GAMMA']) await account(programId, ref);
    await rule(programId, {
      name: 'Per EUR',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    const at = (j: number) => new Date(Date.UTC(2026, 3, 2, 8, j % 60)).toISOString();
    const ids = Array.from({ length: 120 }, (_, j) => `dup-${j}`);
    const same = ids.map((id, j) => purchase(id, j % 2 === 0 ? 'ACME' : 'BETA', at(j), `${j + 1}.00`));
    // The third sends every id for another account and amount (so only the id locks stand between
    // it and the first two), plus new ids; the fourth every even id with another amount, every odd
    // id unchanged, plus new ids. Every content has its own amounts, so the stored amount tells
    // whose content won.
    const other = [
      ...ids.map((id, j) => purchase(id, 'GAMMA', at(j), `${j + 500}.00`)),
      ...Array.from({ length: 20 }, (_, j) => purchase(`own-g-${j}`, 'GAMMA', at(j), '3.00')),
    ];
    const mixed = [
      ...ids.map((id, j) =>
        j % 2 === 0 ? purchase(id, 'ACME', at(j), `${j + 900}.00`) : structuredClone(same[j]!),
      ),
      ...Array.from({ length: 20 }, (_, j) => purchase(`own-m-${j}`, 'BETA', at(j), '4.00')),
    ];
    const contents = [same, structuredClone(same), other, mixed];
    // Single ingests of the first ten ids, with the first content, at the same time as the batches.
    const [settled, singles] = await Promise.all([
      Promise.allSettled(contents.map((inputs) => services.events.ingestBatch(programId, inputs))),
      Promise.allSettled(
        same.slice(0, 10).map((input) => services.events.ingest(programId, structuredClone(input))),
      ),
    ]);
    expect(settled.map(settledLabel)).toEqual(['ok', 'ok', 'ok', 'ok']);

    expect(await eventCount(programId)).toBe(160);
    expect(await duplicateExternalIds(programId)).toEqual([]);
    const stored = new Map<string, EventView>();
    const owns = Array.from({ length: 20 }, (_, j) => [`own-g-${j}`, `own-m-${j}`]).flat();
    for (const id of [...ids, ...owns])
      stored.set(id, (await services.events.get(programId, id)) as EventView);

    // Per id: exactly one caller wrote it; a caller with the stored content got it back (same
    // event), a caller with other content got event_id_reused.
    const firsts = new Map<string, number>();
    for (const [b, s] of settled.entries()) {
      const outcomes = outcomesOf(s);
      expect(outcomes).toHaveLength(contents[b]!.length);
      for (const [j, o] of outcomes.entries()) {
        const input = contents[b]![j]!;
        const kept = stored.get(input.id)!;
        if (kept.amount === input.amount) {
          expect(o, `batch ${b} ${input.id}`).toMatchObject({ ok: true });
          if (!o.ok) continue;
          expect(o.event.internalId).toBe(kept.internalId);
          expect(o.event.result).toEqual(kept.result);
          if (!o.replayed) firsts.set(input.id, (firsts.get(input.id) ?? 0) + 1);
        } else {
          expect(o, `batch ${b} ${input.id}`).toMatchObject({
            ok: false,
            id: input.id,
            code: 'event_id_reused',
          });
        }
      }
    }
    for (const [j, s] of singles.entries()) {
      const kept = stored.get(same[j]!.id)!;
      if (kept.amount === same[j]!.amount) {
        expect(settledLabel(s), same[j]!.id).toBe('ok');
        if (s.status !== 'fulfilled') continue;
        expect(s.value.event.internalId).toBe(kept.internalId);
        if (!s.value.replayed) firsts.set(same[j]!.id, (firsts.get(same[j]!.id) ?? 0) + 1);
      } else {
        expect(settledLabel(s), same[j]!.id).toBe('422 event_id_reused');
      }
    }
    expect([...stored.keys()].filter((id) => firsts.get(id) !== 1)).toEqual([]);

    // The ledger holds the awards of the stored events, once.
    const total = [...stored.values()].reduce((sum, e) => sum + e.result.totals.points, 0);
    expect(await awardsInTables(programId)).toBe(total);
    const [entries] = await rows<{ n: string; total: string | null }>(sql`
      select count(*)::text as n, sum(amount)::text as total from ledger_entries where program_id = ${programId}`);
    expect({ n: Number(entries?.n), total: Number(entries?.total) }).toEqual({ n: 160, total });
    let wallets = 0;
    for (const ref of ['ACME', 'BETA', 'GAMMA'])
      wallets += (await services.ledger.summary(programId, ref))[0]?.available ?? 0;
    expect(wallets).toBe(total);
    expect(await services.ledger.verify(programId)).toEqual([]);
  });
});

describe('caps and budgets across concurrent batches', () => {
  it('never awards more than a per-account daily cap to batches and single ingests at once', async () => {
    for (let round = 0; round < 5; round++) {
      const programId = await program();
      await account(programId, 'CAP-A');
      await account(programId, 'CAP-B');
      const capped = await rule(programId, {
        name: 'Capped daily',
        trigger: { types: ['purchase'] },
        effects: [{ kind: 'fixed', points: 40 }],
        caps: { perAccount: { day: 100 } },
      });
      // Two local days (Amsterdam, UTC+2): 1 and 2 April, each between 08:00 and 19:00 UTC.
      const at = (day: number, j: number) =>
        new Date(Date.UTC(2026, 3, day, 8 + (j % 12), j % 60)).toISOString();
      const batches = Array.from({ length: 4 }, (_, b) =>
        services.events.ingestBatch(
          programId,
          Array.from({ length: 24 }, (_, j) =>
            purchase(
              `cap-${round}-${b}-${j}`,
              j % 2 === 0 ? 'CAP-A' : 'CAP-B',
              at(1 + ((j >> 1) % 2), j + b),
            ),
          ),
        ),
      );
      const singles = Array.from({ length: 16 }, (_, i) =>
        services.events.ingest(
          programId,
          purchase(`caps-${round}-${i}`, i % 2 === 0 ? 'CAP-A' : 'CAP-B', at(1 + ((i >> 1) % 2), i)),
        ),
      );
      const [batchSettled, singleSettled] = await Promise.all([
        Promise.allSettled(batches),
        Promise.allSettled(singles),
      ]);
      expect(batchSettled.map(settledLabel), `round ${round}`).toEqual(batchSettled.map(() => 'ok'));
      expect(singleSettled.map(settledLabel), `round ${round}`).toEqual(singleSettled.map(() => 'ok'));
      for (const s of batchSettled) expect(outcomesOf(s).filter((o) => !o.ok || o.replayed)).toEqual([]);
      const events = firstWrites(batchSettled, singleSettled);
      expect(events).toHaveLength(112);

      // Per account and local day: 40 + 40 + 20, whatever order the writers came in.
      const byDay = new Map<string, number[]>();
      for (const e of events) {
        const key = `${e.accountId} ${e.occurredAt.slice(0, 10)}`;
        byDay.set(key, [...(byDay.get(key) ?? []), awarded([e], capped)]);
      }
      expect(byDay.size).toBe(4);
      for (const [key, amounts] of byDay) {
        expect(
          amounts.reduce((x, y) => x + y, 0),
          `round ${round} ${key}`,
        ).toBe(100);
        expect(
          amounts.filter((a) => a > 0).sort((x, y) => y - x),
          `round ${round} ${key}`,
        ).toEqual([40, 40, 20]);
      }
      expect(await awardsInTables(programId, capped)).toBe(400);
      for (const ref of ['CAP-A', 'CAP-B'])
        expect((await services.ledger.summary(programId, ref))[0], `round ${round} ${ref}`).toMatchObject({
          available: 200,
          pending: 0,
        });
      expect(await services.ledger.verify(programId)).toEqual([]);
    }
  }, 60_000);

  const budgetRound = async (budget: number) => {
    const programId = await program();
    // Each batch and the single ingests have accounts of their own: only the budget's lock
    // stands between them.
    const refs = Array.from({ length: 50 }, (_, i) => `BUD-${i}`);
    for (const ref of refs) await account(programId, ref);
    const budgeted = await rule(programId, {
      name: 'Budgeted',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'fixed', points: 70 }],
      caps: { budget },
    });
    // An uncapped rule on the same events: the budget must not touch it.
    const base = await rule(programId, {
      name: 'Base',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'fixed', points: 1 }],
    });
    const batches = Array.from({ length: 4 }, (_, b) =>
      services.events.ingestBatch(
        programId,
        Array.from({ length: 60 }, (_, j) =>
          purchase(
            `bud-${b}-${j}`,
            refs[b * 10 + (j % 10)]!,
            new Date(Date.UTC(2026, 3, 3, 8, j)).toISOString(),
          ),
        ),
      ),
    );
    const singles = Array.from({ length: 10 }, (_, i) =>
      services.events.ingest(programId, purchase(`buds-${i}`, refs[40 + i]!, '2026-04-03T12:00:00Z')),
    );
    const [batchSettled, singleSettled] = await Promise.all([
      Promise.allSettled(batches),
      Promise.allSettled(singles),
    ]);
    expect(batchSettled.map(settledLabel)).toEqual(batchSettled.map(() => 'ok'));
    expect(singleSettled.map(settledLabel)).toEqual(singleSettled.map(() => 'ok'));
    for (const s of batchSettled) expect(outcomesOf(s).filter((o) => !o.ok || o.replayed)).toEqual([]);
    const events = firstWrites(batchSettled, singleSettled);
    expect(events).toHaveLength(250);
    const demand = 250 * 70;
    const amounts = events.map((e) => awarded([e], budgeted));
    let sum = 0;
    for (const a of amounts) sum += a;
    expect(await awardsInTables(programId, budgeted)).toBe(sum);
    expect(awarded(events, base)).toBe(250);
    expect(await awardsInTables(programId, base)).toBe(250);
    let wallets = 0;
    for (const ref of refs) wallets += (await services.ledger.summary(programId, ref))[0]?.available ?? 0;
    expect(wallets).toBe(sum + 250);
    expect(await services.ledger.verify(programId)).toEqual([]);
    return {
      sum,
      expected: Math.min(budget, demand),
      amounts: amounts.filter((a) => a > 0).sort((x, y) => y - x),
    };
  };

  it('spends a program-wide budget exactly, never more, across concurrent batches over many accounts', async () => {
    for (let round = 0; round < 4; round++) {
      const { sum, expected, amounts } = await budgetRound(1000);
      expect(sum, `round ${round}`).toBeLessThanOrEqual(1000);
      expect(sum, `round ${round}`).toBe(expected);
      // 14 × 70 = 980, then the 20 left.
      expect(amounts, `round ${round}`).toEqual([...Array.from({ length: 14 }, () => 70), 20]);
    }
  }, 60_000);

  it('awards the whole demand when it stays under the budget', async () => {
    const { sum, expected, amounts } = await budgetRound(100_000);
    expect(sum).toBe(expected);
    expect(sum).toBe(250 * 70);
    expect(amounts).toHaveLength(250);
  }, 60_000);
});

describe('batches with returns on shared group wallets', () => {
  it('lock the wallets they will write up front, in one order: no deadlock between runs split by a return', async () => {
    // Each batch writes a run, a return, then another run, to two group wallets in opposite orders.
    // Locked run by run, the two would wait on each other (A holds G1's wallet and wants G0's, B the
    // other way round); locked up front in id order, they queue.
    const programId = await program({ ledger: { pooling: 'group' } });
    await rule(programId, {
      name: 'Point per euro',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    const groups = [await account(programId, 'G0'), await account(programId, 'G1')];
    for (const [g, id] of groups.entries())
      for (const s of [0, 1]) await account(programId, `G${g}-S${s}`, id);
    // The wallets exist before the race.
    for (const g of [0, 1])
      await services.events.ingest(programId, purchase(`seed-${g}`, `G${g}-S0`, '2026-03-01T10:00:00Z'));
    const at = '2026-03-02T10:00:00Z';
    const batch = (tag: string, first: string, second: string): EventInput[] => [
      purchase(`${tag}-1`, first, at),
      purchase(`${tag}-2`, first, at),
      {
        id: `${tag}-r`,
        type: 'return',
        account: first,
        occurredAt: at,
        references: { originalEventId: `${tag}-1` },
      },
      purchase(`${tag}-3`, second, at),
      purchase(`${tag}-4`, second, at),
    ];
    const before = deadlocks;
    for (let round = 0; round < 15; round++) {
      const results = await Promise.allSettled([
        services.events.ingestBatch(programId, batch(`a${round}`, 'G1-S0', 'G0-S0')),
        services.events.ingestBatch(programId, batch(`b${round}`, 'G0-S1', 'G1-S1')),
      ]);
      for (const r of results) expect(outcomesOf(r).every((o) => o.ok && !o.replayed)).toBe(true);
    }
    expect(deadlocks - before, 'deadlocks retried inside').toBe(0);
    // Per round each group wallet gets 3 × 10 points from each batch's run of it, less the return.
    const wallets = await Promise.all(groups.map((g) => services.ledger.summary(programId, g)));
    for (const w of wallets) expect(w[0]).toMatchObject({ available: 10 + 15 * (20 + 20 - 10) });
    expect(await services.ledger.verify(programId)).toEqual([]);
  }, 60_000);
});
