// What other modules may read of contacts directly (functions take the executor first, so a caller
// can read inside its own transaction). Writes go through the contacts service.
import { sql } from 'drizzle-orm';
import { type Executor, selectRows, textArray } from '../../db/client.ts';

/**
 * The contacts whose birthday falls on one of `monthDays` ("MM-DD"), in id order, a page after
 * `after` (engagement's birthday automations).
 */
export async function birthdaysOn(
  db: Executor,
  programId: string,
  monthDays: string[],
  after: string | null,
  limit: number,
): Promise<Array<{ id: string; accountId: string; name: string | null; birthday: string }>> {
  if (monthDays.length === 0) return [];
  const rows = await selectRows<{ id: string; account_id: string; name: string | null; birthday: string }>(
    db,
    sql`select id, account_id, name, to_char(birthday, 'YYYY-MM-DD') as birthday from contacts
         where program_id = ${programId} and birthday is not null
           and to_char(birthday, 'MM-DD') = any(${textArray(monthDays)})
           ${after === null ? sql`` : sql`and id > ${after}`}
         order by id limit ${limit}`,
  );
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, name: r.name, birthday: r.birthday }));
}
