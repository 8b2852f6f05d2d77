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
 * One account's statement sums per unit over [start, end) from the postings on its member wallets
 * (decisions 0027, 0037): the balance before `start` and before `end`, and the period's postings
 * netted per entry type and reason code (every posting counted once, so the opening balance plus
 * the movements is the closing balance exactly). Nothing effective from `end` on is read.
 */
export async function accountStatementSums(
  db: Executor,
  programId: string,
  accountId: string,
  start: Date,
  end: Date,
): Promise<
  Array<{
    unit: string;
    opening: number;
    closing: number;
    movements: Array<{ type: string; reason: string; amount: number }>;
  }>
> {
  const s = start.toISOString();
  const rows = await selectRows<{
    unit: string;
    type: string;
    reason: string;
    before: string;
    during: string;
  }>(
    db,
    sql`
    select w.unit, e.type, e.reason_code as reason,
           coalesce(sum(p.amount) filter (where p.effective_at < ${s}), 0)::text as before,
           coalesce(sum(p.amount) filter (where p.effective_at >= ${s}), 0)::text as during
      from ledger_postings p
      join wallets w on w.program_id = p.program_id and w.id = p.wallet_id and w.system_code is null
      join ledger_entries e on e.program_id = p.program_id and e.id = p.entry_id
     where p.program_id = ${programId} and w.account_id = ${accountId} and p.effective_at < ${end.toISOString()}
     group by w.unit, e.type, e.reason_code
     order by w.unit, e.type, e.reason_code`,
  );
  const units = new Map<
    string,
    {
      unit: string;
      opening: number;
      closing: number;
      movements: Array<{ type: string; reason: string; amount: number }>;
    }
  >();
  for (const r of rows) {
    const u = units.get(r.unit) ?? { unit: r.unit, opening: 0, closing: 0, movements: [] };
    units.set(r.unit, u);
    u.opening += Number(r.before);
    u.closing += Number(r.before) + Number(r.during);
    if (Number(r.during) !== 0)
      u.movements.push({ type: r.type, reason: r.reason, amount: Number(r.during) });
  }
  return [...units.values()];
}

/**
 * Per unit, what of an account's balance at `asOf` expires in each window (b[i], b[i+1]] of the
 * boundaries: what was left at `asOf` of its lots expiring in the window, as the journal stood then
 * (each lot's amount less what entries effective before `asOf` took from it), so later spending,
 * expiries or corrections never change it. `result.get(unit)[i]` is the window ending at b[i+1].
 */
export async function accountExpiringAt(
  db: Executor,
  programId: string,
  accountId: string,
  asOf: Date,
  boundaries: Date[],
): Promise<Map<string, number[]>> {
  if (boundaries.length < 2) return new Map();
  const at = asOf.toISOString();
  const windows = boundaries
    .slice(1)
    .map(
      (b, i) =>
        sql`coalesce(sum(left_at) filter (where expires_at > ${boundaries[i]!.toISOString()} and expires_at <= ${b.toISOString()}), 0)::text`,
    );
  const rows = await selectRows<{ unit: string; sums: string[] }>(
    db,
    sql`
    select unit, array[${sql.join(windows, sql`, `)}] as sums from (
      select w.unit, l.expires_at,
             l.amount - coalesce((select sum(a.amount)
                                    from ledger_lot_allocations a
                                    join ledger_entries e on e.program_id = a.program_id and e.id = a.entry_id
                                   where a.program_id = l.program_id and a.lot_id = l.id
                                     and e.effective_at < ${at}), 0) as left_at
        from ledger_lots l
        join wallets w on w.program_id = l.program_id and w.id = l.wallet_id and w.system_code is null
       where l.program_id = ${programId} and w.account_id = ${accountId} and l.earned_at < ${at}
         and l.expires_at > ${boundaries[0]!.toISOString()} and l.expires_at <= ${boundaries.at(-1)!.toISOString()}
    ) x
    group by unit`,
  );
  return new Map(rows.map((r) => [r.unit, r.sums.map(Number)]));
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
