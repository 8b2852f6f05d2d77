// SQL of what the ledger reports: a wallet's history with its running balance, balances as of an
// instant, the liability, the expiry schedule, and the consistency checks of verify.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { type Executor, selectRows } from '../../db/client.ts';
import type { EntryRow, WalletRow } from './ledger-store.ts';
import { wallets } from './ledger-tables.ts';

export interface HistoryFilters {
  type?: string;
  from?: Date;
  to?: Date;
  contactId?: string;
  before?: { effectiveAt: string; id: string };
}

export interface HistoryRow extends EntryRow {
  delta: number;
  balanceAfter: number;
}

/** A wallet's entries newest first, each with its effect on the wallet and the running balance after it. */
export async function walletHistory(
  db: Executor,
  programId: string,
  walletId: string,
  f: HistoryFilters,
  limit: number,
): Promise<HistoryRow[]> {
  const conditions = [sql`true`];
  if (f.type) conditions.push(sql`h.type = ${f.type}`);
  if (f.from) conditions.push(sql`h.effective_at >= ${f.from.toISOString()}`);
  if (f.to) conditions.push(sql`h.effective_at < ${f.to.toISOString()}`);
  if (f.contactId) conditions.push(sql`h.contact_id = ${f.contactId}`);
  if (f.before) {
    conditions.push(sql`(h.effective_at, h.id) < (${f.before.effectiveAt}::timestamptz, ${f.before.id})`);
  }
  const rows = await selectRows<Record<string, unknown>>(
    db,
    sql`
    select * from (
      select e.*, coalesce(p.amount, 0) as delta,
             sum(coalesce(p.amount, 0)) over (order by e.effective_at, e.id) as balance_after
        from ledger_entries e
        left join (select entry_id, sum(amount) as amount from ledger_postings
                    where program_id = ${programId} and wallet_id = ${walletId} group by entry_id) p
               on p.entry_id = e.id
       where e.program_id = ${programId} and (e.wallet_id = ${walletId} or e.counter_wallet_id = ${walletId})
    ) h
    where ${sql.join(conditions, sql` and `)}
    order by h.effective_at desc, h.id desc
    limit ${limit}`,
  );
  return rows.map(historyRow);
}

function historyRow(r: Record<string, unknown>): HistoryRow {
  const date = (v: unknown) =>
    v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v));
  return {
    programId: String(r.program_id),
    id: String(r.id),
    idempotencyKey: String(r.idempotency_key),
    fingerprint: String(r.fingerprint),
    type: r.type as EntryRow['type'],
    phase: r.phase as EntryRow['phase'],
    walletId: String(r.wallet_id),
    accountId: String(r.account_id),
    contactId: (r.contact_id as string | null) ?? null,
    unit: String(r.unit),
    amount: Number(r.amount),
    reasonCode: String(r.reason_code),
    sourceType: r.source_type as EntryRow['sourceType'],
    sourceId: (r.source_id as string | null) ?? null,
    explanation: String(r.explanation),
    relatedEntryId: (r.related_entry_id as string | null) ?? null,
    counterWalletId: (r.counter_wallet_id as string | null) ?? null,
    resolveBy: date(r.resolve_by),
    expiresAt: date(r.expires_at),
    writtenOff: Number(r.written_off),
    actor: (r.actor as string | null) ?? null,
    effectiveAt: date(r.effective_at)!,
    createdAt: date(r.created_at)!,
    delta: Number(r.delta),
    balanceAfter: Number(r.balance_after),
  };
}

/** Net position (postings) of a wallet as of an instant. */
export async function netAsOf(
  db: Executor,
  programId: string,
  walletId: string,
  asOf: Date,
): Promise<number> {
  const [row] = await selectRows<{ total: string | null }>(
    db,
    sql`select sum(amount) as total from ledger_postings
         where program_id = ${programId} and wallet_id = ${walletId} and effective_at <= ${asOf.toISOString()}`,
  );
  return Number(row?.total ?? 0);
}

export async function memberWallets(db: Executor, programId: string): Promise<WalletRow[]> {
  return db
    .select()
    .from(wallets)
    .where(and(eq(wallets.programId, programId), isNull(wallets.systemCode)))
    .orderBy(asc(wallets.id));
}

/** Per member wallet: the sum of its postings and of its lots' remainders (for consistency checks). */
export async function walletTotals(
  db: Executor,
  programId: string,
): Promise<Array<{ walletId: string; postings: number; lots: number }>> {
  const rows = await selectRows<{ wallet_id: string; postings: string | null; lots: string | null }>(
    db,
    sql`select w.id as wallet_id,
               (select sum(amount) from ledger_postings p where p.program_id = w.program_id and p.wallet_id = w.id) as postings,
               (select sum(remaining) from ledger_lots l where l.program_id = w.program_id and l.wallet_id = w.id) as lots
          from wallets w where w.program_id = ${programId} and w.system_code is null order by w.id`,
  );
  return rows.map((r) => ({
    walletId: r.wallet_id,
    postings: Number(r.postings ?? 0),
    lots: Number(r.lots ?? 0),
  }));
}

/** Entries whose postings do not sum to zero per unit (empty in a sound journal). */
export async function unbalancedEntries(db: Executor, programId: string): Promise<string[]> {
  const rows = await selectRows<{ entry_id: string }>(
    db,
    sql`select entry_id from ledger_postings where program_id = ${programId}
         group by entry_id, unit having sum(amount) <> 0`,
  );
  return rows.map((r) => r.entry_id);
}

