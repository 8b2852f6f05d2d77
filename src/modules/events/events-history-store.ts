// Reads over the stored events for later modules (engagement): the events of accounts in a time
// window, the accounts active in one, and totals ranked across accounts (leaderboards).
import { type SQL, sql } from 'drizzle-orm';
import { type Executor, selectRows, textArray } from '../../db/client.ts';

export interface HistoryEvent {
  id: string;
  accountId: string;
  /** The contact the event names, or null (contact challenges count only events naming one). */
  contactId: string | null;
  type: string;
  occurredAt: Date;
  /** Minor units of the base currency, or null. */
  baseAmount: bigint | null;
  attributes: Record<string, unknown>;
}

/** The events of these accounts, of these types, that occurred in [from, to), in occurredAt order. */
export async function eventsInWindow(
  db: Executor,
  programId: string,
  accountIds: string[],
  types: string[],
  from: Date,
  to: Date,
): Promise<HistoryEvent[]> {
  if (accountIds.length === 0 || types.length === 0) return [];
  const rows = await selectRows<{
    id: string;
    account_id: string;
    contact_id: string | null;
    type: string;
    occurred_at: string | Date;
    base_amount: string | null;
    attributes: Record<string, unknown>;
  }>(
    db,
    sql`select id, account_id, contact_id, type, occurred_at, base_amount::text as base_amount, attributes from events
        where program_id = ${programId} and account_id = any(${textArray(accountIds)})
          and type = any(${textArray(types)})
          and occurred_at >= ${from.toISOString()}::timestamptz and occurred_at < ${to.toISOString()}::timestamptz
        order by occurred_at, id`,
  );
  return rows.map((r) => ({
    id: r.id,
    accountId: r.account_id,
    contactId: r.contact_id ?? null,
    type: r.type,
    occurredAt: new Date(r.occurred_at),
    baseAmount: r.base_amount === null ? null : BigInt(r.base_amount),
    attributes: r.attributes ?? {},
  }));
}

/** The accounts with an event of these types in [from, to), in id order, a page after `after`. */
export async function accountsActiveIn(
  db: Executor,
  programId: string,
  types: string[],
  from: Date,
  to: Date,
  after: string | null,
  limit: number,
): Promise<string[]> {
  if (types.length === 0) return [];
  const rows = await selectRows<{ account_id: string }>(
    db,
    sql`select distinct account_id from events
        where program_id = ${programId} and type = any(${textArray(types)})
          and occurred_at >= ${from.toISOString()}::timestamptz and occurred_at < ${to.toISOString()}::timestamptz
          ${after === null ? sql`` : sql`and account_id > ${after}`}
        order by account_id limit ${limit}`,
  );
  return rows.map((r) => r.account_id);
}

export interface TotalsQuery {
  metric: 'points_earned' | 'qualifying_spend';
  types: string[];
  from: Date;
  to: Date;
  audience: SQL | null;
  excluded: string[];
}

/**
 * A subquery `(account_id, total)` for another module's set-based SQL: per account, the total over
 * [from, to) of points earned (rule awards, net of returns) or qualifying spend (amounts of `types`
 * minus their returns, in minor units of the base currency), within `audience` and not `excluded`.
 */
export function totalsSql(programId: string, query: TotalsQuery): SQL {
  const f = sql`${query.from.toISOString()}::timestamptz`;
  const t = sql`${query.to.toISOString()}::timestamptz`;
  const inAudience = (column: SQL) =>
    sql`${query.audience === null ? sql`` : sql`and ${column} in ${query.audience}`}
        ${query.excluded.length === 0 ? sql`` : sql`and ${column} <> all(${textArray(query.excluded)})`}`;
  return query.metric === 'points_earned'
    ? sql`select a.account_id, sum(a.amount) as total from event_awards a
          where a.program_id = ${programId} and a.kind = 'points' and a.occurred_at >= ${f} and a.occurred_at < ${t}
          ${inAudience(sql`a.account_id`)}
          group by a.account_id`
    : sql`select e.account_id, sum(case when e.type <> 'return' then coalesce(e.base_amount, 0)
               when o.type = any(${textArray(query.types)}) then -coalesce(e.base_amount, o.base_amount, 0)
               else 0 end) as total
          from events e left join events o on o.program_id = e.program_id and o.id = e.original_event_id
          where e.program_id = ${programId} and e.occurred_at >= ${f} and e.occurred_at < ${t}
            and (e.type = any(${textArray(query.types)}) or e.type = 'return')
          ${inAudience(sql`e.account_id`)}
          group by e.account_id`;
}

