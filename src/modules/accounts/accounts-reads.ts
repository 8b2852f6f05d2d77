// What other modules may read of accounts directly (functions take the executor first, so a caller
// can read inside its own transaction). Writes go through the accounts service.
import { asc, eq, type SQL, sql } from 'drizzle-orm';
import { type Executor, selectRows, textArray } from '../../db/client.ts';
import { type TimeRange as ExportRange, rangeOn } from '../../db/ranges.ts';
import { accounts } from './accounts-tables.ts';

/**
 * A subquery for another module's set-based SQL: the one account of the program a reference names
 * (its id or externalId; the id wins when both could match), as a row `(id, program_id)`, or none.
 * Use it as a derived table: `from ${accountByRef(programId, ref)} a`.
 */
export function accountByRef(programId: string, ref: string): SQL {
  return sql`(select id, program_id from ${accounts}
               where program_id = ${programId} and (id = ${ref} or external_id = ${ref})
               order by (id = ${ref}) desc
               limit 1)`;
}

/**
 * A subquery of the ids of the program's accounts in any of `segments` and any of `countries` (a
 * list left out: no condition), for another module's set-based SQL: `account_id in ${…}`.
 */
export function accountIdsWhere(
  programId: string,
  filter: { segments?: string[]; countries?: string[] },
): SQL {
  const segments = filter.segments?.length ? sql`and segment = any(${textArray(filter.segments)})` : sql``;
  const countries = filter.countries?.length ? sql`and country = any(${textArray(filter.countries)})` : sql``;
  return sql`(select id from ${accounts} where program_id = ${programId} ${segments} ${countries})`;
}

/**
 * The accounts whose customerSince falls on one of `monthDays` ("MM-DD"), in id order, a page after
 * `after` (engagement's client-anniversary automations).
 */
export async function anniversariesOn(
  db: Executor,
  programId: string,
  monthDays: string[],
  after: string | null,
  limit: number,
): Promise<Array<{ id: string; name: string; customerSince: string }>> {
  if (monthDays.length === 0) return [];
  const rows = await selectRows<{ id: string; name: string; customer_since: string }>(
    db,
    sql`select id, name, to_char(customer_since, 'YYYY-MM-DD') as customer_since from ${accounts}
         where program_id = ${programId} and customer_since is not null
           and to_char(customer_since, 'MM-DD') = any(${textArray(monthDays)})
           ${after === null ? sql`` : sql`and id > ${after}`}
         order by id limit ${limit}`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, customerSince: r.customer_since }));
}

/** Every account of the program with the dimensions reports break figures down by. */
export async function accountDimensions(
  db: Executor,
  programId: string,
): Promise<Array<{ id: string; segment: string | null; country: string | null }>> {
  return db
    .select({ id: accounts.id, segment: accounts.segment, country: accounts.country })
    .from(accounts)
    .where(eq(accounts.programId, programId))
    .orderBy(asc(accounts.id));
}

export const ACCOUNT_EXPORT_COLUMNS = [
  'id',
  'externalId',
  'name',
  'parentId',
  'segment',
  'country',
  'preferredCurrency',
  'status',
  'customerSince',
  'attributes',
  'createdAt',
  'updatedAt',
] as const;

/** A page of accounts for an export, by id after `after` (created in the range), as rows of cells. */
export async function accountExportPage(
  db: Executor,
  programId: string,
  range: ExportRange,
  after: string,
  limit: number,
) {
  const rows = await selectRows<Record<string, unknown>>(
    db,
    sql`select id, external_id, name, parent_id, segment, country, preferred_currency, status, customer_since::text as customer_since,
               attributes::text as attrs, created_at, updated_at
          from accounts a where program_id = ${programId} and id > ${after} ${rangeOn(sql`a.created_at`, range)}
         order by id limit ${limit}`,
  );
  return rows.map((r) => [
    r.id,
    r.external_id,
    r.name,
    r.parent_id,
    r.segment,
    r.country,
    r.preferred_currency,
    r.status,
    r.customer_since,
    r.attrs,
    r.created_at,
    r.updated_at,
  ]);
}

