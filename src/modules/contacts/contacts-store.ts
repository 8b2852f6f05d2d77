import { isNotNull, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { equalsIf, programTable } from '../../db/rows.ts';
import { type ContactRole, contacts } from './contacts-tables.ts';

export type ContactRow = typeof contacts.$inferSelect;
export type NewContactRow = typeof contacts.$inferInsert;

export interface ContactFilters {
  accountId?: string;
  role?: ContactRole;
  email?: string;
  active?: boolean;
}

const table = programTable(contacts, contacts.id);

export const insertContact = table.insert;
export const findContact = table.find;
/** The contact, its row locked until the transaction ends (the state an update changes from). */
export const lockContact = table.lock;

export const listContacts = table.lister((f: ContactFilters) => [
  equalsIf(contacts.accountId, f.accountId),
  equalsIf(contacts.role, f.role),
  equalsIf(contacts.email, f.email),
  f.active === undefined
    ? undefined
    : f.active
      ? isNull(contacts.deactivatedAt)
      : isNotNull(contacts.deactivatedAt),
]);

export function updateContactRow(
  db: Executor,
  programId: string,
  id: string,
  patch: Partial<Omit<NewContactRow, 'programId' | 'id' | 'createdAt'>>,
): Promise<ContactRow | undefined> {
  return table.update(db, programId, id, { ...patch, updatedAt: new Date() });
}

export type ContactUpsertColumn =
  | 'accountId'
  | 'name'
  | 'role'
  | 'birthday'
  | 'locale'
  | 'marketingOptIn'
  | 'statementOptIn';

const UPSERT_SET = {
  accountId: sql`excluded.account_id`,
  name: sql`excluded.name`,
  role: sql`excluded.role`,
  birthday: sql`excluded.birthday`,
  locale: sql`excluded.locale`,
  marketingOptIn: sql`excluded.marketing_opt_in`,
  statementOptIn: sql`excluded.statement_opt_in`,
} as const;

/** Inserts contacts or, where the email exists, updates the given columns only. */
export async function upsertContactsByEmail(
  db: Executor,
  rows: NewContactRow[],
  columns: ContactUpsertColumn[],
): Promise<Array<{ id: string; created: boolean }>> {
  if (rows.length === 0) return [];
  const set: Record<string, unknown> = { updatedAt: sql`now()` };
  for (const c of columns) set[c] = UPSERT_SET[c];
  return db
    .insert(contacts)
    .values(rows)
    .onConflictDoUpdate({ target: [contacts.programId, contacts.email], set })
    .returning({ id: contacts.id, created: sql<boolean>`(xmax = 0)` });
}
