import { and, asc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import { advisoryLock, type Executor, inSlices, selectRows } from '../../db/client.ts';
import {
  ledgerEntries,
  ledgerLotAllocations,
  ledgerLots,
  ledgerPostings,
  type SystemWallet,
  wallets,
} from './ledger-tables.ts';

export type WalletRow = typeof wallets.$inferSelect;
export type EntryRow = typeof ledgerEntries.$inferSelect;
export type NewEntryRow = typeof ledgerEntries.$inferInsert;
export type LotRow = typeof ledgerLots.$inferSelect;
export type PostingRow = typeof ledgerPostings.$inferSelect;
export type AllocationRow = typeof ledgerLotAllocations.$inferSelect;

/** Serialises writers of one key (or any string) until the transaction ends (both drivers). */
export async function lockKey(db: Executor, key: string): Promise<void> {
  await advisoryLock(db, key);
}

export async function findWallet(db: Executor, programId: string, accountId: string, unit: string) {
  const [row] = await db
    .select()
    .from(wallets)
    .where(and(eq(wallets.programId, programId), eq(wallets.accountId, accountId), eq(wallets.unit, unit)));
  return row;
}

export async function walletsOfAccount(
  db: Executor,
  programId: string,
  accountId: string,
): Promise<WalletRow[]> {
  return db
    .select()
    .from(wallets)
    .where(and(eq(wallets.programId, programId), eq(wallets.accountId, accountId)))
    .orderBy(asc(wallets.unit));
}

/** The member wallet of an account in a unit, created on first use. */
export async function ensureMemberWallet(
  db: Executor,
  programId: string,
  id: string,
  accountId: string,
  unit: string,
) {
  await db.insert(wallets).values({ programId, id, accountId, unit }).onConflictDoNothing();
  return (await findWallet(db, programId, accountId, unit))!;
}

/**
 * The member wallets of many (account, unit) pairs, created where missing and locked FOR UPDATE in
 * id order (one order for every bulk writer, so two of them queue instead of deadlocking).
 */
export async function ensureMemberWalletsLocked(
  db: Executor,
  programId: string,
  pairs: Array<{ id: string; accountId: string; unit: string }>,
): Promise<WalletRow[]> {
  if (pairs.length === 0) return [];
  // Missing ones are inserted in (account, unit) order, the unique key's: two bulk writers creating
  // the same wallets wait for each other in one order instead of deadlocking.
  const sorted = [...pairs].sort((a, b) =>
    a.accountId === b.accountId ? (a.unit < b.unit ? -1 : 1) : a.accountId < b.accountId ? -1 : 1,
  );
  await db
    .insert(wallets)
    .values(sorted.map((p) => ({ programId, id: p.id, accountId: p.accountId, unit: p.unit })))
    .onConflictDoNothing();
  const wanted = JSON.stringify(pairs.map((p) => ({ a: p.accountId, u: p.unit })));
  return db
    .select()
    .from(wallets)
    .where(
      and(
        eq(wallets.programId, programId),
        sql`(${wallets.accountId}, ${wallets.unit}) in (select a, u from jsonb_to_recordset(${wanted}::jsonb) as w(a text, u text))`,
      ),
    )
    .orderBy(asc(wallets.id))
    .for('update');
}

/** Locks every existing member wallet of these owners (any unit) FOR UPDATE, in id order. */
export async function lockMemberWalletsOf(
  db: Executor,
  programId: string,
  ownerIds: string[],
): Promise<void> {
  if (ownerIds.length === 0) return;
  await db
    .select({ id: wallets.id })
    .from(wallets)
    .where(and(eq(wallets.programId, programId), inArray(wallets.accountId, [...new Set(ownerIds)])))
    .orderBy(asc(wallets.id))
    .for('update');
}

export async function ensureSystemWallet(
  db: Executor,
  programId: string,
  id: string,
  code: SystemWallet,
  unit: string,
) {
  await db.insert(wallets).values({ programId, id, systemCode: code, unit }).onConflictDoNothing();
  const [row] = await db
    .select()
    .from(wallets)
    .where(and(eq(wallets.programId, programId), eq(wallets.systemCode, code), eq(wallets.unit, unit)));
  return row!;
}

export interface WalletDelta {
  balance?: number;
  held?: number;
  pending?: number;
  debt?: number;
  earned?: number;
  redeemed?: number;
  expired?: number;
}

/**
 * Applies counter changes to a wallet in one statement. With `needAvailable`, the change only
 * happens when balance - held covers that amount at that instant (the database decides, so
 * concurrent debits cannot overdraw); returns undefined when it does not.
 */
export async function changeWallet(
  db: Executor,
  programId: string,
  walletId: string,
  d: WalletDelta,
  needAvailable = 0,
): Promise<WalletRow | undefined> {
  const [row] = await db
    .update(wallets)
    .set({
      balance: sql`${wallets.balance} + ${d.balance ?? 0}`,
      held: sql`${wallets.held} + ${d.held ?? 0}`,
      pending: sql`${wallets.pending} + ${d.pending ?? 0}`,
      debt: sql`${wallets.debt} + ${d.debt ?? 0}`,
      lifetimeEarned: sql`${wallets.lifetimeEarned} + ${d.earned ?? 0}`,
      lifetimeRedeemed: sql`${wallets.lifetimeRedeemed} + ${d.redeemed ?? 0}`,
      lifetimeExpired: sql`${wallets.lifetimeExpired} + ${d.expired ?? 0}`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(wallets.programId, programId),
        eq(wallets.id, walletId),
        needAvailable > 0 ? sql`${wallets.balance} - ${wallets.held} >= ${needAvailable}` : undefined,
      ),
    )
    .returning();
  return row;
}

/** Counter changes of many wallets in one statement (no availability check: credits only). */
export async function changeWallets(
  db: Executor,
  programId: string,
  changes: Array<{ id: string } & WalletDelta>,
): Promise<void> {
  if (changes.length === 0) return;
  const spec = JSON.stringify(
    changes.map((c) => ({
      id: c.id,
      balance: c.balance ?? 0,
      held: c.held ?? 0,
      pending: c.pending ?? 0,
      debt: c.debt ?? 0,
      earned: c.earned ?? 0,
      redeemed: c.redeemed ?? 0,
      expired: c.expired ?? 0,
    })),
  );
  await db.execute(sql`
    update wallets w set
      balance = w.balance + d.balance, held = w.held + d.held, pending = w.pending + d.pending,
      debt = w.debt + d.debt, lifetime_earned = w.lifetime_earned + d.earned,
      lifetime_redeemed = w.lifetime_redeemed + d.redeemed, lifetime_expired = w.lifetime_expired + d.expired,
      updated_at = now()
    from jsonb_to_recordset(${spec}::jsonb) as d(id text, balance bigint, held bigint, pending bigint,
      debt bigint, earned bigint, redeemed bigint, expired bigint)
    where w.program_id = ${programId} and w.id = d.id`);
}

export async function lockWallet(db: Executor, programId: string, walletId: string): Promise<WalletRow> {
  const [row] = await db
    .select()
    .from(wallets)
    .where(and(eq(wallets.programId, programId), eq(wallets.id, walletId)))
    .for('update');
  return row!;
}

export async function insertEntry(db: Executor, row: NewEntryRow): Promise<EntryRow> {
  const [created] = await db.insert(ledgerEntries).values(row).returning();
  return created!;
}

/** Many entries, in slices (an entry has about twenty columns). */
export async function insertEntries(db: Executor, rows: NewEntryRow[]): Promise<EntryRow[]> {
  const out: EntryRow[] = [];
  await inSlices(rows, 1000, async (slice) => {
    out.push(...(await db.insert(ledgerEntries).values(slice).returning()));
  });
  return out;
}

export async function insertPostings(
  db: Executor,
  rows: Array<typeof ledgerPostings.$inferInsert>,
): Promise<void> {
  await inSlices(rows, 4000, async (slice) => {
    await db.insert(ledgerPostings).values(slice);
  });
}

export async function findEntryByKey(
  db: Executor,
  programId: string,
  key: string,
): Promise<EntryRow | undefined> {
  const [row] = await db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.programId, programId), eq(ledgerEntries.idempotencyKey, key)));
  return row;
}

