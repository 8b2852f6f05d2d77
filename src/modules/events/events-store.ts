import { and, desc, eq, gt, lt, ne, or, sql } from 'drizzle-orm';
import { advisoryLock, type Executor, selectRows } from '../../db/client.ts';
import { eventAwards, events } from './events-tables.ts';

export type EventRow = typeof events.$inferSelect;
export type NewEventRow = typeof events.$inferInsert;
export type AwardRow = typeof eventAwards.$inferSelect;
export type NewAwardRow = typeof eventAwards.$inferInsert;

export async function eventLock(db: Executor, key: string): Promise<void> {
  await advisoryLock(db, key);
}

export async function findEventByExternalId(db: Executor, programId: string, externalId: string) {
  const [row] = await db
    .select()
    .from(events)
    .where(and(eq(events.programId, programId), eq(events.externalId, externalId)));
  return row;
}

/** By our id (evt_…) or the client's event id. */
export async function findEventByRef(db: Executor, programId: string, ref: string) {
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.programId, programId), or(eq(events.id, ref), eq(events.externalId, ref))))
    .limit(2);
  return rows.find((r) => r.id === ref) ?? rows[0];
}

export async function insertEvent(db: Executor, row: NewEventRow): Promise<EventRow> {
  const [inserted] = await db.insert(events).values(row).returning();
  return inserted!;
}

export async function insertAwards(db: Executor, rows: NewAwardRow[]): Promise<void> {
  if (rows.length > 0) await db.insert(eventAwards).values(rows);
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

/** Gross amounts a rule awarded an account in the given windows (by the earning events' occurredAt), and in total. */
export async function ruleUsage(
  db: Executor,
  programId: string,
  ruleId: string,
  accountId: string,
  windows: { day: [Date, Date]; month: [Date, Date]; year: [Date, Date] },
): Promise<{ day: number; month: number; year: number; ever: number }> {
  const within = (w: [Date, Date]) =>
    sql`coalesce(sum(${eventAwards.amount}) filter (where ${eventAwards.occurredAt} >= ${w[0].toISOString()} and ${eventAwards.occurredAt} < ${w[1].toISOString()}), 0)::text`;
  const [row] = await db
    .select({
      day: within(windows.day),
      month: within(windows.month),
      year: within(windows.year),
      ever: sql<string>`count(*)::text`,
    })
    .from(eventAwards)
    .where(
      and(
        eq(eventAwards.programId, programId),
        eq(eventAwards.ruleId, ruleId),
        eq(eventAwards.accountId, accountId),
        gt(eventAwards.amount, 0),
        ne(eventAwards.kind, 'tier_credit'),
      ),
    );
  return {
    day: Number(row?.day ?? 0),
    month: Number(row?.month ?? 0),
    year: Number(row?.year ?? 0),
    ever: Number(row?.ever ?? 0),
  };
}

/** What a rule awarded program-wide, gross. */
export async function ruleBudgetUsed(db: Executor, programId: string, ruleId: string): Promise<number> {
  const [row] = await db
    .select({ total: sql<string>`coalesce(sum(${eventAwards.amount}), 0)::text` })
    .from(eventAwards)
    .where(
      and(
        eq(eventAwards.programId, programId),
        eq(eventAwards.ruleId, ruleId),
        gt(eventAwards.amount, 0),
        ne(eventAwards.kind, 'tier_credit'),
      ),
    );
  return Number(row?.total ?? 0);
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
  const spec = JSON.stringify(
    windows.map((w) => ({
      key: w.key,
      account_id: w.accountId,
      f: w.from.toISOString(),
      t: w.to.toISOString(),
    })),
  );
  const typeList = JSON.stringify(types);
  const q = sql`jsonb_to_recordset(${spec}::jsonb) as q(key text, account_id text, f timestamptz, t timestamptz)`;
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
              ? sql`count(e.id) filter (where e.type in (select jsonb_array_elements_text(${typeList}::jsonb)))::text`
              : sql`coalesce(sum(case when e.type <> 'return' then e.base_amount
                     when o.type in (select jsonb_array_elements_text(${typeList}::jsonb))
                       then -coalesce(e.base_amount, o.base_amount, 0)
                     else 0 end), 0)::text`
          } as total from ${q}
              left join events e on e.program_id = ${programId} and e.account_id = q.account_id
               and e.occurred_at >= q.f and e.occurred_at < q.t
               and (e.type in (select jsonb_array_elements_text(${typeList}::jsonb)) or e.type = 'return')
              left join events o on o.program_id = e.program_id and o.id = e.original_event_id
              group by q.key`,
        );
  return new Map(rows.map((r) => [r.key, BigInt(r.total)]));
}
