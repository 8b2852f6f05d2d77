import { and, asc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import { advisoryLock, type Executor, selectRows, textArray } from '../../db/client.ts';
import { accounts } from './accounts-tables.ts';

export type AccountRow = typeof accounts.$inferSelect;
export type NewAccountRow = typeof accounts.$inferInsert;

export interface AccountKey {
  id: string;
  externalId: string | null;
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
  return (await findAccountsByRefs(db, programId, [ref])).get(ref);
}

/** Accounts by id or externalId, many at once: each ref maps to its account (the id wins, as above). */
export async function findAccountsByRefs(
  db: Executor,
  programId: string,
  refs: string[],
): Promise<Map<string, AccountRow>> {
  const unique = [...new Set(refs)];
  const found = new Map<string, AccountRow>();
  if (unique.length === 0) return found;
  const rows = await db
    .select()
    .from(accounts)
    .where(
      and(
        eq(accounts.programId, programId),
        or(inArray(accounts.id, unique), inArray(accounts.externalId, unique)),
      ),
    );
  for (const r of rows) if (r.externalId !== null) found.set(r.externalId, r);
  for (const r of rows) found.set(r.id, r);
  return found;
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
  await advisoryLock(db, `hierarchy:${programId}`);
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

/**
 * The chains of many accounts at once: each id maps to [self, parent, grandparent, …] (at most
 * maxDepth long) with the externalId of each link.
 */
export async function ancestorChains(
  db: Executor,
  programId: string,
  ids: string[],
  maxDepth: number,
): Promise<Map<string, AccountKey[]>> {
  const chains = new Map<string, AccountKey[]>();
  const unique = [...new Set(ids)];
  if (unique.length === 0) return chains;
  const rows = await selectRows<{ origin: string; id: string; external_id: string | null }>(
    db,
    sql`
    with recursive chain(origin, id, external_id, parent_id, depth) as (
      select id, id, external_id, parent_id, 1 from accounts
       where program_id = ${programId} and id = any(${textArray(unique)})
      union all
      select c.origin, a.id, a.external_id, a.parent_id, c.depth + 1
        from accounts a join chain c on a.program_id = ${programId} and a.id = c.parent_id
       where c.depth <= ${maxDepth}
    )
    select origin, id, external_id from chain order by origin, depth`,
  );
  for (const r of rows) {
    const chain = chains.get(r.origin) ?? [];
    chain.push({ id: r.id, externalId: r.external_id });
    chains.set(r.origin, chain);
  }
  return chains;
}

/**
 * Many groups' members at once: each id maps to [itself, every account below it] (at most maxDepth
 * levels down); ids that are not accounts of the program are missing.
 */
export async function membersOf(
  db: Executor,
  programId: string,
  ids: string[],
  maxDepth: number,
): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>();
  const unique = [...new Set(ids)];
  if (unique.length === 0) return members;
  const rows = await selectRows<{ origin: string; id: string }>(
    db,
    sql`
    with recursive below(origin, id, depth) as (
      select id, id, 0 from accounts
       where program_id = ${programId} and id = any(${textArray(unique)})
      union all
      select b.origin, a.id, b.depth + 1
        from accounts a join below b on a.program_id = ${programId} and a.parent_id = b.id
       where b.depth < ${maxDepth}
    )
    select origin, id from below order by origin, depth, id`,
  );
  for (const r of rows) {
    const list = members.get(r.origin) ?? [];
    list.push(r.id);
    members.set(r.origin, list);
  }
  return members;
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

const UPSERT_COLUMN: Record<AccountUpsertColumn, string> = {
  name: 'name',
  segment: 'segment',
  country: 'country',
  preferredCurrency: 'preferred_currency',
  status: 'status',
  customerSince: 'customer_since',
  attributes: 'attributes',
};

// Batches travel as one JSON parameter read by json_to_recordset: one short statement per batch
// instead of a dozen bound parameters per row, which costs far less to build, send and plan.

/**
 * Inserts accounts or, where the externalId exists, updates the given columns only.
 * With attributeKeys, only those attributes are replaced (removed when the row has no value for
 * them) and the account's other attributes are kept.
 * With withParents, each row's parent is the account whose externalId is its parentExternalId, as
 * far as that account exists before this statement (else none: setParentsByExternalId links it later).
 * Returns the id of each row and whether it was created.
 */
export async function upsertAccountsByExternalId(
  db: Executor,
  rows: Array<NewAccountRow & { parentExternalId?: string | null }>,
  columns: AccountUpsertColumn[],
  options: { attributeKeys?: string[]; withParents?: boolean } = {},
): Promise<Array<{ id: string; externalId: string | null; created: boolean }>> {
  if (rows.length === 0) return [];
  const { attributeKeys, withParents = false } = options;
  const set: SQL[] = [sql`updated_at = now()`];
  if (withParents) set.push(sql`parent_id = excluded.parent_id`);
  for (const c of columns) {
    const column = UPSERT_COLUMN[c];
    if (c === 'attributes' && attributeKeys && attributeKeys.length > 0) {
      const keys = sql.join(
        attributeKeys.map((k) => sql`${k}::text`),
        sql`, `,
      );
      set.push(sql`attributes = (accounts.attributes - array[${keys}]) || excluded.attributes`);
    } else {
      set.push(sql.raw(`${column} = excluded.${column}`));
    }
  }
  const json = JSON.stringify(
    rows.map((r) => ({
      program_id: r.programId,
      id: r.id,
      external_id: r.externalId ?? null,
      name: r.name,
      parent_id: r.parentId ?? null,
      parent_external_id: r.parentExternalId ?? null,
      segment: r.segment ?? null,
      country: r.country ?? null,
      preferred_currency: r.preferredCurrency ?? null,
      status: r.status ?? 'enrolled',
      customer_since: r.customerSince ?? null,
      attributes: r.attributes ?? {},
    })),
  );
  const parent = withParents
    ? sql`(select p.id from accounts p
            where p.program_id = r.program_id and p.external_id = r.parent_external_id)`
    : sql`r.parent_id`;
  return selectRows<{ id: string; externalId: string | null; created: boolean }>(
    db,
    sql`
    insert into accounts (program_id, id, external_id, name, parent_id, segment, country,
                          preferred_currency, status, customer_since, attributes)
    select r.program_id, r.id, r.external_id, r.name, ${parent}, r.segment, r.country,
           r.preferred_currency, r.status, r.customer_since, r.attributes
      from json_to_recordset(${json}::json) as r(program_id text, id text, external_id text, name text,
           parent_id text, parent_external_id text, segment text, country text, preferred_currency text,
           status text, customer_since date, attributes jsonb)
    on conflict (program_id, external_id) do update set ${sql.join(set, sql`, `)}
    returning id, external_id as "externalId", (xmax = 0) as created`,
  );
}

/** Sets parent links given as (child externalId → parent externalId or null). */
export async function setParentsByExternalId(
  db: Executor,
  programId: string,
  links: Array<{ child: string; parent: string | null }>,
): Promise<void> {
  if (links.length === 0) return;
  const json = JSON.stringify(links);
  await db.execute(sql`
    update accounts a
       set parent_id = p.id, updated_at = now()
      from json_to_recordset(${json}::json) as v(child text, parent text)
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

/** When each account joined: its customerSince date (YYYY-MM-DD) when known, and its creation. */
export async function joinDates(
  db: Executor,
  programId: string,
  ids: string[],
): Promise<Map<string, { since: string | null; createdAt: Date }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: accounts.id, since: accounts.customerSince, createdAt: accounts.createdAt })
    .from(accounts)
    .where(and(eq(accounts.programId, programId), inArray(accounts.id, ids)));
  return new Map(rows.map((r) => [r.id, { since: r.since, createdAt: r.createdAt }]));
}