/**
 * The accounts whose lifetime total (points earned or qualifying spend, as `totalsSql`) is at least
 * `threshold` (points, or minor units), in id order, a page after `after` (milestone automations).
 */
export async function totalsAtLeast(
  db: Executor,
  programId: string,
  query: { metric: TotalsQuery['metric']; types: string[]; threshold: bigint; to: Date },
  after: string | null,
  limit: number,
): Promise<Array<{ accountId: string; total: bigint }>> {
  const totals = totalsSql(programId, {
    ...query,
    from: new Date(0),
    audience: null,
    excluded: [],
  });
  const rows = await selectRows<{ account_id: string; total: string }>(
    db,
    sql`select account_id, total::text as total from (${totals}) t
         where total >= ${query.threshold.toString()}::numeric
           ${after === null ? sql`` : sql`and account_id > ${after}`}
         order by account_id limit ${limit}`,
  );
  return rows.map((r) => ({ accountId: r.account_id, total: BigInt(r.total) }));
}

/**
 * The accounts whose last event of `types` (before `asOf`) occurred before `cutoff` and not before
 * `since`, with that instant, in id order, a page after `after` (win-back automations).
 */
export async function lastActiveBetween(
  db: Executor,
  programId: string,
  query: { types: string[]; since: Date; cutoff: Date; asOf: Date },
  after: string | null,
  limit: number,
): Promise<Array<{ accountId: string; lastAt: Date }>> {
  if (query.types.length === 0) return [];
  const rows = await selectRows<{ account_id: string; last_at: string | Date }>(
    db,
    sql`select account_id, max(occurred_at) as last_at from events
         where program_id = ${programId} and type = any(${textArray(query.types)})
           and occurred_at < ${query.asOf.toISOString()}::timestamptz
           ${after === null ? sql`` : sql`and account_id > ${after}`}
         group by account_id
        having max(occurred_at) < ${query.cutoff.toISOString()}::timestamptz
           and max(occurred_at) >= ${query.since.toISOString()}::timestamptz
         order by account_id limit ${limit}`,
  );
  return rows.map((r) => ({ accountId: r.account_id, lastAt: new Date(r.last_at) }));
}

export interface RankedTotal {
  accountId: string;
  /** Points, or minor units of the base currency. */
  total: bigint;
  /** Standard competition rank: equal totals share a place, the next place skips (1, 2, 2, 4). */
  rank: number;
  /** The position in the order (ties broken by account id), 1-based. */
  position: number;
  /** How many accounts are ranked. */
  ranked: number;
}

/**
 * Accounts ranked by a total over [from, to): points earned (net of returns) or qualifying spend
 * (amounts of `types` minus their returns), only those with a positive total, within `audience` (a
 * subquery of account ids, e.g. from accounts-reads) and not `excluded`. Answers the first `top`
 * places and the `around` neighbours on either side of `accountId`.
 */
export async function rankedTotals(
  db: Executor,
  programId: string,
  query: TotalsQuery & {
    top: number;
    accountId: string | null;
    around: number;
  },
): Promise<RankedTotal[]> {
  const totals = totalsSql(programId, query);
  const rows = await selectRows<{
    account_id: string;
    total: string;
    place: string | number;
    position: string | number;
    ranked: string | number;
  }>(
    db,
    sql`with totals as (${totals}),
        ranked as (
          select account_id, total,
                 rank() over (order by total desc) as place,
                 row_number() over (order by total desc, account_id) as position,
                 count(*) over () as ranked
            from totals where total > 0
        )
        select account_id, total::text as total, place, position, ranked from ranked
         where position <= ${query.top}
            or position between (select position from ranked where account_id = ${query.accountId}) - ${query.around}
                            and (select position from ranked where account_id = ${query.accountId}) + ${query.around}
         order by position`,
  );
  return rows.map((r) => ({
    accountId: r.account_id,
    total: BigInt(r.total),
    rank: Number(r.place),
    position: Number(r.position),
    ranked: Number(r.ranked),
  }));
}
