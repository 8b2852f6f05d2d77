// SQL of the ledger's wallets (counters, locks), entries and postings. Lots are in
// ledger-lots-store.ts, the history and reports in ledger-reports-store.ts.
import { and, asc, eq, inArray, lte, type SQL, sql } from 'drizzle-orm';
import { advisoryLock, type Executor, inSlices, selectRows, textArray } from '../../db/client.ts';
import {
  type EntryType,
  ledgerEntries,
  ledgerLots,
  ledgerPostings,
  type SourceType,
  type SystemWallet,
  wallets,
} from './ledger-tables.ts';

export type WalletRow = typeof wallets.$inferSelect;
export type EntryRow = typeof ledgerEntries.$inferSelect;
export type NewEntryRow = typeof ledgerEntries.$inferInsert;
export type PostingRow = typeof ledgerPostings.$inferSelect;

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

/**
 * An account's wallets (by unit) with what expires in each of them by each of three instants, in one
 * statement: the lots left, summed per instant with FILTER (the wallet read).
 */
export async function walletsWithExpiry(
  db: Executor,
  programId: string,
  accountId: string,
  until: [Date, Date, Date],
): Promise<Array<WalletRow & { expiring: [number, number, number] }>> {
  const by = (n: number) =>
    sql<
      string | null
    >`sum(${ledgerLots.remaining}) filter (where ${ledgerLots.expiresAt} <= ${until[n]!.toISOString()})`;
  const lots = db
    .select({ a: by(0).as('a'), b: by(1).as('b'), c: by(2).as('c') })
    .from(ledgerLots)
    .where(
      and(
        eq(ledgerLots.programId, wallets.programId),
        eq(ledgerLots.walletId, wallets.id),
        sql`${ledgerLots.remaining} > 0 and ${ledgerLots.expiresAt} is not null`,
      ),
    )
    .as('soon');
  const rows = await db
    .select({ wallet: wallets, a: lots.a, b: lots.b, c: lots.c })
    .from(wallets)
    .leftJoinLateral(lots, sql`true`)
    .where(and(eq(wallets.programId, programId), eq(wallets.accountId, accountId)))
    .orderBy(asc(wallets.unit));
  return rows.map((r) => ({
    ...r.wallet,
    expiring: [Number(r.a ?? 0), Number(r.b ?? 0), Number(r.c ?? 0)],
  }));
}

/** A wallet of the summary, with its owner and what expires in it by each of three instants. */
export interface WalletSummaryRow {
  accountId: string;
  id: string;
  unit: string;
  balance: number;
  held: number;
  pending: number;
  debt: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  lifetimeExpired: number;
  expiring: [number, number, number];
}

/**
 * The wallet read in one round trip (issue 14): the account a reference names (`account`, a
 * derived table of one row `(id, program_id)` from the accounts module's reads) and its wallets with
 * the expiry sums of `walletsWithExpiry`. Written as one SQL text, not built column by column, because
 * building a select of every column costs more CPU than the database spends answering it. Undefined
 * when the reference names no account; an account without wallets answers no wallet rows.
 */
