import { FidelisError, type FieldError } from '../../core/errors.ts';
import { decodeCursor, type Page, toPage } from '../../core/pagination.ts';
import { canonicalLocale, isCalendarDate } from '../../core/reference.ts';
import type { Database } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { ImportResult, ProgressFn } from '../accounts/accounts-service.ts';
import { type AccountService, throwIfErrors, transactionOrRehearsal } from '../accounts/accounts-service.ts';
import type {
  Contact,
  CreateContactInput,
  ListContactsInput,
  UpdateContactInput,
} from './contacts-schemas.ts';
import {
  type ContactRow,
  type ContactUpsertColumn,
  findContact,
  insertContact,
  listContacts,
  type NewContactRow,
  updateContactRow,
  upsertContactsByEmail,
} from './contacts-store.ts';

/** One valid row of a contact import: accountId already resolved. */
export interface ContactImportRow {
  line: number;
  email: string;
  accountId: string;
  name?: string | null;
  role?: Contact['role'];
  birthday?: string | null;
  locale?: string | null;
  marketingOptIn?: boolean;
  statementOptIn?: boolean;
}

const IMPORT_BATCH = 1000;

export function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    accountId: row.accountId,
    email: row.email,
    name: row.name,
    role: row.role,
    birthday: row.birthday,
    locale: row.locale,
    marketingOptIn: row.marketingOptIn,
    statementOptIn: row.statementOptIn,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Checks the schema cannot express; returns the canonical locale when one was given. */
export function contactValueErrors(
  input: { birthday?: string | null; locale?: string | null },
  prefix = '/body',
): { errors: FieldError[]; locale?: string | null } {
  const errors: FieldError[] = [];
  if (input.birthday && !isCalendarDate(input.birthday)) {
    errors.push({ path: `${prefix}/birthday`, message: `not a calendar date: ${input.birthday}` });
  }
  let locale: string | null | undefined = input.locale;
  if (input.locale) {
    locale = canonicalLocale(input.locale);
    if (!locale) errors.push({ path: `${prefix}/locale`, message: `not a BCP 47 tag: ${input.locale}` });
  }
  return { errors, locale };
}

function emailTaken(email: string | undefined): FidelisError {
  return new FidelisError('email_taken', `A contact with email ${email} exists already`, {
    errors: [{ path: '/body/email', message: 'is taken' }],
  });
}

export function createContactService(database: Database, accounts: AccountService) {
  return {
    async create(programId: string, accountRef: string, input: CreateContactInput): Promise<Contact> {
      const { errors, locale } = contactValueErrors(input);
      throwIfErrors(errors);
      const account = await accounts.resolve(programId, accountRef);
      try {
        const row = await insertContact(database.db, {
          programId,
          id: newId('con'),
          accountId: account.id,
          email: normaliseEmail(input.email),
          name: input.name?.trim() ?? null,
          role: input.role ?? 'buyer',
          birthday: input.birthday ?? null,
          locale: locale ?? null,
          marketingOptIn: input.marketingOptIn ?? false,
          statementOptIn: input.statementOptIn ?? false,
        });
        return toContact(row);
      } catch (error) {
        if (isUniqueViolation(error, 'contacts_email_uq')) throw emailTaken(input.email);
        throw error;
      }
    },

    async get(programId: string, id: string): Promise<Contact> {
      const row = await findContact(database.db, programId, id);
      if (!row) throw new FidelisError('contact_not_found', `No contact ${id}`);
      return toContact(row);
    },

    async update(
      programId: string,
      id: string,
      input: UpdateContactInput,
    ): Promise<{ before: Contact; after: Contact }> {
      const { errors, locale } = contactValueErrors(input);
      throwIfErrors(errors);
      const current = await findContact(database.db, programId, id);
      if (!current) throw new FidelisError('contact_not_found', `No contact ${id}`);
      const patch: Partial<NewContactRow> = {};
      if (input.accountId !== undefined)
        patch.accountId = (await accounts.resolve(programId, input.accountId)).id;
      if (input.email !== undefined) patch.email = normaliseEmail(input.email);
      if (input.name !== undefined) patch.name = input.name === null ? null : input.name.trim();
      if (input.role !== undefined) patch.role = input.role;
      if (input.birthday !== undefined) patch.birthday = input.birthday;
      if (input.locale !== undefined) patch.locale = locale ?? null;
      if (input.marketingOptIn !== undefined) patch.marketingOptIn = input.marketingOptIn;
      if (input.statementOptIn !== undefined) patch.statementOptIn = input.statementOptIn;
      try {
        const row = await updateContactRow(database.db, programId, id, patch);
        if (!row) throw new FidelisError('contact_not_found', `No contact ${id}`);
        return { before: toContact(current), after: toContact(row) };
      } catch (error) {
        if (isUniqueViolation(error, 'contacts_email_uq')) throw emailTaken(input.email);
        throw error;
      }
    },

    /** Upserts valid import rows by email in one transaction; only the given columns change on existing contacts. */
    async importRows(
      programId: string,
      rows: ContactImportRow[],
      columns: ContactUpsertColumn[],
      onProgress: ProgressFn = () => {},
      options: { dryRun?: boolean } = {},
    ): Promise<ImportResult> {
      return transactionOrRehearsal(database, options.dryRun ?? false, async (tx) => {
        let created = 0;
        for (let i = 0; i < rows.length; i += IMPORT_BATCH) {
          const batch = rows.slice(i, i + IMPORT_BATCH).map(
            (r): NewContactRow => ({
              programId,
              id: newId('con'),
              accountId: r.accountId,
              email: normaliseEmail(r.email),
              name: r.name ?? null,
              role: r.role ?? 'buyer',
              birthday: r.birthday ?? null,
              locale: r.locale ?? null,
              marketingOptIn: r.marketingOptIn ?? false,
              statementOptIn: r.statementOptIn ?? false,
            }),
          );
          const result = await upsertContactsByEmail(tx, batch, columns);
          created += result.filter((r) => r.created).length;
          onProgress('contacts', Math.min(i + IMPORT_BATCH, rows.length), rows.length);
        }
        return { created, updated: rows.length - created };
      });
    },

    async list(programId: string, query: ListContactsInput): Promise<Page<Contact>> {
      const limit = query.limit ?? 50;
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      if (query.cursor !== undefined && after === undefined) throw new FidelisError('invalid_cursor');
      let accountId: string | undefined;
      if (query.accountId !== undefined) accountId = (await accounts.resolve(programId, query.accountId)).id;
      const rows = await listContacts(
        database.db,
        programId,
        {
          accountId,
          role: query.role,
          email: query.email === undefined ? undefined : normaliseEmail(query.email),
        },
        after,
        limit + 1,
      );
      return toPage(rows.map(toContact), limit);
    },
  };
}

export type ContactService = ReturnType<typeof createContactService>;
