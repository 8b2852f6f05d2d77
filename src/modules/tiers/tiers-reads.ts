// What other modules may read of tiers directly (as SQL for their set-based queries).
import { type SQL, sql } from 'drizzle-orm';
import { tierStatus } from './tiers-tables.ts';

/**
 * A subquery of the ids of the program's accounts that hold the tier `code` now, on any ladder (or on
 * `ladderId`), for another module's SQL: `account_id in ${…}` (decision 0024: plan members by tier).
 * On a group-qualified ladder the status is the group's top account's.
 */
export function accountIdsWithTier(programId: string, code: string, ladderId?: string): SQL {
  const ladder = ladderId === undefined ? sql`` : sql`and ladder_id = ${ladderId}`;
  return sql`(select account_id from ${tierStatus} where program_id = ${programId} and tier_code = ${code} ${ladder})`;
}