export async function walletSummaryOf(
  db: Executor,
  programId: string,
  account: SQL,
  until: [Date, Date, Date],
): Promise<{ accountId: string; wallets: WalletSummaryRow[] } | undefined> {
  const [a, b, c] = until.map((d) => d.toISOString());
  const rows = await selectRows<Record<string, string | number | null>>(
    db,
    sql`select a.id as "accountId", w.id, w.unit, w.balance, w.held, w.pending, w.debt,
               w.lifetime_earned as "lifetimeEarned", w.lifetime_redeemed as "lifetimeRedeemed",
               w.lifetime_expired as "lifetimeExpired", s.a, s.b, s.c
          from ${account} a
          left join wallets w on w.program_id = ${programId} and w.account_id = a.id
          left join lateral (
            select sum(l.remaining) filter (where l.expires_at <= ${a}) as a,
                   sum(l.remaining) filter (where l.expires_at <= ${b}) as b,
                   sum(l.remaining) filter (where l.expires_at <= ${c}) as c
              from ledger_lots l
             where l.program_id = w.program_id and l.wallet_id = w.id
               and l.remaining > 0 and l.expires_at is not null and l.expires_at <= ${c}) s on true
         order by w.unit`,
  );
  const first = rows[0];
  if (!first) return undefined;
  const n = (v: string | number | null | undefined) => Number(v ?? 0);
  return {
    accountId: String(first.accountId),
    wallets: rows
      .filter((r) => r.id !== null)
      .map((r) => ({
        accountId: String(r.accountId),
        id: String(r.id),
        unit: String(r.unit),
        balance: n(r.balance),
        held: n(r.held),
        pending: n(r.pending),
        debt: n(r.debt),
        lifetimeEarned: n(r.lifetimeEarned),
        lifetimeRedeemed: n(r.lifetimeRedeemed),
        lifetimeExpired: n(r.lifetimeExpired),
        expiring: [n(r.a), n(r.b), n(r.c)],
      })),
  };
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
): Promise<{ id: string; created: boolean }> {
  const [inserted] = await db
    .insert(wallets)
    .values({ programId, id, systemCode: code, unit })
    .onConflictDoNothing()
    .returning({ id: wallets.id });
  if (inserted) return { id: inserted.id, created: true };
  // The insert conflicted with a committed row (a concurrent insert makes it wait for the outcome).
  const [row] = await db
    .select({ id: wallets.id })
    .from(wallets)
    .where(and(eq(wallets.programId, programId), eq(wallets.systemCode, code), eq(wallets.unit, unit)));
  return { id: row!.id, created: false };
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

export async function findEntry(db: Executor, programId: string, id: string): Promise<EntryRow | undefined> {
  const [row] = await db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.programId, programId), eq(ledgerEntries.id, id)));
  return row;
}

/** An entry locked FOR UPDATE: who resolves or reverses it waits for whoever does so first. */
export async function lockEntry(db: Executor, programId: string, id: string): Promise<EntryRow | undefined> {
  const [row] = await db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.programId, programId), eq(ledgerEntries.id, id)))
    .for('update');
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

/** Fresh credits planned for one set-based write (see `planFresh`); plain JSON for the statement. */
export interface FreshCredits {
  wallets: Array<{ id: string; owner: string; unit: string }>;
  systems: Array<{ id: string; code: SystemWallet; unit: string }>;
  credits: Array<{
    ord: number;
    id: string;
    key: string;
    print: string;
    type: EntryType;
    pending: boolean;
    owner: string;
    account: string;
    contact: string | null;
    unit: string;
    amount: number;
    reason: string;
    sourceType: SourceType;
    sourceId: string | null;
    explanation: string;
    resolveBy: Date | null;
    expiresAt: Date | null;
    actor: string | null;
    effectiveAt: Date;
    source: SystemWallet;
    lot: string;
  }>;
}

/** The member wallets of these (owner, unit) pairs: `owner\u0000unit` → wallet id (one probe each). */
export async function memberWalletIds(
  db: Executor,
  programId: string,
  pairs: Array<{ owner: string; unit: string }>,
): Promise<Map<string, string>> {
  const rows = await selectRows<{ id: string; account_id: string; unit: string }>(
    db,
    sql`select w.id, w.account_id, w.unit
          from unnest(${textArray(pairs.map((p) => p.owner))}, ${textArray(pairs.map((p) => p.unit))}) as k(owner, unit)
          cross join lateral (select id, account_id, unit from wallets m
            where m.program_id = ${programId} and m.account_id = k.owner and m.unit = k.unit limit 1) w`,
  );
  return new Map(rows.map((r) => [`${r.account_id}\u0000${r.unit}`, r.id]));
}
