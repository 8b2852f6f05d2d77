// Taking (part of) a wallet out of the program, for donations and payouts alike: what it starts
// with, and the debit that writes the record of where the units went.
import { type Actor, actorName } from '../../core/access.ts';
import { fieldError } from '../../core/errors.ts';
import type { Executor } from '../../db/client.ts';
import { type IdPrefix, newId } from '../../lib/ids.ts';
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

/** Units leaving the program, and the record of where they went (a donation, a payout). */
export interface CashOut<Row, View> {
  /** The wallet: its account (id or externalId), unit, contact, and the amount (all that is available when omitted). */
  from: { account: string; unit: string; amount?: number; contactId?: string };
  /** The ledger entry's type, reason code and words, and what it refers to. */
  entry: { type: 'donate' | 'payout'; reasonCode: string; explanation: string; sourceId?: string };
  /** The record: its id prefix, resource type (also the ledger key's prefix) and audit action. */
  idPrefix: IdPrefix;
  resourceType: string;
  action: string;
  /** Writes the record from the columns every such record has, plus its own. */
  insert(tx: WriteTx, row: CashRow): Promise<Row>;
  findByEntry(db: Executor, programId: string, entryId: string): Promise<Row | undefined>;
  view(row: Row): View;
}

/**
 * Takes units out of a wallet as one posted debit and writes what they became in the same
 * transaction, audited. `key` (the request's Idempotency-Key) makes it exactly-once: a retry returns
 * the first record, `replayed`.
 */
export async function cashOut<Row, View>(
  d: CashbackDeps,
  programId: string,
  actor: Actor,
  key: string | undefined,
  out: CashOut<Row, View>,
): Promise<{ view: View; replayed: boolean }> {
  const { from, resourceType, action } = out;
  const { account, amount } = await movement(
    d,
    programId,
    from.account,
    from.unit,
    from.amount,
    from.contactId,
  );
  const id = newId(out.idPrefix);
  const result = await d.ledger.debit(programId, {
    ...out.entry,
    key: key === undefined ? `${resourceType}:${id}` : `api:${resourceType}:${key}`,
    account: account.id,
    unit: from.unit,
    amount,
    contactId: from.contactId,
    sourceType: 'api',
    actor: actorName(actor),
    afterWrite: async (tx, entry) => {
      const contactId = from.contactId ?? null;
      const common = {
        programId,
        id,
        accountId: account.id,
        contactId,
        unit: from.unit,
        amount,
        entryId: entry.id,
      };
      const row = await out.insert(tx, common);
      await d.audit.record(tx, programId, {
        actor,
        action,
        resourceType,
        resourceId: id,
        after: out.view(row),
      });
    },
  });
  const row = await out.findByEntry(d.database.db, programId, result.entry.id);
  return { view: out.view(row!), replayed: result.replayed };
}
