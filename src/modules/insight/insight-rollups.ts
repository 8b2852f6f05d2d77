// The KPI rollup (decision 0059): the orders per account, local month and effect month, kept by the due
// run from the events recorded since its watermark (received_at) and recomputed whole on demand, on
// the first run and when the program's time zone or purchase types change. The KPI report and the
// cohort table read it for the whole months of their period, and read directly from the events the
// partial months, the account-months that events recorded since the watermark touched and those with a
// return in the period's last (partial) month: so the figures equal the on-request computation.
import { sql } from 'drizzle-orm';
import { startOfLocalDay } from '../../core/calendar.ts';
import type { OrderDay } from '../../core/insight/kpis.ts';
import { addMonth } from '../../core/insight/kpis.ts';
import { advisoryLock, type Executor, selectRows, textArray } from '../../db/client.ts';
import {
  type AccountMonths,
  inAccountMonths,
  orderDaysOf,
  orderMonthChangesSql,
  orderMonthsTouched,
} from '../events/events-reads.ts';
import type { InsightDeps } from './insight-kpis.ts';
import { insightSettings } from './insight-settings.ts';
import { insightRollups } from './insight-tables.ts';

/** Events recorded less than this long ago are left for the next run (a transaction may still commit them). */
export const ROLLUP_SETTLE_MS = 300_000;

type RollupState = typeof insightRollups.$inferSelect;

async function stateOf(db: Executor, programId: string): Promise<RollupState | undefined> {
  const [row] = await db.select().from(insightRollups).where(sql`${insightRollups.programId} = ${programId}`);
  return row;
}

const sameTypes = (a: string[], b: string[]) => [...a].sort().join('\n') === [...b].sort().join('\n');

/** Whether the rows were built with the program's zone and purchase types (else they are not read). */
const usable = (state: RollupState | undefined, timeZone: string, types: string[]) =>
  state !== undefined && state.timeZone === timeZone && sameTypes(state.purchaseTypes, types);

/**
 * Brings the program's rollup up to `now − settle`: the account-months that events recorded since the
 * watermark touched are computed again from all their events; everything when `recompute`, on the
 * first run or when the zone or purchase types changed. Serialised per program (an advisory lock), so
 * two runs at once do the work once and never count twice (a run replaces rows, it never adds to them).
 */
export async function rollUpKpis(
  { database, programs }: InsightDeps,
  programId: string,
  options: { now?: Date; recompute?: boolean; settleMs?: number } = {},
) {
  const now = options.now ?? new Date();
  const until = new Date(now.getTime() - (options.settleMs ?? ROLLUP_SETTLE_MS));
  const program = await programs.get(programId);
  const { purchaseTypes } = insightSettings(program.settings);
  const tz = program.timeZone;
  return database.transaction(async (tx) => {
    await advisoryLock(tx, `kpi-rollup:${programId}`);
    const state = await stateOf(tx, programId);
    const whole = options.recompute || !usable(state, tz, purchaseTypes);
    let accountMonths: number | null = null;
    if (whole) {
      await tx.execute(sql`delete from insight_order_months where program_id = ${programId}`);
      await tx.execute(
        sql`insert into insight_order_months (program_id, account_id, month, effect_month, orders, net)
            select ${programId}, * from (${orderMonthChangesSql(programId, purchaseTypes, tz, sql`true`)}) c`,
      );
    } else if (until > state!.rolledUpTo) {
      const keys = await orderMonthsTouched(tx, programId, purchaseTypes, tz, state!.rolledUpTo, until);
      accountMonths = keys.accounts.length;
      if (accountMonths > 0) await replaceAccountMonths(tx, programId, purchaseTypes, tz, keys);
    } else return { recomputed: false, accountMonths: 0, rolledUpTo: state!.rolledUpTo.toISOString() };
    const rolledUpTo = until;
    const values = {
      rolledUpTo,
      timeZone: tz,
      purchaseTypes,
      recomputedAt: whole ? now : state!.recomputedAt,
      updatedAt: now,
    };
    await tx
      .insert(insightRollups)
      .values({ programId, ...values })
      .onConflictDoUpdate({ target: insightRollups.programId, set: values });
    return { recomputed: whole, accountMonths, rolledUpTo: rolledUpTo.toISOString() };
  });
}

async function replaceAccountMonths(
  tx: Executor,
  programId: string,
  types: string[],
  timeZone: string,
  keys: AccountMonths,
) {
  await tx.execute(
    sql`delete from insight_order_months
         where program_id = ${programId} and account_id = any(${textArray(keys.accounts)})
           and (account_id, month) in (select * from unnest(${textArray(keys.accounts)}, ${textArray(keys.months)}))`,
  );
  await tx.execute(
    sql`insert into insight_order_months (program_id, account_id, month, effect_month, orders, net)
        select ${programId}, * from (${orderMonthChangesSql(programId, types, timeZone, inAccountMonths(keys, timeZone))}) c`,
  );
}

