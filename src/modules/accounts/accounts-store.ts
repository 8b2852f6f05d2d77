import { and, asc, eq, gt, ilike, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import { type Executor, selectRows } from '../../db/client.ts';
import { type AccountStatus, accounts } from './accounts-tables.ts';

export type AccountRow = typeof accounts.$inferSelect;
export type NewAccountRow = typeof accounts.$inferInsert;

export interface AccountKey {
  id: string;
  externalId: string | null;
}

export interface AccountFilters {
  status?: AccountStatus;
  segment?: string;
  country?: string;
  parentId?: string | null;
  q?: string;
  externalId?: string;
}

export async function insertAccount(db: Executor, row: NewAccountRow): Promise<AccountRow> {
  const [created] = await db.insert(accounts).values(row).returning();
  return created!;
}

/** An account by id or by externalId (the id wins when both could match). */
export async function findAccountByRef(
  db: Executor,
  programId: string,
  ref: string,
): Promise<AccountRow | undefined> {
  const rows = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.programId, programId), or(eq(accounts.id, ref), eq(accounts.externalId, ref))))
    .limit(2);
  return rows.find((r) => r.id === ref) ?? rows[0];
}

export async function findAccountByExternalId(
  db: Executor,
  programId: string,
  externalId: string,
): Promise<AccountRow | undefined> {
  const [row] = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.programId, programId), eq(accounts.externalId, externalId)));
  return row;
}

export async function listAccounts(
  db: Executor,
  programId: string,
  filters: AccountFilters,
  after: string | undefined,
  limit: number,
): Promise<AccountRow[]> {
  const where: SQL[] = [eq(accounts.programId, programId)];
  if (filters.status) where.push(eq(accounts.status, filters.status));
  if (filters.segment) where.push(eq(accounts.segment, filters.segment));
  if (filters.country) where.push(eq(accounts.country, filters.country));
  if (filters.externalId) where.push(eq(accounts.externalId, filters.externalId));
  if (filters.parentId === null) where.push(isNull(accounts.parentId));
  else if (filters.parentId) where.push(eq(accounts.parentId, filters.parentId));
  if (filters.q) where.push(ilike(accounts.name, `%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  if (after) where.push(gt(accounts.id, after));
  return db
    .select()
    .from(accounts)
    .where(and(...where))
    .orderBy(asc(accounts.id))
    .limit(limit);
}

export async function updateAccountRow(
  db: Executor,
  programId: string,
  id: string,
  patch: Partial<Omit<NewAccountRow, 'programId' | 'id' | 'createdAt'>>,
): Promise<AccountRow | undefined> {
  const [row] = await db
    .update(accounts)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(accounts.programId, programId), eq(accounts.id, id)))
    .returning();
  return row;
}

/** Serialises hierarchy changes of one program until the transaction ends (both drivers). */
export async function lockHierarchy(db: Executor, programId: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`hierarchy:${programId}`}, 0))`);
}

/** The chain from the account up to its root: [self, parent, grandparent, …], at most maxDepth long. */
export async function ancestorIds(
  db: Executor,
  programId: string,
  id: string,
  maxDepth: number,
): Promise<string[]> {
  const rows = await selectRows<{ id: string }>(
    db,
    sql`
    with recursive chain(id, parent_id, depth) as (
      select id, parent_id, 1 from accounts where program_id = ${programId} and id = ${id}
      union all
      select a.id, a.parent_id, c.depth + 1
        from accounts a join chain c on a.program_id = ${programId} and a.id = c.parent_id
       where c.depth <= ${maxDepth}
    )
    select id from chain order by depth`,
  );
  return rows.map((r) => r.id);
}

/** Every account below the given one (not itself), with its depth below it, at most maxDepth deep. */
export async function descendants(
  db: Executor,
  programId: string,
  id: string,
  maxDepth: number,
): Promise<Array<AccountRow & { depth: number }>> {
  const found = await selectRows<{ id: string; depth: number }>(
    db,
    sql`
    with recursive below(id, depth) as (
      select id, 1 from accounts where program_id = ${programId} and parent_id = ${id}
      union all
      select a.id, b.depth + 1
        from accounts a join below b on a.program_id = ${programId} and a.parent_id = b.id
       where b.depth < ${maxDepth}
    )
    select id, depth from below`,
  );
  if (found.length === 0) return [];
  const depthById = new Map(found.map((r) => [r.id, Number(r.depth)]));
  const rows = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.programId, programId), inArray(accounts.id, [...depthById.keys()])))
    .orderBy(asc(accounts.id));
  return rows.map((r) => ({ ...r, depth: depthById.get(r.id) ?? 0 }));
}

