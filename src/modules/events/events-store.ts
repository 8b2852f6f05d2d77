import { and, asc, desc, eq, gt, gte, inArray, lt, ne, or, sql } from 'drizzle-orm';
import { type Executor, inSlices, selectRows, textArray } from '../../db/client.ts';
import type { FreshCredits } from '../ledger/ledger-service.ts';
import { eventAwards, events } from './events-tables.ts';

export type EventRow = typeof events.$inferSelect;
export type NewEventRow = typeof events.$inferInsert;
export type AwardRow = typeof eventAwards.$inferSelect;
export type NewAwardRow = typeof eventAwards.$inferInsert;

/** Many events by the client's ids at once: externalId → event. */
export async function findEventsByExternalIds(
  db: Executor,
  programId: string,
  externalIds: string[],
): Promise<Map<string, EventRow>> {
  const unique = [...new Set(externalIds)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.programId, programId), inArray(events.externalId, unique)));
  return new Map(rows.map((r) => [r.externalId, r]));
}

/** Many events by our id or the client's id at once: ref → event (our id wins, as below). */
export async function findEventsByRefs(
  db: Executor,
  programId: string,
  refs: string[],
): Promise<Map<string, EventRow>> {
  const unique = [...new Set(refs)];
  const found = new Map<string, EventRow>();
  if (unique.length === 0) return found;
  const rows = await db
    .select()
    .from(events)
    .where(
      and(
        eq(events.programId, programId),
        or(inArray(events.id, unique), inArray(events.externalId, unique)),
      ),
    );
  for (const r of rows) found.set(r.externalId, r);
  for (const r of rows) found.set(r.id, r);
  return found;
}

/** By our id (evt_…) or the client's event id. */
export async function findEventByRef(db: Executor, programId: string, ref: string) {
  return (await findEventsByRefs(db, programId, [ref])).get(ref);
}

export async function insertEvent(db: Executor, row: NewEventRow): Promise<EventRow> {
  const [inserted] = await db.insert(events).values(row).returning();
  return inserted!;
}

/**
 * Earning events, their awards and the ledger credits those award, in one statement and one round
 * trip (`fidelis_write_events`, migration 0014, decision 0020): atomic on its own, or part of the
 * caller's transaction. Answers when the events were received.
 */
export async function writeEarnings(
  db: Executor,
  programId: string,
  rows: NewEventRow[],
  awards: NewAwardRow[],
  credits: FreshCredits,
): Promise<Date> {
  // The one bigint column goes as a string (a JSON.stringify replacer would slow every value down).
  const events = rows.map((r) => ({ ...r, baseAmount: r.baseAmount == null ? null : String(r.baseAmount) }));
  const json = JSON.stringify;
  const [row] = await selectRows<{ at: Date | string }>(
    db,
    sql`select fidelis_write_events(${programId}, ${json(events)}::jsonb, ${json(awards)}::jsonb,
      ${json(credits.wallets)}::jsonb, ${json(credits.systems)}::jsonb, ${json(credits.credits)}::jsonb) as at`,
  );
  return new Date(row!.at);
}

/** Many events in slices (an event row is wide: items, references, attributes, its evaluation). */
export async function insertEvents(db: Executor, rows: NewEventRow[]): Promise<EventRow[]> {
  const out: EventRow[] = [];
  await inSlices(rows, 500, async (slice) => {
    out.push(...(await db.insert(events).values(slice).returning()));
  });
  return out;
}

export async function insertAwards(db: Executor, rows: NewAwardRow[]): Promise<void> {
  await inSlices(rows, 2000, async (slice) => {
    await db.insert(eventAwards).values(slice);
  });
}

export async function awardsOf(db: Executor, programId: string, eventId: string): Promise<AwardRow[]> {
  return db
    .select()
    .from(eventAwards)
    .where(and(eq(eventAwards.programId, programId), eq(eventAwards.eventId, eventId)))
    .orderBy(eventAwards.seq);
}

/** Reversal rows taking back awards of `eventId`, oldest first. */
export async function reversalsOf(db: Executor, programId: string, eventId: string): Promise<AwardRow[]> {
  return db
    .select()
    .from(eventAwards)
    .where(and(eq(eventAwards.programId, programId), eq(eventAwards.reversesEventId, eventId)))
    .orderBy(eventAwards.eventId, eventAwards.seq);
}

/** The returns of an event ingested so far. */
export async function returnsOf(db: Executor, programId: string, originalId: string): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(and(eq(events.programId, programId), eq(events.originalEventId, originalId)));
}

export interface UsageQuery {
  ruleId: string;
  accountId: string;
  day: [Date, Date];
  month: [Date, Date];
  year: [Date, Date];
}

/**
 * Gross amounts each rule awarded each account (the earning events' occurredAt within each window),
 * and how often ever: many (rule, account, windows) in one query, the answers in the order asked.
 */
