// What taking (part of) a wallet out of the program starts with, for donations and payouts alike.
import { fieldError } from '../../core/errors.ts';
import type { CashbackDeps } from './cashback-service.ts';
import { contactOfAccount } from './rewards-checks.ts';

/** The account, the contact (of that account) and the amount: the one given, or all that is available. */
export async function movement(
  d: CashbackDeps,
  programId: string,
  accountRef: string,
  unit: string,
  amount?: number,
  contactId?: string,
) {
  const account = await d.accounts.resolve(programId, accountRef);
  if (contactId !== undefined) await contactOfAccount(d.contacts, programId, contactId, account.id);
  let value = amount;
  if (value === undefined) {
    const wallet = (await d.ledger.summary(programId, account.id)).find((w) => w.unit === unit);
    value = wallet?.available ?? 0;
    if (value <= 0) {
      throw fieldError('insufficient_balance', `The ${unit} wallet holds nothing available`, {
        amount: 'nothing available',
      });
    }
  }
  return { account, amount: value };
}
