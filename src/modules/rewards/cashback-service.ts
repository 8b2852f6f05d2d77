// Cash wallets out of the program: payouts (the operator moves the money) and donations to the
// charities a program lists. Both are posted ledger entries (types payout and donate).
import { FidelisError } from '../../core/errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../core/pagination.ts';
import { isCurrency } from '../../core/reference.ts';
import type { Database } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import type {
  CreateCharityInput,
  DonationInput,
  PayoutInput,
  UpdateCharityInput,
} from './cashback-schemas.ts';
import {
  type CharityRow,
  type DonationRow,
  findCharity,
  findDonationByEntry,
  findPayoutByEntry,
  insertCharity,
  insertDonation,
  insertPayout,
  listCharities,
  listDonations,
  listPayouts,
  type PayoutRow,
  patchCharity,
} from './cashback-store.ts';

export function toCharity(c: CharityRow) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    url: c.url,
    status: c.status,
    createdAt: c.createdAt.toISOString(),
  };
}

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

function page<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

function cursorOf(cursor: string | undefined): string | undefined {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && after === undefined) throw new FidelisError('invalid_cursor');
  return after;
}

export function createCashbackService(
  database: Database,
  deps: { accounts: AccountService; contacts: ContactService; ledger: LedgerService; audit: AuditService },
) {
  const { accounts, contacts, ledger, audit } = deps;

  async function loadCharity(programId: string, id: string): Promise<CharityRow> {
    const row = await findCharity(database.db, programId, id);
    if (!row) throw new FidelisError('charity_not_found', `No charity ${id}`);
    return row;
  }

  /** The account, the contact (of that account) and the amount: the one given, or all that is available. */
  async function movement(
    programId: string,
    accountRef: string,
    unit: string,
    amount?: number,
    contactId?: string,
  ) {
    const account = await accounts.resolve(programId, accountRef);
    if (contactId !== undefined) {
      const contact = await contacts.get(programId, contactId);
      if (contact.accountId !== account.id) {
        throw new FidelisError('validation_failed', `Contact ${contact.id} belongs to another account`, {
          errors: [{ path: '/body/contactId', message: 'is a contact of another account' }],
        });
      }
    }
    let value = amount;
    if (value === undefined) {
      const wallet = (await ledger.summary(programId, account.id)).find((w) => w.unit === unit);
      value = wallet?.available ?? 0;
      if (value <= 0) {
        throw new FidelisError('insufficient_balance', `The ${unit} wallet holds nothing available`, {
          errors: [{ path: '/body/amount', message: 'nothing available' }],
        });
      }
    }
    return { account, amount: value };
  }

  return {
    async createCharity(programId: string, input: CreateCharityInput, actor: string) {
      const row = await database.transaction(async (tx) => {
        const created = await insertCharity(tx, {
          programId,
          id: newId('chr'),
          name: input.name.trim(),
          description: input.description ?? null,
          url: input.url ?? null,
        });
        await audit.record(tx, programId, {
          actor,
          action: 'charity.create',
          resourceType: 'charity',
          resourceId: created.id,
          after: created,
        });
        return created;
      });
      return toCharity(row);
    },

    async updateCharity(programId: string, id: string, input: UpdateCharityInput, actor: string) {
      const row = await database.transaction(async (tx) => {
        const before = await findCharity(tx, programId, id);
        if (!before) throw new FidelisError('charity_not_found', `No charity ${id}`);
        const after = (await patchCharity(tx, programId, id, {
          ...(input.name !== undefined && { name: input.name.trim() }),
          ...(input.description !== undefined && { description: input.description }),
          ...(input.url !== undefined && { url: input.url }),
          ...(input.status !== undefined && { status: input.status }),
        }))!;
        await audit.record(tx, programId, {
          actor,
          action: 'charity.update',
          resourceType: 'charity',
          resourceId: id,
          before,
          after,
        });
        return after;
      });
      return toCharity(row);
    },

    async charity(programId: string, id: string) {
      return toCharity(await loadCharity(programId, id));
    },

    async charities(programId: string) {
      return (await listCharities(database.db, programId)).map(toCharity);
    },

    /**
     * Donates (part of) a wallet to a charity of the program. `key` makes it exactly-once: a retry
     * with the same key returns the first donation.
     */
    async donate(programId: string, input: DonationInput, actor: string, key?: string) {
      const charity = await loadCharity(programId, input.charityId);
      if (charity.status !== 'active')
        throw new FidelisError('charity_not_active', `${charity.name} accepts no donations any more`);
      if (input.unit !== 'points' && !isCurrency(input.unit)) {
        throw new FidelisError('validation_failed', `unknown currency ${input.unit}`, {
          errors: [{ path: '/body/unit', message: 'unknown currency' }],
        });
      }
      const { account, amount } = await movement(
        programId,
        input.account,
        input.unit,
        input.amount,
        input.contactId,
      );
      const id = newId('don');
      const result = await ledger.debit(programId, {
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
        actor,
        afterWrite: async (tx, entry) => {
          await insertDonation(tx, {
            programId,
            id,
            charityId: charity.id,
            accountId: account.id,
            contactId: input.contactId ?? null,
            unit: input.unit,
            amount,
            entryId: entry.id,
          });
        },
      });
      const row = await findDonationByEntry(database.db, programId, result.entry.id);
      return { donation: toDonation(row!), replayed: result.replayed };
    },

    async donations(
      programId: string,
      q: { account?: string; charityId?: string; limit?: number; cursor?: string },
    ) {
      const limit = q.limit ?? 50;
      const accountId =
        q.account === undefined ? undefined : (await accounts.resolve(programId, q.account)).id;
      const rows = await listDonations(
        database.db,
        programId,
        { accountId, charityId: q.charityId },
        cursorOf(q.cursor),
        limit + 1,
      );
      return page(rows.map(toDonation), limit);
    },

    /** Records a payout of a cash wallet: the units leave the wallet now; the operator moves the money. */
    async payout(programId: string, input: PayoutInput, actor: string, key?: string) {
      if (!isCurrency(input.currency)) {
        throw new FidelisError('validation_failed', `unknown currency ${input.currency}`, {
          errors: [{ path: '/body/currency', message: 'unknown currency' }],
        });
      }
      const { account, amount } = await movement(
        programId,
        input.account,
        input.currency,
        input.amount,
        input.contactId,
      );
      const id = newId('pay');
      const result = await ledger.debit(programId, {
        key: key === undefined ? `payout:${id}` : `api:payout:${key}`,
        account: account.id,
        unit: input.currency,
        amount,
        type: 'payout',
        reasonCode: 'payout',
        explanation: `Payout by ${input.method.replace('_', ' ')}${input.reference ? ` (${input.reference})` : ''}`,
        contactId: input.contactId,
        sourceType: 'api',
        actor,
        afterWrite: async (tx, entry) => {
          await insertPayout(tx, {
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
          await audit.record(tx, programId, {
            actor,
            action: 'payout.request',
            resourceType: 'payout',
            resourceId: id,
            after: { account: account.id, unit: input.currency, amount, method: input.method },
          });
        },
      });
      const row = await findPayoutByEntry(database.db, programId, result.entry.id);
      return { payout: toPayout(row!), replayed: result.replayed };
    },

    async payouts(programId: string, q: { account?: string; limit?: number; cursor?: string }) {
      const limit = q.limit ?? 50;
      const accountId =
        q.account === undefined ? undefined : (await accounts.resolve(programId, q.account)).id;
      const rows = await listPayouts(database.db, programId, { accountId }, cursorOf(q.cursor), limit + 1);
      return page(rows.map(toPayout), limit);
    },
  };
}

export type CashbackService = ReturnType<typeof createCashbackService>;
