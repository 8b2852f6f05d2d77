// What other modules may read of tiers directly (as SQL for their set-based queries).
import { type SQL, sql } from 'drizzle-orm';
import { type Executor, selectRows, textArray } from '../../db/client.ts';
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

/**
 * The accounts that hold the tier `tier` now (on `ladderId`, or any ladder) and first reached it, a
 * local date in `timeZone`, on one of `monthDays` ("MM-DD"), in id order, a page after `after`
 * (engagement's tier anniversaries; decision 0041). First reached: the earliest change to the tier on
 * a ladder on which the account holds it now.
 */
export async function tierAnniversariesOn(
  db: Executor,
  programId: string,
  on: { tier: string; ladderId?: string; monthDays: string[]; timeZone: string },
  after: string | null,
  limit: number,
): Promise<Array<{ accountId: string; firstOn: string }>> {
  if (on.monthDays.length === 0) return [];
  const first = sql`(min(c.at) at time zone ${on.timeZone})`;
  const rows = await selectRows<{ account_id: string; first_on: string }>(
    db,
    sql`select c.account_id, to_char(${first}, 'YYYY-MM-DD') as first_on
          from tier_changes c
          join tier_status s
            on s.program_id = c.program_id and s.ladder_id = c.ladder_id
           and s.account_id = c.account_id and s.tier_code = c.to_code
         where c.program_id = ${programId} and c.to_code = ${on.tier}
           ${on.ladderId === undefined ? sql`` : sql`and c.ladder_id = ${on.ladderId}`}
           ${after === null ? sql`` : sql`and c.account_id > ${after}`}
         group by c.account_id
        having to_char(${first}, 'MM-DD') = any(${textArray(on.monthDays)})
         order by c.account_id limit ${limit}`,
  );
  return rows.map((r) => ({ accountId: r.account_id, firstOn: r.first_on }));
}
