// The accounts list in pages: filtered, in id order by default, or sorted by name or creation time
// (decision 0038). The cursor stays the last row's id; a sorted page continues after that row's
// (sort key, id), read from the row itself, so the pages neither skip nor repeat an account whose
// sort key equals another's.
import { and, asc, desc, eq, gt, ilike, isNull, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import type { AccountRow } from './accounts-store.ts';
import { type AccountStatus, accounts } from './accounts-tables.ts';

export interface AccountFilters {
  status?: AccountStatus;
  segment?: string;
  country?: string;
  parentId?: string | null;
  q?: string;
  externalId?: string;
}

/** A sort the list accepts: a field, descending with a leading minus. */
export type AccountSort = 'name' | '-name' | 'createdAt' | '-createdAt';

export async function listAccounts(
  db: Executor,
  programId: string,
  filters: AccountFilters,
  after: string | undefined,
  limit: number,
  sort?: AccountSort,
): Promise<AccountRow[]> {
  const where: SQL[] = [eq(accounts.programId, programId)];
  if (filters.status) where.push(eq(accounts.status, filters.status));
  if (filters.segment) where.push(eq(accounts.segment, filters.segment));
  if (filters.country) where.push(eq(accounts.country, filters.country));
  if (filters.externalId) where.push(eq(accounts.externalId, filters.externalId));
  if (filters.parentId === null) where.push(isNull(accounts.parentId));
  else if (filters.parentId) where.push(eq(accounts.parentId, filters.parentId));
  if (filters.q) where.push(ilike(accounts.name, `%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  if (!sort) {
    if (after) where.push(gt(accounts.id, after));
    return db
      .select()
      .from(accounts)
      .where(and(...where))
      .orderBy(asc(accounts.id))
      .limit(limit);
  }
  const descending = sort.startsWith('-');
  // Names in a case-blind order (lower()), whatever the database's collation does with case.
  const key = sort.endsWith('name') ? sql`lower(${accounts.name})` : sql`${accounts.createdAt}`;
  const keyOfCursor = sql.raw(sort.endsWith('name') ? 'lower(c.name)' : 'c.created_at');
  if (after) {
    // After the cursor's row in (key, id) order; an id the program does not have matches nothing.
    const position = sql`(select ${keyOfCursor}, c.id from accounts c where c.program_id = ${programId} and c.id = ${after})`;
    where.push(
      descending ? sql`(${key}, ${accounts.id}) < ${position}` : sql`(${key}, ${accounts.id}) > ${position}`,
    );
  }
  const order = descending ? desc : asc;
  return db
    .select()
    .from(accounts)
    .where(and(...where))
    .orderBy(order(key), order(accounts.id))
    .limit(limit);
}
