// What other modules may read of events: totals over the stored events and awards (tier metrics),
// the events of accounts in a window and totals ranked across accounts (engagement), and the orders
// per account and local day (insight KPIs).
// Functions take the executor first, so a caller can read inside its own transaction.
import { sql } from 'drizzle-orm';
import { type Executor, selectRows, textArray } from '../../db/client.ts';
import { type TimeRange as ExportRange, rangeOn } from '../../db/ranges.ts';
import type { EventItem } from './events-tables.ts';

export {
  accountsActiveIn,
  eventsInWindow,
  type HistoryEvent,
  lastActiveBetween,
  type RankedTotal,
  rankedTotals,
  type TotalsQuery,
  totalsAtLeast,
  totalsSql,
} from './events-history-store.ts';
export {
  type AccountMonths,
  inAccountMonths,
  orderDaysOf,
  orderMonthChangesSql,
  orderMonthsTouched,
} from './events-orders.ts';
export { type MetricWindow, metricTotals } from './events-store.ts';

/**
 * Per account and local day (`timeZone`) of `occurred_at`, over the events of `types` that occurred
 * before `end`: how many were not fully returned, and their net amount in minor units of the base
 * currency (the amount less what `return` events before `end` took back — a return without an amount
 * takes back the whole order — never below zero per order).
 */
export async function orderDays(
  db: Executor,
  programId: string,
  types: string[],
  end: Date,
  timeZone: string,
): Promise<Array<{ accountId: string; day: string; orders: number; net: number }>> {
  const rows = await selectRows<{ account_id: string; day: string; orders: string; net: string }>(
    db,
    sql`
    with returned as (
      select r.original_event_id as id, sum(coalesce(r.base_amount, o.base_amount, 0)) as amount, count(*) as n
        from events r join events o on o.program_id = r.program_id and o.id = r.original_event_id
       where r.program_id = ${programId} and r.type = 'return' and r.occurred_at < ${end.toISOString()}
         and o.type = any(${textArray(types)})
       group by r.original_event_id),
    orders as (
      select e.account_id, to_char(e.occurred_at at time zone ${timeZone}, 'YYYY-MM-DD') as day,
             coalesce(e.base_amount, 0) as amount, coalesce(x.amount, 0) as returned, coalesce(x.n, 0) as returns
        from events e left join returned x on x.id = e.id
       where e.program_id = ${programId} and e.type = any(${textArray(types)})
         and e.occurred_at < ${end.toISOString()})
    select account_id, day,
           count(*) filter (where (amount = 0 and returns = 0) or returned < amount)::text as orders,
           sum(greatest(amount - returned, 0))::text as net
      from orders group by account_id, day order by account_id, day`,
  );
  return rows.map((r) => ({
    accountId: r.account_id,
    day: r.day,
    orders: Number(r.orders),
    net: Number(r.net),
  }));
}

export const EVENT_EXPORT_COLUMNS = [
  'id',
  'externalId',
  'type',
  'accountId',
  'contactId',
  'occurredAt',
  'receivedAt',
  'currency',
  'amount',
  'baseCurrency',
  'baseAmountMinor',
  'fxRate',
  'originalEventId',
  'references',
  'attributes',
] as const;

/** A page of events for an export, by id after `after` (occurred in the range), as rows of cells. */
export async function eventExportPage(
  db: Executor,
  programId: string,
  range: ExportRange,
  after: string,
  limit: number,
) {
  const rows = await selectRows<Record<string, unknown>>(
    db,
    sql`select id, external_id, type, account_id, contact_id, occurred_at, received_at, currency, amount, base_currency,
               base_amount::text as base_amount, fx_rate, original_event_id, "references"::text as refs, attributes::text as attrs
          from events e where program_id = ${programId} and id > ${after} ${rangeOn(sql`e.occurred_at`, range)}
         order by id limit ${limit}`,
  );
  return rows.map((r) => [
    r.id,
    r.external_id,
    r.type,
    r.account_id,
    r.contact_id,
    r.occurred_at,
    r.received_at,
    r.currency,
    r.amount,
    r.base_currency,
    r.base_amount,
    r.fx_rate,
    r.original_event_id,
    r.refs,
    r.attrs,
  ]);
}

