// SQL of the ledger's lots (what a credit left, with its expiry) and of the allocations that consume them.
import { and, asc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import { type Executor, inSlices, selectRows } from '../../db/client.ts';
import { programTable } from '../../db/rows.ts';
import { ledgerLotAllocations, ledgerLots } from './ledger-tables.ts';

export type LotRow = typeof ledgerLots.$inferSelect;
export type NewLotRow = typeof ledgerLots.$inferInsert;
export type AllocationRow = typeof ledgerLotAllocations.$inferSelect;

const lots = programTable(ledgerLots, ledgerLots.id);
const allocations = programTable(ledgerLotAllocations, ledgerLotAllocations.entryId);

export async function insertLots(db: Executor, rows: NewLotRow[]): Promise<void> {
  await inSlices(rows, 4000, async (slice) => {
    await db.insert(ledgerLots).values(slice);
  });
}

/** Locks the wallet's lots with something left, in no particular order (core decides the order). */
export async function lockSpendableLots(
  db: Executor,
  programId: string,
  walletId: string,
): Promise<LotRow[]> {
  return db
    .select()
    .from(ledgerLots)
    .where(lots.within(programId, eq(ledgerLots.walletId, walletId), gt(ledgerLots.remaining, 0)))
    .for('update');
}

/** Locks these lots FOR UPDATE (and reads them). */
export async function lockLots(db: Executor, programId: string, ids: string[]): Promise<LotRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(ledgerLots)
    .where(lots.within(programId, inArray(ledgerLots.id, ids)))
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

export const insertAllocations = allocations.insertMany;

export async function allocationsOf(
  db: Executor,
  programId: string,
  entryId: string,
): Promise<AllocationRow[]> {
  return db
    .select()
    .from(ledgerLotAllocations)
    .where(allocations.key(programId, entryId))
    .orderBy(asc(ledgerLotAllocations.lotId));
}

export async function lotsOfEntry(db: Executor, programId: string, entryId: string): Promise<LotRow[]> {
  return db
    .select()
    .from(ledgerLots)
    .where(lots.within(programId, eq(ledgerLots.entryId, entryId)))
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

/** What the wallet's lots will lose to expiry between `from` and `until`, by expiry instant, soonest first. */
export async function expiringLots(
  db: Executor,
  programId: string,
  walletId: string,
  from: Date,
  until: Date,
  limit: number,
): Promise<Array<{ expiresAt: Date; amount: number }>> {
  const rows = await db
    .select({ expiresAt: ledgerLots.expiresAt, amount: sql<string>`sum(${ledgerLots.remaining})` })
    .from(ledgerLots)
    .where(
      and(
        eq(ledgerLots.programId, programId),
        eq(ledgerLots.walletId, walletId),
        gt(ledgerLots.remaining, 0),
        gt(ledgerLots.expiresAt, from),
        lte(ledgerLots.expiresAt, until),
      ),
    )
    .groupBy(ledgerLots.expiresAt)
    .orderBy(asc(ledgerLots.expiresAt))
    .limit(limit);
  return rows.map((r) => ({ expiresAt: r.expiresAt!, amount: Number(r.amount) }));
}
