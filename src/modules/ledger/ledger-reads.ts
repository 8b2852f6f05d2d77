// What other modules may read of the ledger directly (functions take the executor first, so a caller
// can read inside its own transaction). Writes go through the ledger service.
import { type SQL, sql } from 'drizzle-orm';
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

/** A time range for exports: instants, either end open. */
interface ExportRange {
  start?: Date;
  end?: Date;
}

const rangeOn = (column: SQL, r: ExportRange) =>
  sql`${r.start ? sql`and ${column} >= ${r.start.toISOString()}` : sql``} ${r.end ? sql`and ${column} < ${r.end.toISOString()}` : sql``}`;

export const LEDGER_ENTRY_EXPORT_COLUMNS = [
  'id',
  'type',
  'phase',
  'accountId',
  'contactId',
  'walletId',
  'unit',
  'amount',
  'reasonCode',
  'sourceType',
  'sourceId',
  'relatedEntryId',
  'counterWalletId',
  'expiresAt',
  'writtenOff',
  'actor',
  'effectiveAt',
  'explanation',
] as const;

/** A page of journal entries for an export, by id after `after` (effective in the range), as rows of cells. */
export async function ledgerEntryExportPage(
  db: Executor,
  programId: string,
  range: ExportRange,
  after: string,
  limit: number,
) {
  const rows = await selectRows<Record<string, unknown>>(
    db,
    sql`select id, type, phase, account_id, contact_id, wallet_id, unit, amount::text as amount, reason_code, source_type,
               source_id, related_entry_id, counter_wallet_id, expires_at, written_off::text as written_off, actor, effective_at, explanation
          from ledger_entries e where program_id = ${programId} and id > ${after} ${rangeOn(sql`e.effective_at`, range)}
         order by id limit ${limit}`,
  );
  return rows.map((r) => [
    r.id,
    r.type,
    r.phase,
    r.account_id,
    r.contact_id,
    r.wallet_id,
    r.unit,
    r.amount,
    r.reason_code,
    r.source_type,
    r.source_id,
    r.related_entry_id,
    r.counter_wallet_id,
    r.expires_at,
    r.written_off,
    r.actor,
    r.effective_at,
    r.explanation,
  ]);
}

export const LEDGER_POSTING_EXPORT_COLUMNS = [
  'id',
  'entryId',
  'seq',
  'walletId',
  'accountId',
  'systemWallet',
  'unit',
  'amount',
  'entryType',
  'effectiveAt',
] as const;

/**
 * A page of postings for an export (effective in the range), after the posting `after` names
 * (`<entryId>/<seq>`, the first cell of each row), in entry and sequence order.
 */
export async function ledgerPostingExportPage(
  db: Executor,
  programId: string,
  range: ExportRange,
  after: string,
  limit: number,
) {
  const slash = after.lastIndexOf('/');
  const [entry, seq] = slash < 0 ? ['', -1] : [after.slice(0, slash), Number(after.slice(slash + 1))];
  const rows = await selectRows<Record<string, unknown>>(
    db,
    sql`select p.entry_id, p.seq, p.wallet_id, w.account_id, w.system_code, p.unit, p.amount::text as amount,
               e.type, p.effective_at
          from ledger_postings p
          join wallets w on w.program_id = p.program_id and w.id = p.wallet_id
          join ledger_entries e on e.program_id = p.program_id and e.id = p.entry_id
         where p.program_id = ${programId} and (p.entry_id, p.seq) > (${entry}, ${seq})
               ${rangeOn(sql`p.effective_at`, range)}
         order by p.entry_id, p.seq limit ${limit}`,
  );
  return rows.map((r) => [
    `${r.entry_id}/${r.seq}`,
    r.entry_id,
    r.seq,
    r.wallet_id,
    r.account_id,
    r.system_code,
    r.unit,
    r.amount,
    r.type,
    r.effective_at,
  ]);
}

export const WALLET_EXPORT_COLUMNS = [
  'id',
  'accountId',
  'unit',
  'asOf',
  'balance',
  'held',
  'pending',
  'debt',
] as const;

/**
 * A page of member wallets for an export, by id: the balance as of `range.end` from the postings
 * effective before it (so any past date gives the balance then); with no end, as of now, with the
 * holds, pending credits and debt the wallet has now (those are not kept through time, so an as-of
 * row leaves them empty) and an empty `asOf`.
 */
export async function walletExportPage(
  db: Executor,
  programId: string,
  range: ExportRange,
  after: string,
  limit: number,
) {
  const end = range.end?.toISOString() ?? null;
  const rows = await selectRows<Record<string, unknown>>(
    db,
    sql`select w.id, w.account_id, w.unit, w.held::text as held, w.pending::text as pending, w.debt::text as debt,
               coalesce((select sum(p.amount) from ledger_postings p
                          where p.program_id = w.program_id and p.wallet_id = w.id
                                ${end === null ? sql`` : sql`and p.effective_at < ${end}`}), 0)::text as balance
          from wallets w
         where w.program_id = ${programId} and w.account_id is not null and w.id > ${after}
         order by w.id limit ${limit}`,
  );
  return rows.map((r) => [
    r.id,
    r.account_id,
    r.unit,
    end,
    r.balance,
    end === null ? r.held : null,
    end === null ? r.pending : null,
    end === null ? r.debt : null,
  ]);
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