/**
 * Accounts of the program that sit on a parent cycle, or have more than maxAncestors ancestors.
 * Both lists are empty when the hierarchy is sound.
 */
export async function hierarchyProblems(
  db: Executor,
  programId: string,
  maxAncestors: number,
): Promise<{ cycles: AccountKey[]; tooDeep: AccountKey[] }> {
  const found = await selectRows<AccountKey & { cycle: boolean }>(
    db,
    sql`
    with recursive walk(start_id, id, depth) as (
      select id, parent_id, 1 from accounts where program_id = ${programId} and parent_id is not null
      union all
      select w.start_id, a.parent_id, w.depth + 1
        from walk w join accounts a on a.program_id = ${programId} and a.id = w.id
       where a.parent_id is not null and w.id <> w.start_id and w.depth <= ${maxAncestors}
    )
    select w.start_id as id, a.external_id as "externalId", bool_or(w.id = w.start_id) as cycle
      from walk w join accounts a on a.program_id = ${programId} and a.id = w.start_id
     group by w.start_id, a.external_id
    having bool_or(w.id = w.start_id) or max(w.depth) > ${maxAncestors}
     order by w.start_id`,
  );
  const key = (r: AccountKey) => ({ id: r.id, externalId: r.externalId });
  return {
    cycles: found.filter((r) => r.cycle).map(key),
    tooDeep: found.filter((r) => !r.cycle).map(key),
  };
}

export type AccountUpsertColumn =
  | 'name'
  | 'segment'
  | 'country'
  | 'preferredCurrency'
  | 'status'
  | 'customerSince'
  | 'attributes';

const UPSERT_SET = {
  name: sql`excluded.name`,
  segment: sql`excluded.segment`,
  country: sql`excluded.country`,
  preferredCurrency: sql`excluded.preferred_currency`,
  status: sql`excluded.status`,
  customerSince: sql`excluded.customer_since`,
  attributes: sql`excluded.attributes`,
} as const;

/**
 * Inserts accounts or, where the externalId exists, updates the given columns only.
 * Returns the id of each row (in input order) and whether it was created.
 */
export async function upsertAccountsByExternalId(
  db: Executor,
  rows: NewAccountRow[],
  columns: AccountUpsertColumn[],
): Promise<Array<{ id: string; externalId: string | null; created: boolean }>> {
  if (rows.length === 0) return [];
  const set: Record<string, unknown> = { updatedAt: sql`now()` };
  for (const c of columns) set[c] = UPSERT_SET[c];
  return db
    .insert(accounts)
    .values(rows)
    .onConflictDoUpdate({ target: [accounts.programId, accounts.externalId], set })
    .returning({ id: accounts.id, externalId: accounts.externalId, created: sql<boolean>`(xmax = 0)` });
}

/** Sets parent links given as (child externalId → parent externalId or null). */
export async function setParentsByExternalId(
  db: Executor,
  programId: string,
  links: Array<{ child: string; parent: string | null }>,
): Promise<void> {
  if (links.length === 0) return;
  const values = sql.join(
    links.map((l) => sql`(${l.child}::text, ${l.parent}::text)`),
    sql`, `,
  );
  await db.execute(sql`
    update accounts a
       set parent_id = p.id, updated_at = now()
      from (values ${values}) as v(child, parent)
      left join accounts p on p.program_id = ${programId} and p.external_id = v.parent
     where a.program_id = ${programId} and a.external_id = v.child
       and a.parent_id is distinct from p.id`);
}

/** externalId → id for those of the given externalIds that exist. */
export async function idsByExternalId(
  db: Executor,
  programId: string,
  externalIds: string[],
): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (let i = 0; i < externalIds.length; i += 5000) {
    const chunk = externalIds.slice(i, i + 5000);
    const rows = await db
      .select({ id: accounts.id, externalId: accounts.externalId })
      .from(accounts)
      .where(and(eq(accounts.programId, programId), inArray(accounts.externalId, chunk)));
    for (const r of rows) if (r.externalId) map.set(r.externalId, r.id);
  }
  return map;
}