export async function findEntry(
  db: Executor,
  programId: string,
  id: string,
  lock = false,
): Promise<EntryRow | undefined> {
  const query = db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.programId, programId), eq(ledgerEntries.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export async function entriesRelatedTo(db: Executor, programId: string, id: string): Promise<EntryRow[]> {
  return db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.programId, programId), eq(ledgerEntries.relatedEntryId, id)))
    .orderBy(asc(ledgerEntries.id));
}

export async function postingsOf(db: Executor, programId: string, entryId: string): Promise<PostingRow[]> {
  return db
    .select()
    .from(ledgerPostings)
    .where(and(eq(ledgerPostings.programId, programId), eq(ledgerPostings.entryId, entryId)))
    .orderBy(asc(ledgerPostings.seq));
}

export async function insertLots(db: Executor, rows: Array<typeof ledgerLots.$inferInsert>): Promise<void> {
  await inSlices(rows, 4000, async (slice) => {
    await db.insert(ledgerLots).values(slice);
  });
}

/** The wallet's lots with something left, locked, in no particular order (core decides the order). */
export async function spendableLots(db: Executor, programId: string, walletId: string): Promise<LotRow[]> {
  return db
    .select()
    .from(ledgerLots)
    .where(
      and(
        eq(ledgerLots.programId, programId),
        eq(ledgerLots.walletId, walletId),
        gt(ledgerLots.remaining, 0),
      ),
    )
    .for('update');
}

