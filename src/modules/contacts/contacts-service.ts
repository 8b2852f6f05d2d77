// Contacts: the people at an account (one email per program), created, changed (both audited),
// listed and imported.
import type { Actor } from '../../core/access.ts';
import { FidelisError, type FieldError, fieldError, fieldErrors } from '../../core/errors.ts';
import { fetchPage, type Page } from '../../core/pagination.ts';
import { canonicalLocale, isCalendarDate } from '../../core/reference.ts';
import type { Database, Executor } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { AccountService, ImportResult, ProgressFn } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
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
  lockContact,
  type NewContactRow,
  updateContactRow,
  upsertContactsByEmail,
} from './contacts-store.ts';

export type { ContactUpsertColumn } from './contacts-store.ts';

/** The fields a new contact is made of, as a request or an import row gives them. */
export interface NewContactFields {
  email: string;
  name?: string | null;
  role?: Contact['role'];
  birthday?: string | null;
  locale?: string | null;
  marketingOptIn?: boolean;
  statementOptIn?: boolean;
}

/** One valid row of a contact import: accountId already resolved. */
export interface ContactImportRow extends NewContactFields {
  line: number;
  accountId: string;
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
    active: row.deactivatedAt === null,
    deactivatedAt: row.deactivatedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Checks the schema cannot express, by field; returns the canonical locale when one was given. */
export function contactValueErrors(input: { birthday?: string | null; locale?: string | null }): {
  errors: FieldError[];
  locale?: string | null;
} {
  const errors: FieldError[] = [];
  if (input.birthday && !isCalendarDate(input.birthday)) {
    errors.push({ path: '/birthday', message: `not a calendar date: ${input.birthday}` });
  }
  let locale: string | null | undefined = input.locale;
  if (input.locale) {
    locale = canonicalLocale(input.locale);
    if (!locale) errors.push({ path: '/locale', message: `not a BCP 47 tag: ${input.locale}` });
  }
  return { errors, locale };
}

/** The canonical locale of the input; validation_failed naming the fields whose values are not valid. */
function checkValues(input: { birthday?: string | null; locale?: string | null }): string | null | undefined {
  const { errors, locale } = contactValueErrors(input);
  if (errors.length > 0) throw fieldErrors('validation_failed', errors);
  return locale;
}

/** Runs a write, turning a clash on the unique email into email_taken. */
async function uniqueEmail<T>(email: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error, 'contacts_email_uq')) {
      throw fieldError('email_taken', `A contact with email ${email} exists already`, { email: 'is taken' });
    }
    throw error;
  }
}

/** A new contact row of the account, with the defaults of a new contact for what is not given. */
function newContactRow(programId: string, accountId: string, fields: NewContactFields): NewContactRow {
  return {
    programId,
    id: newId('con'),
    accountId,
    email: normaliseEmail(fields.email),
    name: fields.name ?? null,
    role: fields.role ?? 'buyer',
    birthday: fields.birthday ?? null,
    locale: fields.locale ?? null,
    marketingOptIn: fields.marketingOptIn ?? false,
    statementOptIn: fields.statementOptIn ?? false,
  };
}

export function createContactService(database: Database, accounts: AccountService, audit: AuditService) {
  return {
    async create(
      programId: string,
      accountRef: string,
      input: CreateContactInput,
      actor: Actor,
    ): Promise<Contact> {
      const locale = checkValues(input);
      const account = await accounts.resolve(programId, accountRef);
      const row = newContactRow(programId, account.id, { ...input, name: input.name?.trim(), locale });
      return uniqueEmail(input.email, () =>
        database.transaction(async (tx) => {
          const contact = toContact(await insertContact(tx, row));
          await audit.record(tx, programId, {
            actor,
            action: 'contact.create',
            resourceType: 'contact',
            resourceId: contact.id,
            after: contact,
          });
          return contact;
        }),
      );
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
      actor: Actor,
    ): Promise<{ before: Contact; after: Contact }> {
      const locale = checkValues(input);
      if (!(await findContact(database.db, programId, id)))
        throw new FidelisError('contact_not_found', `No contact ${id}`);
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
      return uniqueEmail(input.email, () =>
        database.transaction(async (tx) => {
          const current = await lockContact(tx, programId, id);
          if (!current) throw new FidelisError('contact_not_found', `No contact ${id}`);
          const row = await updateContactRow(tx, programId, id, patch);
          const change = { before: toContact(current), after: toContact(row!) };
          await audit.record(tx, programId, {
            actor,
            action: 'contact.update',
            resourceType: 'contact',
            resourceId: id,
            ...change,
          });
          return change;
        }),
      );
    },

    /**
     * Deactivates a contact (someone who left the account's company) or makes it active again,
     * audited as `contact.deactivate` / `contact.reactivate`. A deactivated contact keeps its history
     * but signs in to no portal (live sessions end at their next request), gets no mail and counts
     * for no birthday. Asking for the state it is already in changes nothing and answers it.
     */
    async setActive(programId: string, id: string, active: boolean, actor: Actor, now = new Date()) {
      return database.transaction(async (tx) => {
        const current = await lockContact(tx, programId, id);
        if (!current) throw new FidelisError('contact_not_found', `No contact ${id}`);
        if ((current.deactivatedAt === null) === active) return toContact(current);
        const row = await updateContactRow(tx, programId, id, { deactivatedAt: active ? null : now });
        const after = toContact(row!);
        await audit.record(tx, programId, {
          actor,
          action: active ? 'contact.reactivate' : 'contact.deactivate',
          resourceType: 'contact',
          resourceId: id,
          before: toContact(current),
          after,
        });
        return after;
      });
    },

    /**
     * Upserts valid import rows by email inside the caller's transaction `tx` (all or nothing with it);
     * only the given columns change on existing contacts.
     */
    async importRows(
      tx: Executor,
      programId: string,
      rows: ContactImportRow[],
      columns: ContactUpsertColumn[],
      onProgress: ProgressFn = () => {},
    ): Promise<ImportResult> {
      let created = 0;
      for (let i = 0; i < rows.length; i += IMPORT_BATCH) {
        const batch = rows.slice(i, i + IMPORT_BATCH).map((r) => newContactRow(programId, r.accountId, r));
        const result = await upsertContactsByEmail(tx, batch, columns);
        created += result.filter((r) => r.created).length;
        onProgress('contacts', Math.min(i + IMPORT_BATCH, rows.length), rows.length);
      }
      return { created, updated: rows.length - created };
    },

    async list(programId: string, query: ListContactsInput): Promise<Page<Contact>> {
      const filters = {
        accountId: await accounts.idOf(programId, query.accountId),
        role: query.role,
        email: query.email === undefined ? undefined : normaliseEmail(query.email),
        active: query.active,
      };
      return fetchPage(
        query,
        (after, limit) => listContacts(database.db, programId, filters, after, limit),
        toContact,
      );
    },
  };
}

export type ContactService = ReturnType<typeof createContactService>;
