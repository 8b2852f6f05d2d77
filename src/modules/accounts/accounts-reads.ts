// What other modules may read of accounts directly (functions take the executor first, so a caller
// can read inside its own transaction). Writes go through the accounts service.
import { asc, eq, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
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