/**
 * Tier metrics of managed accounts (decision 0047), per item (a key, the managing accounts, a window
 * [from, to)): the accounts they manage by a `manages` relationship overlapping the window, each with
 * the part of the window it was managed in — the windows whose qualifying spend is summed.
 */
export async function managedWindows(
  db: Executor,
  programId: string,
  items: Array<{ key: string; members: string[]; from: Date; to: Date }>,
): Promise<Array<{ key: string; accountId: string; from: Date; to: Date }>> {
  const asked = items.flatMap((i) => i.members.map((m) => ({ ...i, member: m })));
  if (asked.length === 0) return [];
  const rows = await selectRows<{ key: string; account_id: string; f: Date | string; t: Date | string }>(
    db,
    sql`select q.key, r.to_account_id as account_id, greatest(q.f, r.starts_at) as f,
               least(q.t, coalesce(r.ends_at, q.t)) as t
          from unnest(${textArray(asked.map((a) => a.key))}, ${textArray(asked.map((a) => a.member))},
                      ${textArray(
                        asked.map((a) => a.from.toISOString()),
                        'timestamptz',
                      )}, ${textArray(
                        asked.map((a) => a.to.toISOString()),
                        'timestamptz',
                      )}) as q(key, member, f, t)
          join account_relationships r on r.program_id = ${programId} and r.from_account_id = q.member
           and r.type = 'manages' and r.starts_at < q.t and (r.ends_at is null or r.ends_at > q.f)`,
  );
  return rows.map((r) => ({ key: r.key, accountId: r.account_id, from: new Date(r.f), to: new Date(r.t) }));
}

/**
 * Per item, how many distinct accounts the managing accounts manage by a `manages` relationship
 * active at the end of the window (at the instant just before `to`: started before it, not ended by it).
 */
export async function managedCounts(
  db: Executor,
  programId: string,
  items: Array<{ key: string; members: string[]; to: Date }>,
): Promise<Map<string, bigint>> {
  const asked = items.flatMap((i) => i.members.map((m) => ({ ...i, member: m })));
  if (asked.length === 0) return new Map();
  const rows = await selectRows<{ key: string; n: string }>(
    db,
    sql`select q.key, count(distinct r.to_account_id)::text as n
          from unnest(${textArray(asked.map((a) => a.key))}, ${textArray(asked.map((a) => a.member))},
                      ${textArray(
                        asked.map((a) => a.to.toISOString()),
                        'timestamptz',
                      )}) as q(key, member, t)
          join account_relationships r on r.program_id = ${programId} and r.from_account_id = q.member
           and r.type = 'manages' and r.starts_at < q.t and (r.ends_at is null or r.ends_at >= q.t)
         group by q.key`,
  );
  return new Map(rows.map((r) => [r.key, BigInt(r.n)]));
}

/** The accounts managing each of these accounts at each instant (`manages` active then), for upgrades. */
export async function managersAt(
  db: Executor,
  programId: string,
  asked: Array<{ accountId: string; at: Date }>,
): Promise<Array<{ index: number; managerId: string }>> {
  if (asked.length === 0) return [];
  const rows = await selectRows<{ i: string; manager: string }>(
    db,
    sql`select q.i::text as i, r.from_account_id as manager
          from unnest(${textArray(asked.map((a) => a.accountId))}, ${textArray(
            asked.map((a) => a.at.toISOString()),
            'timestamptz',
          )}) with ordinality as q(account_id, at, i)
          join account_relationships r on r.program_id = ${programId} and r.to_account_id = q.account_id
           and r.type = 'manages' and r.starts_at <= q.at and (r.ends_at is null or r.ends_at > q.at)
         order by q.i, r.from_account_id`,
  );
  return rows.map((r) => ({ index: Number(r.i) - 1, managerId: r.manager }));
}
