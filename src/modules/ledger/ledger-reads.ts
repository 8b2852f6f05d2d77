// What other modules may read of the ledger directly (functions take the executor first, so a caller
// can read inside its own transaction). Writes go through the ledger service.
import { sql } from 'drizzle-orm';
import { type Executor, selectRows, textArray } from '../../db/client.ts';

/**
 * Sums of the postings on member wallets per owning account, unit and entry type: those effective
 * before `start`, and those in [start, end). Postings after `end` are not read.
 */
export async function memberPostingSums(
  db: Executor,
  programId: string,
  start: Date,
  end: Date,
): Promise<Array<{ accountId: string; unit: string; entryType: string; before: number; during: number }>> {
  const rows = await selectRows<{
    account_id: string;
    unit: string;
    type: string;
    before: string;
    during: string;
  }>(
    db,
    sql`
    select w.account_id, w.unit, e.type,
           coalesce(sum(p.amount) filter (where p.effective_at < ${start.toISOString()}), 0)::text as before,
           coalesce(sum(p.amount) filter (where p.effective_at >= ${start.toISOString()}), 0)::text as during
      from ledger_postings p
      join wallets w on w.program_id = p.program_id and w.id = p.wallet_id and w.system_code is null
      join ledger_entries e on e.program_id = p.program_id and e.id = p.entry_id
     where p.program_id = ${programId} and p.effective_at < ${end.toISOString()}
     group by w.account_id, w.unit, e.type
     order by w.account_id, w.unit, e.type`,
  );
  return rows.map((r) => ({
    accountId: r.account_id,
    unit: r.unit,
    entryType: r.type,
    before: Number(r.before),
    during: Number(r.during),
  }));
}

/**
 * Points earned since `since` into the points wallets the accounts named own (with pooling, the group's
 * wallet), per account and contact that caused them (the journal's `account_id` / `contact_id`): earn
 * entries, posted or pending, reversals not taken off. Most first. The member portal's company view.
 */
export async function earnedBy(
  db: Executor,
  programId: string,
  accountIds: string[],
  since: Date,
  limit: number,
): Promise<Array<{ accountId: string; contactId: string | null; earned: number }>> {
  if (accountIds.length === 0) return [];
  const rows = await selectRows<{ account_id: string; contact_id: string | null; earned: string }>(
    db,
    sql`
    select e.account_id, e.contact_id, sum(e.amount)::text as earned
      from wallets w
      join ledger_entries e on e.program_id = w.program_id and e.wallet_id = w.id
     where w.program_id = ${programId} and w.account_id = any(${textArray(accountIds)})
       and w.unit = 'points' and w.system_code is null
       and e.type = 'earn' and e.phase in ('posted', 'pending')
       and e.effective_at >= ${since.toISOString()}
     group by e.account_id, e.contact_id
     order by sum(e.amount) desc, e.account_id, e.contact_id
     limit ${limit}`,
  );
  return rows.map((r) => ({ accountId: r.account_id, contactId: r.contact_id, earned: Number(r.earned) }));
}

/**
 * What the program gave its members in [start, end), for its cost: the postings of credits (`earn`)
 * and of their take-backs (`reverse`) on member wallets, summed per account, unit, entry type and
 * reason code (commissions are credits with reason `commission`, their clawbacks reverse them).
 */
export async function memberCreditsByReason(
  db: Executor,
  programId: string,
  start: Date,
  end: Date,
): Promise<
  Array<{ accountId: string; unit: string; entryType: string; reasonCode: string; amount: number }>
> {
  const rows = await selectRows<{
    account_id: string;
    unit: string;
    type: string;
    reason_code: string | null;
    amount: string;
  }>(
    db,
    sql`
    select w.account_id, w.unit, e.type, e.reason_code, sum(p.amount)::text as amount
      from ledger_postings p
      join wallets w on w.program_id = p.program_id and w.id = p.wallet_id and w.system_code is null
      join ledger_entries e on e.program_id = p.program_id and e.id = p.entry_id
     where p.program_id = ${programId} and e.type in ('earn', 'reverse')
       and p.effective_at >= ${start.toISOString()} and p.effective_at < ${end.toISOString()}
     group by w.account_id, w.unit, e.type, e.reason_code
     order by w.account_id, w.unit, e.type, e.reason_code`,
  );
  return rows.map((r) => ({
    accountId: r.account_id,
    unit: r.unit,
    entryType: r.type,
    reasonCode: r.reason_code ?? '',
    amount: Number(r.amount),
  }));
}

/**
 * One account's statement figures per unit over [start, end) from the postings on its member wallets
 * (decision 0027): the balance before `start` and before `end`, and the period's postings split into
 * credits, debits and expiries (every posting counted once, so opening + earned − spent − expired is
 * the closing balance exactly).
 */
export async function accountStatementSums(
  db: Executor,
  programId: string,
  accountId: string,
  start: Date,
  end: Date,
): Promise<
  Array<{ unit: string; opening: number; earned: number; spent: number; expired: number; closing: number }>
