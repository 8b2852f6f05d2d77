// Taking (part of) a wallet out of the program, for donations and payouts alike: what it starts
// with, and the debit that writes the record of where the units went.
import { type Actor, actorName } from '../../core/access.ts';
import { fieldError } from '../../core/errors.ts';
import type { Executor } from '../../db/client.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
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

type DebitInput = Parameters<LedgerService['debit']>[1];
type WriteTx = Parameters<NonNullable<DebitInput['afterWrite']>>[0];

/** The columns of every record of units leaving: the debit's account, contact, unit and amount, and its entry. */
export interface CashRow {
  programId: string;
  id: string;
  accountId: string;
  contactId: string | null;
  unit: string;
  amount: number;
  entryId: string;
}

/** What units leaving the program turn into: a row of its own, written and audited with the debit. */
export interface CashRecord<Row, View> {
  action: string;
  resourceType: string;
  resourceId: string;
  /** Writes the row from the columns every such row has (those of the debit), plus its own. */
  insert(tx: WriteTx, row: CashRow): Promise<Row>;
  findByEntry(db: Executor, programId: string, entryId: string): Promise<Row | undefined>;
  view(row: Row): View;
}

/**
 * Takes units out of a wallet as one posted debit and writes what they became (a donation, a payout)
 * in the same transaction, audited. The debit's key makes it exactly-once: a retry returns the
 * first record, `replayed`.
 */
export async function cashOut<Row, View>(
  d: CashbackDeps,
  programId: string,
  actor: Actor,
  debit: Omit<DebitInput, 'afterWrite' | 'actor' | 'sourceType'> & { amount: number; unit: string },
  record: CashRecord<Row, View>,
): Promise<{ view: View; replayed: boolean }> {
  const result = await d.ledger.debit(programId, {
    ...debit,
    sourceType: 'api',
    actor: actorName(actor),
    afterWrite: async (tx, entry) => {
      const { action, resourceType, resourceId } = record;
      const row = await record.insert(tx, {
        programId,
        id: resourceId,
        accountId: debit.account,
        contactId: debit.contactId ?? null,
        unit: debit.unit,
        amount: debit.amount,
        entryId: entry.id,
      });
      await d.audit.record(tx, programId, {
        actor,
        action,
        resourceType,
        resourceId,
        after: record.view(row),
      });
    },
  });
  const row = await record.findByEntry(d.database.db, programId, result.entry.id);
  return { view: record.view(row!), replayed: result.replayed };
}
