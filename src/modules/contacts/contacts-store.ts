import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { type ContactRole, contacts } from './contacts-tables.ts';

export type ContactRow = typeof contacts.$inferSelect;
export type NewContactRow = typeof contacts.$inferInsert;

export interface ContactFilters {
  accountId?: string;
  role?: ContactRole;
  email?: string;
}

export async function insertContact(db: Executor, row: NewContactRow): Promise<ContactRow> {
  const [created] = await db.insert(contacts).values(row).returning();
  return created!;
}

export async function findContact(
  db: Executor,
  programId: string,
  id: string,
): Promise<ContactRow | undefined> {
  const [row] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.programId, programId), eq(contacts.id, id)));
  return row;
}

/** The contact, its row locked until the transaction ends (the state an update changes from). */
export async function lockContact(
  db: Executor,
  programId: string,
  id: string,
): Promise<ContactRow | undefined> {
  const [row] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.programId, programId), eq(contacts.id, id)))
    .for('update');
  return row;
}

export async function listContacts(
  db: Executor,
  programId: string,
  filters: ContactFilters,
  after: string | undefined,
  limit: number,
): Promise<ContactRow[]> {
  const where: SQL[] = [eq(contacts.programId, programId)];
  if (filters.accountId) where.push(eq(contacts.accountId, filters.accountId));
  if (filters.role) where.push(eq(contacts.role, filters.role));
  if (filters.email) where.push(eq(contacts.email, filters.email));
  if (after) where.push(gt(contacts.id, after));
  return db
    .select()
    .from(contacts)
    .where(and(...where))
    .orderBy(asc(contacts.id))
    .limit(limit);
}

export async function updateContactRow(
  db: Executor,
  programId: string,
  id: string,
  patch: Partial<Omit<NewContactRow, 'programId' | 'id' | 'createdAt'>>,
): Promise<ContactRow | undefined> {
  const [row] = await db
    .update(contacts)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(contacts.programId, programId), eq(contacts.id, id)))
    .returning();
  return row;
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
