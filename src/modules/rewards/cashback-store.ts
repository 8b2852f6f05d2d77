// SQL of cash leaving the program: charities, donations to them, and payouts.
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { equalsIf, programTable } from '../../db/rows.ts';
import { charities, donations, payouts } from './rewards-tables.ts';

export type CharityRow = typeof charities.$inferSelect;
export type DonationRow = typeof donations.$inferSelect;
export type PayoutRow = typeof payouts.$inferSelect;

const charityRows = programTable(charities, charities.id);
const donationRows = programTable(donations, donations.id);
const payoutRows = programTable(payouts, payouts.id);

export const insertCharity = charityRows.insert;
export const findCharity = charityRows.find;
export const patchCharity = charityRows.update;

export function listCharities(db: Executor, programId: string): Promise<CharityRow[]> {
  return db.select().from(charities).where(eq(charities.programId, programId)).orderBy(asc(charities.id));
}

export const insertDonation = donationRows.insert;

export function findDonationByEntry(db: Executor, programId: string, entryId: string) {
  return donationRows.findWhere(db, programId, eq(donations.entryId, entryId));
}

/** What donation lists, totals and exports filter on: account, charity, a period [from, to). */
export interface DonationFilters {
  accountId?: string;
  charityId?: string;
  from?: Date;
  to?: Date;
}

const donationConditions = (f: DonationFilters) => [
  equalsIf(donations.accountId, f.accountId),
  equalsIf(donations.charityId, f.charityId),
  f.from ? gte(donations.createdAt, f.from) : undefined,
  f.to ? lt(donations.createdAt, f.to) : undefined,
];

/** Newest first. */
export const listDonations = donationRows.lister(donationConditions, 'desc');

/** Oldest first (exports). */
export const listDonationsAscending = donationRows.lister(donationConditions, 'asc');

/** Per charity and unit: the sum and number of donations matching the filters (what the program owes each). */
export async function donationTotals(
  db: Executor,
  programId: string,
  f: DonationFilters,
): Promise<Array<{ charityId: string; name: string; unit: string; amount: number; count: number }>> {
  const rows = await db
    .select({
      charityId: donations.charityId,
      name: charities.name,
      unit: donations.unit,
      amount: sql<string>`sum(${donations.amount})::text`,
      count: sql<string>`count(*)::text`,
    })
    .from(donations)
    .innerJoin(
      charities,
      and(eq(charities.programId, donations.programId), eq(charities.id, donations.charityId)),
    )
    .where(and(eq(donations.programId, programId), ...donationConditions(f).filter((c) => c !== undefined)))
    .groupBy(donations.charityId, charities.name, donations.unit)
    .orderBy(asc(donations.charityId), asc(donations.unit));
  return rows.map((r) => ({ ...r, amount: Number(r.amount), count: Number(r.count) }));
}

export const insertPayout = payoutRows.insert;

export function findPayoutByEntry(db: Executor, programId: string, entryId: string) {
  return payoutRows.findWhere(db, programId, eq(payouts.entryId, entryId));
}

/** Newest first. */
export const listPayouts = payoutRows.lister(
  (f: { accountId?: string }) => [equalsIf(payouts.accountId, f.accountId)],
  'desc',
);
