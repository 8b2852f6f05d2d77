// Payouts: (part of) a cash wallet paid out by the operator, recorded as a posted ledger entry of
// type payout with its method and reference, audited in its transaction.
import type { Actor } from '../../core/access.ts';
import { invalid } from '../../core/errors.ts';
import { fetchPage, type Page } from '../../core/pagination.ts';
import { isCurrency } from '../../core/reference.ts';
import type { CashListInput, PayoutInput } from './cashback-schemas.ts';
import type { CashbackDeps } from './cashback-service.ts';
import { findPayoutByEntry, insertPayout, listPayouts, type PayoutRow } from './cashback-store.ts';
import { cashOut } from './cashback-wallet.ts';

export function toPayout(p: PayoutRow) {
  return {
    id: p.id,
    accountId: p.accountId,
    contactId: p.contactId,
    unit: p.unit,
    amount: p.amount,
    method: p.method,
    reference: p.reference,
    entryId: p.entryId,
    createdAt: p.createdAt.toISOString(),
  };
}
export type Payout = ReturnType<typeof toPayout>;

/** Records a payout of a cash wallet: the units leave the wallet now; the operator moves the money. */
export async function payout(
  d: CashbackDeps,
  programId: string,
  input: PayoutInput,
  actor: Actor,
  key?: string,
): Promise<{ payout: Payout; replayed: boolean }> {
  if (!isCurrency(input.currency)) {
    throw invalid(`unknown currency ${input.currency}`, { currency: 'unknown currency' });
  }
  const method = input.method.replace('_', ' ');
  const { view, replayed } = await cashOut(d, programId, actor, key, {
    from: { ...input, unit: input.currency },
    entry: {
      type: 'payout',
      reasonCode: 'payout',
      explanation: `Payout by ${method}${input.reference ? ` (${input.reference})` : ''}`,
    },
    idPrefix: 'pay',
    resourceType: 'payout',
    action: 'payout.request',
    insert: (tx, row) =>
      insertPayout(tx, { ...row, method: input.method, reference: input.reference ?? null }),
    findByEntry: findPayoutByEntry,
    view: toPayout,
  });
  return { payout: view, replayed };
}

/** Payouts, newest first, of an account, in pages. */
export async function payoutPage(
  d: CashbackDeps,
  programId: string,
  q: CashListInput,
): Promise<Page<Payout>> {
  const filters = { accountId: await d.accounts.idOf(programId, q.account) };
  return fetchPage(
    q,
    (after, limit) => listPayouts(d.database.db, programId, filters, after, limit),
    toPayout,
  );
}