export async function ruleUsages(
  db: Executor,
  programId: string,
  asked: UsageQuery[],
): Promise<Array<{ day: number; month: number; year: number; ever: number }>> {
  if (asked.length === 0) return [];
  const iso = (of: (q: UsageQuery) => Date) =>
    textArray(
      asked.map((q) => of(q).toISOString()),
      'timestamptz',
    );
  // (unnest's ordinality counts from 1.)
  const rows = await selectRows<{ n: number; day: string; month: string; year: string; ever: string }>(
    db,
    sql`select q.n,
          coalesce(sum(w.amount) filter (where w.occurred_at >= q.d0 and w.occurred_at < q.d1), 0)::text as day,
          coalesce(sum(w.amount) filter (where w.occurred_at >= q.m0 and w.occurred_at < q.m1), 0)::text as month,
          coalesce(sum(w.amount) filter (where w.occurred_at >= q.y0 and w.occurred_at < q.y1), 0)::text as year,
          count(w.amount)::text as ever
        from unnest(${textArray(asked.map((q) => q.ruleId))}, ${textArray(asked.map((q) => q.accountId))},
               ${iso((q) => q.day[0])}, ${iso((q) => q.day[1])}, ${iso((q) => q.month[0])},
               ${iso((q) => q.month[1])}, ${iso((q) => q.year[0])}, ${iso((q) => q.year[1])})
          with ordinality as q(r, a, d0, d1, m0, m1, y0, y1, n)
        left join event_awards w on w.program_id = ${programId} and w.rule_id = q.r and w.account_id = q.a
          and w.amount > 0 and w.kind <> 'tier_credit'
        group by q.n`,
  );
  const out = asked.map(() => ({ day: 0, month: 0, year: 0, ever: 0 }));
  for (const r of rows)
    out[Number(r.n) - 1] = {
      day: Number(r.day),
      month: Number(r.month),
      year: Number(r.year),
      ever: Number(r.ever),
    };
  return out;
}

/** What each rule awarded program-wide, gross: rule id → total (rules that awarded nothing are missing). */
export async function ruleBudgetsUsed(
  db: Executor,
  programId: string,
  ruleIds: string[],
): Promise<Map<string, number>> {
  if (ruleIds.length === 0) return new Map();
  const rows = await db
    .select({ ruleId: eventAwards.ruleId, total: sql<string>`coalesce(sum(${eventAwards.amount}), 0)::text` })
    .from(eventAwards)
    .where(
      and(
        eq(eventAwards.programId, programId),
        inArray(eventAwards.ruleId, ruleIds),
        gt(eventAwards.amount, 0),
        ne(eventAwards.kind, 'tier_credit'),
      ),
    )
    .groupBy(eventAwards.ruleId);
  return new Map(rows.map((r) => [r.ruleId, Number(r.total)]));
}

export async function listEvents(
  db: Executor,
  programId: string,
  filter: { accountId?: string; type?: string; before?: string; limit: number },
): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(
      and(
        eq(events.programId, programId),
        filter.accountId ? eq(events.accountId, filter.accountId) : undefined,
        filter.type ? eq(events.type, filter.type) : undefined,
        filter.before ? lt(events.id, filter.before) : undefined,
      ),
    )
    .orderBy(desc(events.id))
    .limit(filter.limit);
}

/** A page of the events that occurred in [from, to), in (occurredAt, id) order, after a position. */
export async function eventsOccurredIn(
  db: Executor,
  programId: string,
  from: Date,
  to: Date,
  after: { occurredAt: Date; id: string } | undefined,
  limit: number,
): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(
      and(
        eq(events.programId, programId),
        gte(events.occurredAt, from),
        lt(events.occurredAt, to),
        after
          ? sql`(${events.occurredAt}, ${events.id}) > (${after.occurredAt.toISOString()}::timestamptz, ${after.id})`
          : undefined,
      ),
    )
    .orderBy(asc(events.occurredAt), asc(events.id))
    .limit(limit);
}

export interface MetricWindow {
  key: string;
  accountId: string;
  from: Date;
  to: Date;
}

/**
 * Per window (an account and [from, to)), summed in one query: qualifying spend in minor units of the
 * base currency (events of `types` minus returns), the number of such events, or net points earned.
 * Several windows may share a key (a group's accounts): their sums add up.
 */
export async function metricTotals(
  db: Executor,
  programId: string,
  kind: 'qualifying_spend' | 'orders' | 'points_earned',
  types: string[],
  windows: MetricWindow[],
): Promise<Map<string, bigint>> {
  if (windows.length === 0) return new Map();
  const typeList = textArray(types);
  const q = sql`unnest(${textArray(windows.map((w) => w.key))}, ${textArray(windows.map((w) => w.accountId))},
    ${textArray(
      windows.map((w) => w.from.toISOString()),
      'timestamptz',
    )}, ${textArray(
      windows.map((w) => w.to.toISOString()),
      'timestamptz',
    )}) as q(key, account_id, f, t)`;
  const rows =
    kind === 'points_earned'
      ? await selectRows<{ key: string; total: string }>(
          db,
          sql`select q.key, coalesce(sum(a.amount), 0)::text as total from ${q}
              left join event_awards a on a.program_id = ${programId} and a.account_id = q.account_id
               and a.kind = 'points' and a.occurred_at >= q.f and a.occurred_at < q.t
              group by q.key`,
        )
      : await selectRows<{ key: string; total: string }>(
          db,
          sql`select q.key, ${
            kind === 'orders'
              ? sql`count(e.id) filter (where e.type = any(${typeList}))::text`
              : sql`coalesce(sum(case when e.type <> 'return' then e.base_amount
                     when o.type = any(${typeList})
                       then -coalesce(e.base_amount, o.base_amount, 0)
                     else 0 end), 0)::text`
          } as total from ${q}
              left join events e on e.program_id = ${programId} and e.account_id = q.account_id
               and e.occurred_at >= q.f and e.occurred_at < q.t
               and (e.type = any(${typeList}) or e.type = 'return')
              left join events o on o.program_id = e.program_id and o.id = e.original_event_id
              group by q.key`,
        );
  return new Map(rows.map((r) => [r.key, BigInt(r.total)]));
}
