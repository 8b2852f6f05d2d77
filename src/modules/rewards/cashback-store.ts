// SQL of cash leaving the program: charities, donations to them, and payouts.
import { and, asc, desc, eq, lt } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { byId, insertRow } from './rewards-store.ts';
import { charities, donations, payouts } from './rewards-tables.ts';

export type CharityRow = typeof charities.$inferSelect;
export type DonationRow = typeof donations.$inferSelect;
export type PayoutRow = typeof payouts.$inferSelect;

export async function insertCharity(db: Executor, row: typeof charities.$inferInsert): Promise<CharityRow> {
  return insertRow(db, charities, row);
}

export async function findCharity(
  db: Executor,
  programId: string,
  id: string,
): Promise<CharityRow | undefined> {
  const [row] = await db
    .select()
    .from(charities)
    .where(byId(charities, programId, id));
  return row;
}

export async function listCharities(db: Executor, programId: string): Promise<CharityRow[]> {
  return db.select().from(charities).where(eq(charities.programId, programId)).orderBy(asc(charities.id));
}

export async function patchCharity(
  db: Executor,
  programId: string,
  id: string,
  patch: Partial<typeof charities.$inferInsert>,
): Promise<CharityRow | undefined> {
  const [row] = await db
    .update(charities)
    .set(patch)
    .where(byId(charities, programId, id))
    .returning();
  return row;
}

export async function insertDonation(db: Executor, row: typeof donations.$inferInsert): Promise<DonationRow> {
  return insertRow(db, donations, row);
}

export async function findDonationByEntry(db: Executor, programId: string, entryId: string) {
  const [row] = await db
    .select()
    .from(donations)
    .where(and(eq(donations.programId, programId), eq(donations.entryId, entryId)));
  return row;
}

export async function listDonations(
  db: Executor,
  programId: string,
  f: { accountId?: string; charityId?: string },
  after: string | undefined,
  limit: number,
): Promise<DonationRow[]> {
  return db
    .select()
    .from(donations)
    .where(
      and(
        eq(donations.programId, programId),
        f.accountId ? eq(donations.accountId, f.accountId) : undefined,
        f.charityId ? eq(donations.charityId, f.charityId) : undefined,
        after ? lt(donations.id, after) : undefined,
      ),
    )
    .orderBy(desc(donations.id))
    .limit(limit);
}

export async function insertPayout(db: Executor, row: typeof payouts.$inferInsert): Promise<PayoutRow> {
  return insertRow(db, payouts, row);
}

export async function findPayoutByEntry(db: Executor, programId: string, entryId: string) {
  const [row] = await db
    .select()
    .from(payouts)
    .where(and(eq(payouts.programId, programId), eq(payouts.entryId, entryId)));
  return row;
}

export async function listPayouts(
  db: Executor,
  programId: string,
  f: { accountId?: string },
  after: string | undefined,
  limit: number,
): Promise<PayoutRow[]> {
  return db
    .select()
    .from(payouts)
    .where(
      and(
        eq(payouts.programId, programId),
        f.accountId ? eq(payouts.accountId, f.accountId) : undefined,
        after ? lt(payouts.id, after) : undefined,
      ),
    )
    .orderBy(desc(payouts.id))
    .limit(limit);
}
