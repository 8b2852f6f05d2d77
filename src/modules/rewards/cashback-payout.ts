// Payouts: (part of) a cash wallet paid out by the operator, recorded as a posted ledger entry of
// type payout with its method and reference, audited in its transaction.
import { type Actor, actorName } from '../../core/access.ts';
import { invalid } from '../../core/errors.ts';
import { afterCursor, DEFAULT_LIMIT, type Page, toPage } from '../../core/pagination.ts';
import { isCurrency } from '../../core/reference.ts';
import { newId } from '../../lib/ids.ts';
import type { CashListInput, PayoutInput } from './cashback-schemas.ts';
import type { CashbackDeps } from './cashback-service.ts';
import { findPayoutByEntry, insertPayout, listPayouts, type PayoutRow } from './cashback-store.ts';
import { movement } from './cashback-wallet.ts';

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
  const { account, amount } = await movement(
    d,
    programId,
    input.account,
    input.currency,
    input.amount,
    input.contactId,
  );
  const id = newId('pay');
  const result = await d.ledger.debit(programId, {
    key: key === undefined ? `payout:${id}` : `api:payout:${key}`,
    account: account.id,
    unit: input.currency,
    amount,
    type: 'payout',
    reasonCode: 'payout',
    explanation: `Payout by ${input.method.replace('_', ' ')}${input.reference ? ` (${input.reference})` : ''}`,
    contactId: input.contactId,
    sourceType: 'api',
    actor: actorName(actor),
    afterWrite: async (tx, entry) => {
      const payout = await insertPayout(tx, {
        programId,
        id,
        accountId: account.id,
        contactId: input.contactId ?? null,
        unit: input.currency,
        amount,
        method: input.method,
        reference: input.reference ?? null,
        entryId: entry.id,
      });
      await d.audit.record(tx, programId, {
        actor,
        action: 'payout.request',
        resourceType: 'payout',
        resourceId: id,
        after: toPayout(payout),
      });
    },
  });
  const row = await findPayoutByEntry(d.database.db, programId, result.entry.id);
  return { payout: toPayout(row!), replayed: result.replayed };
}

/** Payouts, newest first, of an account, in pages. */
export async function payoutPage(
  d: CashbackDeps,
  programId: string,
  q: CashListInput,
): Promise<Page<Payout>> {
  const limit = q.limit ?? DEFAULT_LIMIT;
  const accountId = q.account === undefined ? undefined : (await d.accounts.resolve(programId, q.account)).id;
  const rows = await listPayouts(d.database.db, programId, { accountId }, afterCursor(q.cursor), limit + 1);
  return toPage(rows, limit, toPayout);
}