/** Wallets that postings name but that do not exist (postings have no foreign key to wallets: decision 0020). */
export async function postingsToUnknownWallets(db: Executor, programId: string): Promise<string[]> {
  const rows = await selectRows<{ wallet_id: string }>(
    db,
    sql`select distinct p.wallet_id from ledger_postings p where p.program_id = ${programId}
         and not exists (select 1 from wallets w where w.program_id = p.program_id and w.id = p.wallet_id)`,
  );
  return rows.map((r) => r.wallet_id);
}

export interface LiabilityRow {
  unit: string;
  outstanding: number;
  pending: number;
  held: number;
  debt: number;
  wallets: number;
}

/** Member liability per unit as of an instant, from the journal. */
export async function liabilityAsOf(db: Executor, programId: string, asOf: Date): Promise<LiabilityRow[]> {
  const at = asOf.toISOString();
  const rows = await selectRows<Record<string, string | number | null>>(
    db,
    sql`
    with member as (select id, unit from wallets where program_id = ${programId} and system_code is null),
    posted as (
      select m.unit, sum(p.amount) as outstanding, count(distinct m.id) as wallets
        from member m join ledger_postings p on p.program_id = ${programId} and p.wallet_id = m.id
       where p.effective_at <= ${at}
       group by m.unit),
    open_entries as (
      select e.unit, e.phase, e.amount from ledger_entries e
       where e.program_id = ${programId} and e.phase in ('pending', 'hold') and e.effective_at <= ${at}
         and not exists (select 1 from ledger_entries r where r.program_id = ${programId}
                          and r.related_entry_id = e.id and r.phase in ('post', 'void') and r.effective_at <= ${at})),
    open_sums as (
      select unit, sum(case when phase = 'pending' then amount else 0 end) as pending,
                   sum(case when phase = 'hold' then amount else 0 end) as held
        from open_entries group by unit),
    debts as (select unit, sum(debt) as debt from wallets where program_id = ${programId} and system_code is null group by unit)
    select u.unit, coalesce(p.outstanding, 0) as outstanding, coalesce(p.wallets, 0) as wallets,
           coalesce(o.pending, 0) as pending, coalesce(o.held, 0) as held, coalesce(d.debt, 0) as debt
      from (select distinct unit from member) u
      left join posted p on p.unit = u.unit
      left join open_sums o on o.unit = u.unit
      left join debts d on d.unit = u.unit
     order by u.unit`,
  );
  return rows.map((r) => ({
    unit: String(r.unit),
    outstanding: Number(r.outstanding),
    pending: Number(r.pending),
    held: Number(r.held),
    debt: Number(r.debt),
    wallets: Number(r.wallets),
  }));
}

/**
 * Units that expire per local calendar month after `from`, per unit (current lot state). A lot that
 * expires at the first instant of a month counts for the month before: its last month of use.
 */
export async function expiryScheduleByMonth(
  db: Executor,
  programId: string,
  from: Date,
  months: number,
  timeZone: string,
): Promise<Array<{ unit: string; month: string; amount: number }>> {
  const rows = await selectRows<{ unit: string; month: string; amount: string }>(
    db,
    sql`
    select w.unit, to_char(date_trunc('month', (l.expires_at - interval '1 microsecond') at time zone ${timeZone}), 'YYYY-MM') as month,
           sum(l.remaining) as amount
      from ledger_lots l join wallets w on w.program_id = l.program_id and w.id = l.wallet_id
     where l.program_id = ${programId} and l.remaining > 0 and l.expires_at is not null
       and l.expires_at > ${from.toISOString()}
       and l.expires_at <= (${from.toISOString()}::timestamptz + make_interval(months => ${months}))
     group by 1, 2 order by 1, 2`,
  );
  return rows.map((r) => ({ unit: r.unit, month: r.month, amount: Number(r.amount) }));
}

/**
 * Units of one unit earned (earn credits) and redeemed (redeem debits) by member wallets per local
 * calendar day, for the `days` days ending with the day of `at` (every day listed, zeros included).
 */
export async function activityByDay(
  db: Executor,
  programId: string,
  unit: string,
  at: Date,
  days: number,
  timeZone: string,
): Promise<Array<{ day: string; issued: number; redeemed: number }>> {
  const rows = await selectRows<{ day: string; issued: string; redeemed: string }>(
    db,
    sql`
    with bounds as (
      select date_trunc('day', ${at.toISOString()}::timestamptz at time zone ${timeZone})
             - make_interval(days => ${days - 1}) as first_day),
    calendar as (
      select generate_series(first_day, first_day + make_interval(days => ${days - 1}), interval '1 day') as day
        from bounds),
    moved as (
      select date_trunc('day', p.effective_at at time zone ${timeZone}) as day,
             sum(case when e.type = 'earn' and p.amount > 0 then p.amount else 0 end) as issued,
             sum(case when e.type = 'redeem' and p.amount < 0 then -p.amount else 0 end) as redeemed
        from ledger_postings p
        join wallets w on w.program_id = p.program_id and w.id = p.wallet_id and w.system_code is null
        join ledger_entries e on e.program_id = p.program_id and e.id = p.entry_id
       where p.program_id = ${programId} and w.unit = ${unit}
         and p.effective_at >= (select first_day at time zone ${timeZone} from bounds)
         and p.effective_at <= ${at.toISOString()}
       group by 1)
    select to_char(c.day, 'YYYY-MM-DD') as day, coalesce(m.issued, 0) as issued, coalesce(m.redeemed, 0) as redeemed
      from calendar c left join moved m on m.day = c.day
     order by c.day`,
  );
  return rows.map((r) => ({ day: r.day, issued: Number(r.issued), redeemed: Number(r.redeemed) }));
}