/** How a report's orders were read (`freshness` in the answer). */
export interface Freshness {
  /** `rollup`: whole months from the rollup, the rest from the events; `events`: all from the events. */
  source: 'rollup' | 'events';
  /** Every event recorded before this instant is in the rollup; later ones were read directly. */
  rolledUpTo: string | null;
  /** Account-months read directly from the events besides the partial months. */
  accountMonthsReadDirectly: number;
}

const nextDay = (s: string) => new Date(Date.parse(`${s}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const monthStart = (month: string, timeZone: string) => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return startOfLocalDay({ year, month: m, day: 1 }, timeZone);
};

/**
 * The order days of a period as `orderDays` gives them (as known at the period's end), through the
 * rollup: null when the program has no usable rollup (the caller reads the events).
 */
export async function orderDaysThroughRollup(
  db: Executor,
  programId: string,
  types: string[],
  timeZone: string,
  period: { from: string; to: string; end: Date },
): Promise<{ orderDays: OrderDay[]; freshness: Freshness } | null> {
  const state = await stateOf(db, programId);
  if (!usable(state, timeZone, types)) return null;
  const fromMonth = period.from.slice(0, 7);
  const toMonth = period.to.slice(0, 7);
  const toWhole = nextDay(period.to).endsWith('-01');
  // The months the period covers only in part: their orders are read from the events, by day.
  const partial = period.from.endsWith('-01') ? [] : [fromMonth];
  if (!toWhole && !partial.includes(toMonth)) partial.push(toMonth);
  const touched = await orderMonthsTouched(db, programId, types, timeZone, state!.rolledUpTo);
  const live = new Set<string>();
  const keys: AccountMonths = { accounts: [], months: [] };
  const add = (account: string, month: string) => {
    const key = `${account}\n${month}`;
    if (live.has(key) || month > toMonth || partial.includes(month)) return;
    live.add(key);
    keys.accounts.push(account);
    keys.months.push(month);
  };
  for (const [i, a] of touched.accounts.entries()) add(a, touched.months[i]!);
  const orderDays: OrderDay[] = [];
  for (const r of await wholeMonths(db, programId, keys, partial, toMonth, !toWhole, addMonth(fromMonth, -1)))
    if (r.late) add(r.account_id, r.month);
    else
      orderDays.push({ accountId: r.account_id, day: `${r.month}-01`, orders: r.orders, net: Number(r.net) });
  const ranges = partial.map((m) => ({
    start: monthStart(m, timeZone),
    end: monthStart(addMonth(m, 1), timeZone),
  }));
  orderDays.push(...(await orderDaysOf(db, programId, types, period.end, timeZone, ranges, keys)));
  return {
    orderDays,
    freshness: {
      source: 'rollup',
      rolledUpTo: state!.rolledUpTo.toISOString(),
      accountMonthsReadDirectly: keys.accounts.length,
    },
  };
}

/**
 * The rollup's whole months up to `toMonth`, but the account-months in `skip` and the partial months:
 * one row per account-month from `window` on (retention and cohorts look at those months), and before
 * it one row per account dated at its first month with an order (the figures only sum those months'
 * orders and revenue, and take that first month). With `lateIn`, the account-months with a change in
 * `toMonth` come back as `late` (their returns may fall after the period's end: read them directly).
 */
async function wholeMonths(
  db: Executor,
  programId: string,
  skip: AccountMonths,
  partial: string[],
  toMonth: string,
  lateIn: boolean,
  window: string,
) {
  return selectRows<{ account_id: string; month: string; orders: number; net: string; late: boolean }>(
    db,
    sql`with m as (
          select account_id, month, sum(orders)::int as orders, sum(net) as net,
                 ${lateIn} and bool_or(effect_month = ${toMonth}) as late
            from insight_order_months
           where program_id = ${programId} and month <= ${toMonth} and effect_month <= ${toMonth}
             and month <> all(${textArray(partial)})
             and not exists (select 1 from unnest(${textArray(skip.accounts)}, ${textArray(skip.months)}) k(a, m)
                              where k.a = account_id and k.m = month)
           group by account_id, month),
        kept as (select * from m where not late)
        select account_id, month, orders, net::text as net, false as late from kept where month >= ${window}
        union all
        select account_id, coalesce(min(month) filter (where orders > 0), min(month)), sum(orders)::int,
               sum(net)::text, false
          from kept where month < ${window} group by account_id
        union all
        select account_id, month, 0, '0', true from m where late`,
  );
}
