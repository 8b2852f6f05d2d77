// Donations: (part of) a wallet given to a charity of the program, as a posted ledger entry of type
// donate, audited in its transaction.
import type { Actor } from '../../core/access.ts';
import { FidelisError, invalid } from '../../core/errors.ts';
import { fetchPage, type Page } from '../../core/pagination.ts';
import { loadCharity } from './cashback-charities.ts';
import type { CashListInput, DonationInput } from './cashback-schemas.ts';
import type { CashbackDeps } from './cashback-service.ts';
import { type DonationRow, findDonationByEntry, insertDonation, listDonations } from './cashback-store.ts';
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
export async function donationPage(
  d: CashbackDeps,
  programId: string,
  q: CashListInput & { charityId?: string },
): Promise<Page<Donation>> {
  const filters = { accountId: await d.accounts.idOf(programId, q.account), charityId: q.charityId };
  return fetchPage(
    q,
    (after, limit) => listDonations(d.database.db, programId, filters, after, limit),
    toDonation,
  );
}