/** An event as the partners' commission sweep reads it (decisions 0052, 0055). */
export interface RecordedEvent {
  /** Our id (`evt_…`): with `receivedAt`, the sweep's position. */
  eventId: string;
  /** The client's id (what the events' port hands on as `id`). */
  id: string;
  type: string;
  accountId: string;
  occurredAt: Date;
  /** As PostgreSQL wrote it (microseconds: a JavaScript date would round them away). */
  receivedAt: string;
  amountMinor: bigint | null;
  references: Record<string, string>;
  /** A return's original event, by the client's id. */
  originalEventId: string | null;
  /** What a referral's conversion condition reads of the event itself (decision 0055). */
  currency: string | null;
  amount: string | null;
  items: EventItem[];
  attributes: Record<string, unknown>;
}

interface RecordedRow {
  id: string;
  external_id: string;
  type: string;
  account_id: string;
  occurred_at: Date | string;
  received_at: string;
  base_amount: string | null;
  references: Record<string, string>;
  original_external_id: string | null;
  currency: string | null;
  amount: string | null;
  items: EventItem[] | null;
  attributes: Record<string, unknown> | null;
}

const recordedColumns = sql`e.id, e.external_id, e.type, e.account_id, e.occurred_at,
  e.received_at::text as received_at, e.base_amount::text as base_amount, e.references,
  o.external_id as original_external_id, e.currency, e.amount, e.items, e.attributes`;

const toRecorded = (r: RecordedRow): RecordedEvent => ({
  eventId: r.id,
  id: r.external_id,
  type: r.type,
  accountId: r.account_id,
  occurredAt: new Date(r.occurred_at),
  receivedAt: r.received_at,
  amountMinor: r.base_amount === null ? null : BigInt(r.base_amount),
  references: r.references ?? {},
  originalEventId: r.original_external_id ?? r.references?.originalEventId ?? null,
  currency: r.currency,
  amount: r.amount,
  items: r.items ?? [],
  attributes: r.attributes ?? {},
});

/**
 * Up to `limit` events of these accounts recorded after the position (`received_at`, id) and before
 * `until`, in that order (the index `events_received_idx`).
 */
export async function eventsRecordedAfter(
  db: Executor,
  programId: string,
  accountIds: string[],
  after: { at: string; id: string },
  until: Date,
  limit: number,
): Promise<RecordedEvent[]> {
  if (accountIds.length === 0) return [];
  const rows = await selectRows<RecordedRow>(
    db,
    sql`select ${recordedColumns}
          from events e
          left join events o on o.program_id = e.program_id and o.id = e.original_event_id
         where e.program_id = ${programId}
           and (e.received_at, e.id) > (${after.at}::timestamptz, ${after.id})
           and e.received_at < ${until.toISOString()}
           and e.account_id = any(${textArray(accountIds)})
         order by e.received_at, e.id
         limit ${limit}`,
  );
  return rows.map(toRecorded);
}

/** One event as the sweep reads it, by our id (an operator's retry of a skipped event, decision 0055). */
export async function recordedEvent(
  db: Executor,
  programId: string,
  eventId: string,
): Promise<RecordedEvent | null> {
  const [row] = await selectRows<RecordedRow>(
    db,
    sql`select ${recordedColumns}
          from events e
          left join events o on o.program_id = e.program_id and o.id = e.original_event_id
         where e.program_id = ${programId} and e.id = ${eventId}`,
  );
  return row ? toRecorded(row) : null;
}

/** When the newest event of these accounts recorded before `until` was recorded (as PostgreSQL writes it). */
export async function newestRecordedBefore(
  db: Executor,
  programId: string,
  accountIds: string[],
  until: Date,
): Promise<string | null> {
  if (accountIds.length === 0) return null;
  const [row] = await selectRows<{ at: string | null }>(
    db,
    sql`select max(received_at)::text as at from events
         where program_id = ${programId} and received_at < ${until.toISOString()}
           and account_id = any(${textArray(accountIds)})`,
  );
  return row?.at ?? null;
}