export async function lotsByIds(db: Executor, programId: string, ids: string[]): Promise<LotRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(ledgerLots)
    .where(and(eq(ledgerLots.programId, programId), inArray(ledgerLots.id, ids)))
    .for('update');
}

/** Adds `delta` (negative to consume) to each lot's remaining. */
export async function changeLots(
  db: Executor,
  programId: string,
  changes: Array<{ lotId: string; delta: number }>,
) {
  if (changes.length === 0) return;
  const values = sql.join(
    changes.map((c) => sql`(${c.lotId}::text, ${c.delta}::bigint)`),
    sql`, `,
  );
  await db.execute(sql`
    update ledger_lots l set remaining = l.remaining + v.delta
      from (values ${values}) as v(id, delta)
     where l.program_id = ${programId} and l.id = v.id`);
}

export async function insertAllocations(db: Executor, rows: Array<typeof ledgerLotAllocations.$inferInsert>) {
  if (rows.length > 0) await db.insert(ledgerLotAllocations).values(rows);
}

export async function allocationsOf(
  db: Executor,
  programId: string,
  entryId: string,
): Promise<AllocationRow[]> {
  return db
    .select()
    .from(ledgerLotAllocations)
    .where(and(eq(ledgerLotAllocations.programId, programId), eq(ledgerLotAllocations.entryId, entryId)))
    .orderBy(asc(ledgerLotAllocations.lotId));
}

export async function lotsOfEntry(db: Executor, programId: string, entryId: string): Promise<LotRow[]> {
  return db
    .select()
    .from(ledgerLots)
    .where(and(eq(ledgerLots.programId, programId), eq(ledgerLots.entryId, entryId)))
    .orderBy(asc(ledgerLots.id));
}

/** How many allocation rows a lot has: a version number of its state (allocations are append-only). */
export async function lotAllocationCount(db: Executor, programId: string, lotId: string): Promise<number> {
  const [row] = await selectRows<{ n: string | number }>(
    db,
    sql`select count(*) as n from ledger_lot_allocations where program_id = ${programId} and lot_id = ${lotId}`,
  );
  return Number(row?.n ?? 0);
}

/** Lots whose expiry has come by `asOf` and that still hold something. */
export async function dueLots(db: Executor, programId: string, asOf: Date, limit: number): Promise<LotRow[]> {
  return db
    .select()
    .from(ledgerLots)
    .where(
      and(eq(ledgerLots.programId, programId), gt(ledgerLots.remaining, 0), lte(ledgerLots.expiresAt, asOf)),
    )
    .orderBy(asc(ledgerLots.expiresAt), asc(ledgerLots.id))
    .limit(limit);
}

/** Pending credits and holds whose resolve-by time has come and that nobody posted or voided yet. */
export async function dueUnresolved(
  db: Executor,
  programId: string,
  asOf: Date,
  limit: number,
): Promise<EntryRow[]> {
  const resolution = sql`select 1 from ledger_entries r where r.program_id = ${programId} and r.related_entry_id = ${ledgerEntries.id} and r.phase in ('post', 'void')`;
  return db
    .select()
    .from(ledgerEntries)
    .where(
      and(
        eq(ledgerEntries.programId, programId),
        inArray(ledgerEntries.phase, ['pending', 'hold']),
        lte(ledgerEntries.resolveBy, asOf),
        sql`not exists (${resolution})`,
      ),
    )
    .orderBy(asc(ledgerEntries.resolveBy), asc(ledgerEntries.id))
    .limit(limit);
}

/** Sum of what was reversed of an entry so far (including the written-off part). */
export async function reversedSoFar(db: Executor, programId: string, entryId: string): Promise<number> {
  const [row] = await selectRows<{ total: string | null }>(
    db,
    sql`select sum(amount) as total from ledger_entries
         where program_id = ${programId} and related_entry_id = ${entryId} and type = 'reverse'`,
  );
  return Number(row?.total ?? 0);
}

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

/** Units of the wallet's lots that expire before `until`. */
export async function expiringBefore(
  db: Executor,
  programId: string,
  walletId: string,
  until: Date,
): Promise<number> {
  const [row] = await selectRows<{ total: string | null }>(
    db,
    sql`select sum(remaining) as total from ledger_lots
         where program_id = ${programId} and wallet_id = ${walletId} and remaining > 0
           and expires_at is not null and expires_at <= ${until.toISOString()}`,
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
