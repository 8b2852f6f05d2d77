// Donations: (part of) a wallet given to a charity of the program, as a posted ledger entry of type
// donate, audited in its transaction.
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError, invalid } from '../../core/errors.ts';
import { afterCursor, DEFAULT_LIMIT, type Page, toPage } from '../../core/pagination.ts';
import { newId } from '../../lib/ids.ts';
import { loadCharity } from './cashback-charities.ts';
import type { CashListInput, DonationInput } from './cashback-schemas.ts';
import type { CashbackDeps } from './cashback-service.ts';
import { type DonationRow, findDonationByEntry, insertDonation, listDonations } from './cashback-store.ts';
import { movement } from './cashback-wallet.ts';
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
  const { account, amount } = await movement(
    d,
    programId,
    input.account,
    input.unit,
    input.amount,
    input.contactId,
  );
  const id = newId('don');
  const result = await d.ledger.debit(programId, {
    key: key === undefined ? `donation:${id}` : `api:donation:${key}`,
    account: account.id,
    unit: input.unit,
    amount,
    type: 'donate',
    reasonCode: 'donation',
    explanation: `Donation to ${charity.name}`,
    contactId: input.contactId,
    sourceType: 'api',
    sourceId: charity.id,
    actor: actorName(actor),
    afterWrite: async (tx, entry) => {
      const donation = await insertDonation(tx, {
        programId,
        id,
        charityId: charity.id,
        accountId: account.id,
        contactId: input.contactId ?? null,
        unit: input.unit,
        amount,
        entryId: entry.id,
      });
      await d.audit.record(tx, programId, {
        actor,
        action: 'donation.create',
        resourceType: 'donation',
        resourceId: id,
        after: toDonation(donation),
      });
    },
  });
  const row = await findDonationByEntry(d.database.db, programId, result.entry.id);
  return { donation: toDonation(row!), replayed: result.replayed };
}

/** Donations, newest first, of an account or to a charity, in pages. */
export async function donationPage(
  d: CashbackDeps,
  programId: string,
  q: CashListInput & { charityId?: string },
): Promise<Page<Donation>> {
  const limit = q.limit ?? DEFAULT_LIMIT;
  const accountId = q.account === undefined ? undefined : (await d.accounts.resolve(programId, q.account)).id;
  const rows = await listDonations(
    d.database.db,
    programId,
    { accountId, charityId: q.charityId },
    afterCursor(q.cursor),
    limit + 1,
  );
  return toPage(rows, limit, toDonation);
}