> {
  const s = start.toISOString();
  const rows = await selectRows<{
    unit: string;
    opening: string;
    earned: string;
    spent: string;
    expired: string;
    closing: string;
  }>(
    db,
    sql`
    select w.unit,
           coalesce(sum(p.amount) filter (where p.effective_at < ${s}), 0)::text as opening,
           coalesce(sum(p.amount) filter (where p.effective_at >= ${s} and e.type <> 'expire' and p.amount > 0), 0)::text as earned,
           coalesce(-sum(p.amount) filter (where p.effective_at >= ${s} and e.type <> 'expire' and p.amount < 0), 0)::text as spent,
           coalesce(-sum(p.amount) filter (where p.effective_at >= ${s} and e.type = 'expire'), 0)::text as expired,
           coalesce(sum(p.amount), 0)::text as closing
      from ledger_postings p
      join wallets w on w.program_id = p.program_id and w.id = p.wallet_id and w.system_code is null
      join ledger_entries e on e.program_id = p.program_id and e.id = p.entry_id
     where p.program_id = ${programId} and w.account_id = ${accountId} and p.effective_at < ${end.toISOString()}
     group by w.unit
     order by w.unit`,
  );
  return rows.map((r) => ({
    unit: r.unit,
    opening: Number(r.opening),
    earned: Number(r.earned),
    spent: Number(r.spent),
    expired: Number(r.expired),
    closing: Number(r.closing),
  }));
}

/**
 * Per unit, what of an account's points expires in (from, until]: the expiries posted in that window
 * and what remains of its lots expiring in it (an expired lot has nothing left, so nothing is counted
 * twice). Once the window has passed this is read from the journal alone and no longer changes.
 */
export async function accountExpiringSums(
  db: Executor,
  programId: string,
  accountId: string,
  from: Date,
  until: Date,
): Promise<Map<string, number>> {
  const f = from.toISOString();
  const u = until.toISOString();
  const rows = await selectRows<{ unit: string; amount: string }>(
    db,
    sql`
    select unit, sum(amount)::text as amount from (
      select w.unit, -p.amount as amount
        from ledger_postings p
        join wallets w on w.program_id = p.program_id and w.id = p.wallet_id and w.system_code is null
        join ledger_entries e on e.program_id = p.program_id and e.id = p.entry_id and e.type = 'expire'
       where p.program_id = ${programId} and w.account_id = ${accountId}
         and p.effective_at > ${f} and p.effective_at <= ${u}
      union all
      select w.unit, l.remaining as amount
        from ledger_lots l
        join wallets w on w.program_id = l.program_id and w.id = l.wallet_id and w.system_code is null
       where l.program_id = ${programId} and w.account_id = ${accountId} and l.remaining > 0
         and l.earned_at < ${f} and l.expires_at > ${f} and l.expires_at <= ${u}
    ) x
    group by unit`,
  );
  return new Map(rows.map((r) => [r.unit, Number(r.amount)]));
}

/** Lots of member wallets with points left that expire in (from, until], oldest expiry first. */
export async function lotsExpiringBetween(
  db: Executor,
  programId: string,
  from: Date,
  until: Date,
  after: string | null,
  limit: number,
): Promise<
  Array<{
    lotId: string;
    walletId: string;
    accountId: string;
    unit: string;
    remaining: number;
    expiresAt: Date;
  }>
> {
  const rows = await selectRows<{
    id: string;
    wallet_id: string;
    account_id: string;
    unit: string;
    remaining: string;
    expires_at: string;
  }>(
    db,
    sql`
    select l.id, l.wallet_id, w.account_id, w.unit, l.remaining::text as remaining, l.expires_at
      from ledger_lots l
      join wallets w on w.program_id = l.program_id and w.id = l.wallet_id and w.system_code is null
     where l.program_id = ${programId} and l.remaining > 0
       and l.expires_at > ${from.toISOString()} and l.expires_at <= ${until.toISOString()}
       ${after ? sql`and l.id > ${after}` : sql``}
     order by l.id
     limit ${limit}`,
  );
  return rows.map((r) => ({
    lotId: r.id,
    walletId: r.wallet_id,
    accountId: r.account_id,
    unit: r.unit,
    remaining: Number(r.remaining),
    expiresAt: new Date(r.expires_at),
  }));
}

/**
 * What is available (balance less held) in each of these accounts' own wallets of `unit`, by account
 * (an account without such a wallet is absent). Wallets pooled by group belong to the group's top:
 * ask for the owners.
 */
export async function availableByAccount(
  db: Executor,
  programId: string,
  accountIds: readonly string[],
  unit: string,
): Promise<Map<string, number>> {
  if (accountIds.length === 0) return new Map();
  const rows = await selectRows<{ account_id: string; available: string }>(
    db,
    sql`select account_id, (balance - held)::text as available from wallets
         where program_id = ${programId} and unit = ${unit} and account_id = any(${textArray(accountIds)})`,
  );
  return new Map(rows.map((r) => [r.account_id, Number(r.available)]));
}
