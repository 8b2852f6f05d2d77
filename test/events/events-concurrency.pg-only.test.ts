// Event ingestion under real concurrency (PGlite has one connection): every ingest below runs on a
// pool of 10 PostgreSQL connections at the same time. Replays, per-account caps, program-wide
// budgets and prospect creation must come out exactly as if the events had arrived one by one.
import { type SQL, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app/compose.ts';
import { FidelisError } from '../../src/core/errors.ts';
import { type Database, selectRows } from '../../src/db/client.ts';
import { pgError } from '../../src/db/errors.ts';
import type { EventInput } from '../../src/modules/events/events-service.ts';
import { FIXTURE } from '../support/actor.ts';
import { freshPostgres } from '../support/db.ts';

let database: Database;
let services: Services;
let n = 0;

beforeAll(async () => {
  ({ database } = await freshPostgres(10));
  expect(database.driver).toBe('postgres');
  services = createServices(database);
});

const rows = <T>(query: SQL) => selectRows<T>(database.db, query);

async function program(settings: Record<string, object> = {}) {
  return (
    await services.programs.create(
      {
        name: `Concurrent ${++n}`,
        baseCurrency: 'EUR',
        timeZone: 'Europe/Amsterdam',
        settings,
      },
      FIXTURE,
    )
  ).id;
}

async function account(programId: string, externalId: string) {
  return (await services.accounts.create(programId, { externalId, name: externalId }, FIXTURE)).id;
}

async function rule(programId: string, document: object) {
  return services.rules.create(
    programId,
    {
      document: document as never,
      effectiveFrom: new Date('2026-01-01T00:00:00Z'),
    },
    FIXTURE,
  );
}

const purchase = (id: string, accountRef: string, occurredAt: string, amount = '10.00'): EventInput => ({
  id,
  type: 'purchase',
  account: accountRef,
  occurredAt,
  amount,
  currency: 'EUR',
});

async function totals(programId: string) {
  const [r] = await rows<{
    events: string;
    awarded: string | null;
    entries: string;
    credited: string | null;
  }>(sql`
    select (select count(*) from events where program_id = ${programId})::text as events,
           (select sum(amount) from event_awards where program_id = ${programId})::text as awarded,
           (select count(*) from ledger_entries where program_id = ${programId})::text as entries,
           (select sum(amount) from ledger_entries where program_id = ${programId} and type = 'earn')::text as credited`);
  return {
    events: Number(r?.events),
    awarded: Number(r?.awarded ?? 0),
    entries: Number(r?.entries),
    credited: Number(r?.credited ?? 0),
  };
}

const labelOf = (reason: unknown) =>
  reason instanceof FidelisError
    ? `${reason.status} ${reason.code}`
    : `error ${pgError(reason).code ?? ''} ${String(reason).split('\n')[0]}`;

describe('concurrent ingestion', () => {
  it('stores 20 concurrent ingests of the same event once, with one ledger entry, and answers all 20 alike', async () => {
    const programId = await program();
    await account(programId, 'ACME');
    await rule(programId, {
      name: 'Per EUR',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    const event = purchase('same-1', 'ACME', '2026-04-01T10:00:00Z', '77.70');
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, () => services.events.ingest(programId, structuredClone(event))),
    );
    expect(settled.map((s) => (s.status === 'fulfilled' ? 'ok' : labelOf(s.reason)))).toEqual(
      Array.from({ length: 20 }, () => 'ok'),
    );
    const answers = settled.map(
      (s) => (s as PromiseFulfilledResult<Awaited<ReturnType<Services['events']['ingest']>>>).value,
    );
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    for (const a of answers) expect(a.event).toEqual(answers[0]!.event);
    expect(answers[0]!.event.result.totals.points).toBe(77);
    expect(await totals(programId)).toEqual({ events: 1, awarded: 77, entries: 1, credited: 77 });
    const [wallet] = await services.ledger.summary(programId, 'ACME');
    expect(wallet).toMatchObject({ available: 77 });
    expect(await services.ledger.verify(programId)).toEqual([]);
  });

  it('answers concurrent single events each with its own result, whichever share a statement (group commit)', async () => {
    const programId = await program();
    for (const ref of ['G1', 'G2', 'G3', 'G4']) await account(programId, ref);
    await rule(programId, {
      name: 'Per EUR',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    const events = Array.from({ length: 40 }, (_, i) =>
      purchase(`g-${i}`, `G${(i % 4) + 1}`, '2026-04-01T10:00:00Z', `${i + 1}.00`),
    );
    // The same event twice in the crowd: it shares a group with the first, whose statement then
    // fails on the id; both are written again alone and the second answers a replay.
    events.push(structuredClone(events[7]!));
    const settled = await Promise.allSettled(events.map((e) => services.events.ingest(programId, e)));
    expect(settled.map((s) => (s.status === 'fulfilled' ? 'ok' : labelOf(s.reason)))).toEqual(
      events.map(() => 'ok'),
    );
    const answers = settled.map(
      (s) => (s as PromiseFulfilledResult<Awaited<ReturnType<Services['events']['ingest']>>>).value,
    );
    expect(answers.filter((a) => a.replayed)).toHaveLength(1);
    for (const [i, a] of answers.entries()) {
      expect(a.event.id).toBe(events[i]!.id);
      expect(a.event.result.totals.points).toBe(Number.parseInt(events[i]!.amount!, 10));
    }
    const expected = (ref: string) =>
      events
        .slice(0, 40)
        .reduce((sum, e) => sum + (e.account === ref ? Number.parseInt(e.amount!, 10) : 0), 0);
    for (const ref of ['G1', 'G2', 'G3', 'G4'])
      expect((await services.ledger.summary(programId, ref))[0]).toMatchObject({ available: expected(ref) });
    expect(await totals(programId)).toEqual({ events: 40, awarded: 820, entries: 40, credited: 820 });
    expect(await services.ledger.verify(programId)).toEqual([]);
  });

  it('refuses all but one of concurrent ingests of one id with different content', async () => {
    const programId = await program();
    await account(programId, 'ACME');
    await rule(programId, {
      name: 'Fixed',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'fixed', points: 5 }],
    });
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        services.events.ingest(programId, purchase('twin-1', 'ACME', '2026-04-01T10:00:00Z', `${i + 1}.00`)),
      ),
    );
    const labels = settled.map((s) => (s.status === 'fulfilled' ? 'ok' : labelOf(s.reason)));
    expect(labels.filter((l) => l === 'ok')).toHaveLength(1);
    expect(labels.filter((l) => l === '422 event_id_reused')).toHaveLength(9);
    expect(await totals(programId)).toEqual({ events: 1, awarded: 5, entries: 1, credited: 5 });
  });

  it('never awards more than a per-account daily cap, whatever the concurrency', async () => {
    const programId = await program();
    await account(programId, 'ACME');
    await rule(programId, {
      name: 'Capped daily',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'fixed', points: 100 }],
      caps: { perAccount: { day: 500 } },
    });
    const settled = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        services.events.ingest(
          programId,
          purchase(`day-${i}`, 'ACME', `2026-04-01T${String(8 + (i % 10)).padStart(2, '0')}:00:00Z`),
        ),
      ),
    );
    expect(settled.map((s) => (s.status === 'fulfilled' ? 'ok' : labelOf(s.reason)))).toEqual(
      Array.from({ length: 30 }, () => 'ok'),
    );
    const awarded = settled.map(
      (s) =>
        (s as PromiseFulfilledResult<Awaited<ReturnType<Services['events']['ingest']>>>).value.event.result
          .totals.points,
    );
    expect(awarded.reduce((x, y) => x + y, 0)).toBe(500);
    expect(awarded.filter((a) => a === 100)).toHaveLength(5);
    expect(awarded.filter((a) => a === 0)).toHaveLength(25);
    expect(await totals(programId)).toEqual({ events: 30, awarded: 500, entries: 5, credited: 500 });
    const [wallet] = await services.ledger.summary(programId, 'ACME');
    expect(wallet).toMatchObject({ available: 500 });
  });

  it('never spends more than a program-wide budget across accounts at the same time', async () => {
    const programId = await program();
    const accounts = await Promise.all(Array.from({ length: 10 }, (_, i) => account(programId, `ACC-${i}`)));
    await rule(programId, {
      name: 'Budgeted',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'fixed', points: 70 }],
      caps: { budget: 1000 },
    });
    const settled = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        services.events.ingest(programId, purchase(`bud-${i}`, `ACC-${i % 10}`, '2026-04-01T10:00:00Z')),
      ),
    );
    expect(settled.map((s) => (s.status === 'fulfilled' ? 'ok' : labelOf(s.reason)))).toEqual(
      Array.from({ length: 40 }, () => 'ok'),
    );
    const awarded = settled
      .map(
        (s) =>
          (s as PromiseFulfilledResult<Awaited<ReturnType<Services['events']['ingest']>>>).value.event.result
            .totals.points,
      )
      .sort((x, y) => y - x);
    // 14 × 70 = 980, then the 20 left, then nothing.
    expect(awarded.slice(0, 15)).toEqual([...Array.from({ length: 14 }, () => 70), 20]);
    expect(awarded.slice(15).every((a) => a === 0)).toBe(true);
    expect(await totals(programId)).toMatchObject({ events: 40, awarded: 1000, credited: 1000 });
    let sum = 0;
    for (const id of accounts) sum += (await services.ledger.summary(programId, id))[0]?.available ?? 0;
    expect(sum).toBe(1000);
    expect(await services.ledger.verify(programId)).toEqual([]);
  });

  it('keeps the budget across concurrent batches and single events', async () => {
    const programId = await program();
    for (let i = 0; i < 6; i++) await account(programId, `B-${i}`);
    await rule(programId, {
      name: 'Budgeted',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'fixed', points: 30 }],
      caps: { budget: 600 },
    });
    const batches = Array.from({ length: 4 }, (_, b) =>
      services.events.ingestBatch(
        programId,
        Array.from({ length: 10 }, (_, i) =>
          purchase(`bb-${b}-${i}`, `B-${(b + i) % 6}`, '2026-04-01T10:00:00Z'),
        ),
      ),
    );
    const singles = Array.from({ length: 10 }, (_, i) =>
      services.events.ingest(programId, purchase(`bs-${i}`, `B-${i % 6}`, '2026-04-01T11:00:00Z')),
    );
    const settled = await Promise.allSettled([...batches, ...singles]);
    expect(settled.map((s) => (s.status === 'fulfilled' ? 'ok' : labelOf(s.reason)))).toEqual(
      Array.from({ length: 14 }, () => 'ok'),
    );
    for (const s of settled.slice(0, 4)) {
      const results = (s as PromiseFulfilledResult<Array<{ ok: boolean }>>).value;
      expect(results.every((r) => r.ok)).toBe(true);
    }
    expect(await totals(programId)).toMatchObject({ events: 50, awarded: 600, credited: 600 });
    expect(await services.ledger.verify(programId)).toEqual([]);
  }, 60_000);

  it('ingests concurrent batches that name the same accounts in opposite orders', async () => {
    const programId = await program();
    const refs = Array.from({ length: 6 }, (_, i) => `O-${i}`);
    for (const ref of refs) await account(programId, ref);
    await rule(programId, {
      name: 'Fixed',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'fixed', points: 2 }],
    });
    const batch = (name: string, order: string[]) =>
      services.events.ingestBatch(
        programId,
        order.map((ref) => purchase(`${name}-${ref}`, ref, '2026-04-01T10:00:00Z')),
      );
    const settled = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => batch(`ob-${i}`, i % 2 === 0 ? refs : [...refs].reverse())),
    );
    expect(settled.map((s) => (s.status === 'fulfilled' ? 'ok' : labelOf(s.reason)))).toEqual(
      Array.from({ length: 6 }, () => 'ok'),
    );
    expect(await totals(programId)).toMatchObject({ events: 36, awarded: 72, credited: 72 });
  }, 60_000);

  it('creates one prospect account for concurrent events of the same unknown reference', async () => {
    const programId = await program({ events: { unknownAccount: 'create_prospect' } });
    await rule(programId, {
      name: 'Fixed',
      trigger: { types: ['survey.completed'] },
      effects: [{ kind: 'fixed', points: 3 }],
    });
    const settled = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        services.events.ingest(programId, {
          id: `pro-${i}`,
          type: 'survey.completed',
          account: 'NEW-1',
          occurredAt: '2026-04-01T10:00:00Z',
        }),
      ),
    );
    expect(settled.map((s) => (s.status === 'fulfilled' ? 'ok' : labelOf(s.reason)))).toEqual(
      Array.from({ length: 12 }, () => 'ok'),
    );
    const created = await rows<{ id: string; status: string }>(
      sql`select id, status from accounts where program_id = ${programId}`,
    );
    expect(created).toHaveLength(1);
    expect(created[0]!.status).toBe('prospect');
    expect((await services.ledger.summary(programId, 'NEW-1'))[0]).toMatchObject({ available: 36 });
  });

  it('returns half of a pending award while the due run posts it: either way half stays', async () => {
    const programId = await program();
    await rule(programId, {
      name: 'Pending per EUR',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
      pendingDays: 30,
    });
    for (let round = 0; round < 8; round++) {
      const ref = `PEND-${round}`;
      await account(programId, ref);
      await services.events.ingest(programId, purchase(`po-${round}`, ref, '2026-04-01T10:00:00Z', '300.00'));
      const [ret, due] = await Promise.allSettled([
        services.events.ingest(programId, {
          id: `pr-${round}`,
          type: 'return',
          account: ref,
          occurredAt: '2026-04-02T10:00:00Z',
          amount: '150.00',
          currency: 'EUR',
          references: { originalEventId: `po-${round}` },
        }),
        services.ledger.runDue(programId, new Date('2026-05-01T10:00:00Z')),
      ]);
      // A valid return must not fail because the award was posted a moment before (entry_not_open).
      expect(ret.status === 'fulfilled' ? 'ok' : labelOf(ret.reason), `round ${round}`).toBe('ok');
      expect(due.status).toBe('fulfilled');
      // Whatever came first, the rest is posted by a due run and half the order is left.
      await services.ledger.runDue(programId, new Date('2026-05-01T10:00:00Z'));
      expect((await services.ledger.summary(programId, ref))[0], `round ${round}`).toMatchObject({
        available: 150,
        pending: 0,
      });
    }
    expect(await services.ledger.verify(programId)).toEqual([]);
  }, 60_000);

  it('takes back no more than the order earned under concurrent returns', async () => {
    const programId = await program();
    await account(programId, 'ACME');
    await rule(programId, {
      name: 'Per EUR',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    await services.events.ingest(programId, purchase('ord-1', 'ACME', '2026-04-01T10:00:00Z', '100.00'));
    const settled = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        services.events.ingest(programId, {
          id: `ret-${i}`,
          type: 'return',
          account: 'ACME',
          occurredAt: '2026-04-02T10:00:00Z',
          amount: '30.00',
          currency: 'EUR',
          references: { originalEventId: 'ord-1' },
        }),
      ),
    );
    expect(settled.map((s) => (s.status === 'fulfilled' ? 'ok' : labelOf(s.reason)))).toEqual(
      Array.from({ length: 12 }, () => 'ok'),
    );
    const back = settled
      .map(
        (s) =>
          -(s as PromiseFulfilledResult<Awaited<ReturnType<Services['events']['ingest']>>>).value.event.result
            .totals.points,
      )
      .sort((x, y) => y - x);
    expect(back.slice(0, 4)).toEqual([30, 30, 30, 10]);
    expect(back.slice(4).every((b) => b === 0)).toBe(true);
    expect((await services.ledger.summary(programId, 'ACME'))[0]).toMatchObject({ available: 0, debt: 0 });
    expect(await services.ledger.verify(programId)).toEqual([]);
  });
});
