// A points-to-cash conversion (decision 0054):
// a `cash_payout` reward priced in points with a face value in a currency. Approving its redemption
// captures the held points and credits the face value to the member's cash wallet of that currency in
// the same transaction, and the redemption is fulfilled there and then: the cash never waits for an
// operator, and no approval can leave points taken without the cash given.
import { type Actor, actorName } from '../../core/access.ts';
import type { Tx } from '../../db/client.ts';
import type { CreditContext } from '../ledger/ledger-service.ts';
import type { RedemptionDeps } from './redemptions-service.ts';
import type { RedemptionRow } from './redemptions-store.ts';
import type { RewardRow } from './rewards-store.ts';

/** The reward converts points to cash: a cash payout priced in points with a face value in a currency. */
export function converts(
  reward: Pick<RewardRow, 'type' | 'priceUnit' | 'faceValueAmount' | 'faceValueCurrency'>,
): boolean {
  return (
    reward.type === 'cash_payout' &&
    reward.priceUnit === 'points' &&
    reward.faceValueAmount !== null &&
    reward.faceValueAmount > 0 &&
    reward.faceValueCurrency !== null
  );
}

/**
 * What a conversion credits, and what its credit needs read before its transaction (the program and
 * the account's hierarchy: the embedded store has one connection, busy inside the transaction).
 */
export interface ConversionCash {
  ledger: CreditContext;
  /** The face value stated in the account's preferred currency (decision 0057), else the reward's own. */
  amount: number;
  currency: string;
}

/** The cash a conversion credits to this account, read before the transaction; none for other rewards. */
export async function conversionContext(
  d: RedemptionDeps,
  programId: string,
  reward: RewardRow,
  accountId: string,
): Promise<ConversionCash | undefined> {
  if (!converts(reward)) return undefined;
  const account = await d.accounts.resolve(programId, accountId);
  const stated = reward.currencyValues.find(
    (v) => v.currency === account.preferredCurrency && v.faceValue !== undefined && v.faceValue > 0,
  );
  return {
    ledger: await d.ledger.creditContext(programId, accountId),
    amount: stated?.faceValue ?? reward.faceValueAmount!,
    currency: stated?.currency ?? reward.faceValueCurrency!,
  };
}

/** Credits the conversion's cash in the caller's transaction, once per redemption (the ledger key). */
export async function creditConversion(
  d: RedemptionDeps,
  tx: Tx,
  programId: string,
  r: RedemptionRow,
  reward: RewardRow,
  actor: Actor,
  cash: ConversionCash | undefined,
): Promise<{ entryId: string; amount: number; currency: string }> {
  // Read inside the transaction it would wait on itself (the embedded store's one connection).
  if (cash === undefined) throw new Error(`conversion ${r.id}: its credit context was not read first`);
  const { amount, currency } = cash;
  const { entry } = await d.ledger.credit(
    programId,
    {
      key: `redemption:${r.id}:cash`,
      account: r.accountId,
      unit: currency,
      amount,
      type: 'earn',
      reasonCode: 'points_conversion',
      explanation: `Converted ${r.amount} points: ${reward.name}`,
      ...(r.contactId !== null && { contactId: r.contactId }),
      sourceType: 'redemption',
      sourceId: r.id,
      // Cash is not subject to the points' expiry policy.
      expiresAt: null,
      actor: actorName(actor),
    },
    tx,
    cash.ledger,
  );
  return { entryId: entry.id, amount, currency };
}
