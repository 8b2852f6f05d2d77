// SQL of cash leaving the program: charities, donations to them, and payouts.
import { asc, eq } from 'drizzle-orm';
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

/** Newest first. */
export const listDonations = donationRows.lister(
  (f: { accountId?: string; charityId?: string }) => [
    equalsIf(donations.accountId, f.accountId),
    equalsIf(donations.charityId, f.charityId),
  ],
  'desc',
);

export const insertPayout = payoutRows.insert;

export function findPayoutByEntry(db: Executor, programId: string, entryId: string) {
  return payoutRows.findWhere(db, programId, eq(payouts.entryId, entryId));
}

/** Newest first. */
export const listPayouts = payoutRows.lister(
  (f: { accountId?: string }) => [equalsIf(payouts.accountId, f.accountId)],
  'desc',
);
