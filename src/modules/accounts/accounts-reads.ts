// What other modules may read of accounts directly (functions take the executor first, so a caller
// can read inside its own transaction). Writes go through the accounts service.
import { type SQL, sql } from 'drizzle-orm';
import { textArray } from '../../db/client.ts';
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
