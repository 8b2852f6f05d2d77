// Donations: (part of) a wallet given to a charity of the program, as a posted ledger entry of type
// donate, audited in its transaction.
import type { Actor } from '../../core/access.ts';
import { FidelisError, invalid } from '../../core/errors.ts';
import { fetchPage, type Page } from '../../core/pagination.ts';
import { csvLine } from '../../lib/csv.ts';
import { loadCharity } from './cashback-charities.ts';
import type { DonationInput, DonationListInput, DonationPeriodInput } from './cashback-schemas.ts';
import type { CashbackDeps } from './cashback-service.ts';
import {
  type DonationRow,
  donationTotals,
  findDonationByEntry,
  insertDonation,
  listCharities,
  listDonations,
  listDonationsAscending,
} from './cashback-store.ts';
import { cashOut } from './cashback-wallet.ts';
import { isUnit } from './rewards-checks.ts';

export function toDonation(d: DonationRow) {
  return {
    id: d.id,
    charityId: d.charityId,
    accountId: d.accountId,
    contactId: d.contactId,
    unit: d.unit,
    amount: d.amount,
    entryId: d.entryId,
    createdAt: d.createdAt.toISOString(),
  };
}
export type Donation = ReturnType<typeof toDonation>;

/**
 * Donates (part of) a wallet to a charity of the program (audited: `donation.create`). `key` makes
 * it exactly-once: a retry with the same key returns the first donation.
 */
export async function donate(
  d: CashbackDeps,
  programId: string,
  input: DonationInput,
  actor: Actor,
  key?: string,
): Promise<{ donation: Donation; replayed: boolean }> {
  const charity = await loadCharity(d, programId, input.charityId);
  if (charity.status !== 'active')
    throw new FidelisError('charity_not_active', `${charity.name} accepts no donations any more`);
  if (!isUnit(input.unit)) throw invalid(`unknown currency ${input.unit}`, { unit: 'unknown currency' });
  const { view, replayed } = await cashOut(d, programId, actor, key, {
    from: input,
    entry: {
      type: 'donate',
      reasonCode: 'donation',
      explanation: `Donation to ${charity.name}`,
      sourceId: charity.id,
    },
    idPrefix: 'don',
    resourceType: 'donation',
    action: 'donation.create',
    insert: (tx, row) => insertDonation(tx, { ...row, charityId: charity.id }),
    findByEntry: findDonationByEntry,
    view: toDonation,
  });
  return { donation: view, replayed };
}

/** Donations, newest first, of an account or to a charity, in pages. */
/** The filters of a donation query: the account and charity resolved, the period as instants. */
async function filtersOf(
  d: CashbackDeps,
  programId: string,
  q: DonationPeriodInput & { charityId?: string },
) {
  const charityId = q.charityId ?? q.charity;
  if (charityId !== undefined) await loadCharity(d, programId, charityId);
  const from = q.from === undefined ? undefined : new Date(q.from);
  const to = q.to === undefined ? undefined : new Date(q.to);
  if (from && to && to <= from) throw invalid('to must be after from', { to: 'must be after from' });
  return {
    accountId: await d.accounts.idOf(programId, q.account),
    ...(charityId !== undefined && { charityId }),
    ...(from && { from }),
    ...(to && { to }),
  };
}

/** Donations, newest first, by account, charity and period (decision 0024). */
export async function donationPage(
  d: CashbackDeps,
  programId: string,
  q: DonationListInput & { charityId?: string },
): Promise<Page<Donation>> {
  const filters = await filtersOf(d, programId, q);
  return fetchPage(
    q,
    (after, limit) => listDonations(d.database.db, programId, filters, after, limit),
    toDonation,
  );
}

/** Per charity and unit, the sum and count of the period's donations: what the program owes each charity. */
export async function donationSums(d: CashbackDeps, programId: string, q: DonationPeriodInput) {
  const filters = await filtersOf(d, programId, q);
  return {
    from: filters.from?.toISOString() ?? null,
    to: filters.to?.toISOString() ?? null,
    data: await donationTotals(d.database.db, programId, filters),
  };
}

export const DONATION_CSV_COLUMNS = [
  'id',
  'createdAt',
  'charityId',
  'charityName',
  'accountId',
  'contactId',
  'unit',
  'amount',
  'entryId',
] as const;

/**
 * The period's donations as CSV lines (a header, then oldest first), read 1,000 at a time so memory
 * stays flat. Filters are checked before the first line, so a bad one is a problem, not a broken file.
 */
export async function donationsCsv(
  d: CashbackDeps,
  programId: string,
  q: DonationPeriodInput,
): Promise<AsyncGenerator<string>> {
  const filters = await filtersOf(d, programId, q);
  const names = new Map((await listCharities(d.database.db, programId)).map((c) => [c.id, c.name]));
  return (async function* () {
    yield csvLine(DONATION_CSV_COLUMNS);
    let after: string | undefined;
    for (;;) {
      const rows = await listDonationsAscending(d.database.db, programId, filters, after, 1000);
      for (const r of rows)
        yield csvLine([
          r.id,
          r.createdAt,
          r.charityId,
          names.get(r.charityId) ?? '',
          r.accountId,
          r.contactId,
          r.unit,
          r.amount,
          r.entryId,
        ]);
      if (rows.length < 1000) return;
      after = rows[rows.length - 1]!.id;
    }
  })();
}
