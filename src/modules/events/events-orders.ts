// The orders as insight's KPI rollup reads them (decision 0059): the changes of each order month per
// effect month, the order months touched by events recorded since a watermark, and the order days of
// chosen months and account-months read directly (the rollup's partial and fresh parts).
// An order's state as of an instant is that of `orderDays`: with A its base amount (0 when none), R the
// returns' amounts (a return without an amount takes back A) and N their number, it counts 1 order when
// (A = 0 and N = 0) or R < A, and max(A − R, 0) of revenue.
import { type SQL, sql } from 'drizzle-orm';
import { type Executor, selectRows, textArray } from '../../db/client.ts';

/** Account-months (`YYYY-MM` in the program's time zone) as two parallel arrays. */
export interface AccountMonths {
  accounts: string[];
  months: string[];
}

const monthOf = (column: SQL, timeZone: string) =>
  sql`to_char(${column} at time zone ${timeZone}, 'YYYY-MM')`;

/**
 * A select of (account_id, month, effect_month, orders, net): the change each effect month made to the
 * orders of the account-months chosen by `where` (a condition on the orders `e`), summed per account,
 * order month and effect month. A return takes effect in the month of the later of its own and its
 * order's instant (a return dated before its order counts whenever the order does). Every account-month
 * with an order has a row in its own month (even when it sums to nothing, as `orderDays` has a day).
 */
export function orderMonthChangesSql(programId: string, types: string[], timeZone: string, where: SQL): SQL {
  return sql`
    with o as (
      select e.id, e.account_id, e.occurred_at, coalesce(e.base_amount, 0) as a, ${monthOf(sql`e.occurred_at`, timeZone)} as m
        from events e
       where e.program_id = ${programId} and e.type = any(${textArray(types)}) and ${where}),
    r as (
      select o.id, ${monthOf(sql`greatest(r.occurred_at, o.occurred_at)`, timeZone)} as em,
             sum(coalesce(r.base_amount, o.a)) as amt, count(*) as n
        from o join events r on r.program_id = ${programId} and r.original_event_id = o.id and r.type = 'return'
       group by 1, 2),
    steps as (
      select id, em, sum(amt) as amt, sum(n) as n
        from (select id, m as em, 0::numeric as amt, 0::bigint as n from o union all select id, em, amt, n from r) x
       group by id, em),
    cum as (
      select o.id, o.account_id, o.m, s.em, o.a,
             sum(s.amt) over w as rr, sum(s.n) over w as nn
        from steps s join o on o.id = s.id
      window w as (partition by s.id order by s.em)),
    val as (
      select id, account_id, m, em,
             case when (a = 0 and nn = 0) or rr < a then 1 else 0 end as ord,
             greatest(a - rr, 0) as net
        from cum),
    delta as (
      select account_id, m, em,
             ord - lag(ord, 1, 0) over (partition by id order by em) as d_ord,
             net - lag(net, 1, 0::numeric) over (partition by id order by em) as d_net
        from val)
    select account_id, m as month, em as effect_month, sum(d_ord)::int as orders, sum(d_net)::bigint as net
      from delta group by account_id, m, em`;
}

/** A condition on the orders `e`: the account-month is one of these. */
export function inAccountMonths(keys: AccountMonths, timeZone: string): SQL {
  return sql`e.account_id = any(${textArray(keys.accounts)})
    and (e.account_id, ${monthOf(sql`e.occurred_at`, timeZone)}) in
        (select * from unnest(${textArray(keys.accounts)}, ${textArray(keys.months)}))`;
}

/**
 * The account-months whose orders events recorded at or after `since` (and before `until`, when given)
 * changed: orders of `types` themselves and the orders that returns name.
 */
export async function orderMonthsTouched(
  db: Executor,
  programId: string,
  types: string[],
  timeZone: string,
  since: Date,
  until?: Date,
): Promise<AccountMonths> {
  const before = (alias: SQL) => (until ? sql`and ${alias}.received_at < ${until.toISOString()}` : sql``);
  const rows = await selectRows<{ account_id: string; month: string }>(
    db,
    sql`select account_id, ${monthOf(sql`occurred_at`, timeZone)} as month
          from events e
         where program_id = ${programId} and received_at >= ${since.toISOString()} ${before(sql`e`)}
           and type = any(${textArray(types)})
        union
        select o.account_id, ${monthOf(sql`o.occurred_at`, timeZone)}
          from events r join events o on o.program_id = r.program_id and o.id = r.original_event_id
         where r.program_id = ${programId} and r.received_at >= ${since.toISOString()} ${before(sql`r`)}
           and r.type = 'return' and o.type = any(${textArray(types)})`,
  );
  return { accounts: rows.map((r) => r.account_id), months: rows.map((r) => r.month) };
}

/**
 * `orderDays` (per account and local day, as known at `end`) of the orders that occurred in one of
 * the instant ranges or belong to one of the account-months, and before `end`.
 */
export async function orderDaysOf(
  db: Executor,
  programId: string,
  types: string[],
  end: Date,
  timeZone: string,
  ranges: Array<{ start: Date; end: Date }>,
  keys: AccountMonths,
): Promise<Array<{ accountId: string; day: string; orders: number; net: number }>> {
  const inRanges = ranges.map(
    (r) => sql`(e.occurred_at >= ${r.start.toISOString()} and e.occurred_at < ${r.end.toISOString()})`,
  );
  const chosen = [
    ...inRanges,
    ...(keys.accounts.length > 0 ? [sql`(${inAccountMonths(keys, timeZone)})`] : []),
  ];
  if (chosen.length === 0) return [];
  const rows = await selectRows<{ account_id: string; day: string; orders: string; net: string }>(
    db,
    sql`
    with o as (
      select e.id, e.account_id, to_char(e.occurred_at at time zone ${timeZone}, 'YYYY-MM-DD') as day,
             coalesce(e.base_amount, 0) as amount
        from events e
       where e.program_id = ${programId} and e.type = any(${textArray(types)})
         and e.occurred_at < ${end.toISOString()} and (${sql.join(chosen, sql` or `)}))
    -- Each order's returns by the index on original_event_id (lateral: a few orders must not scan
    -- every return of the program).
    select o.account_id, o.day,
           count(*) filter (where (o.amount = 0 and x.returns = 0) or coalesce(x.returned, 0) < o.amount)::text as orders,
           sum(greatest(o.amount - coalesce(x.returned, 0), 0))::text as net
      from o cross join lateral (
             select sum(coalesce(r.base_amount, o.amount)) as returned, count(*) as returns
               from events r
              where r.program_id = ${programId} and r.original_event_id = o.id
                and r.type = 'return' and r.occurred_at < ${end.toISOString()}) x
     group by o.account_id, o.day`,
  );
  return rows.map((r) => ({
    accountId: r.account_id,
    day: r.day,
    orders: Number(r.orders),
    net: Number(r.net),
  }));
}
