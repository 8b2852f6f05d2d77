// What other modules may read of memberships directly (functions take the executor first, so a
// caller can read inside its own transaction). Writes go through the memberships service.
import { sql } from 'drizzle-orm';
import { type Executor, selectRows } from '../../db/client.ts';

/**
 * Each account's plan at `at`: the plan name of its oldest membership active then (one per account;
 * accounts without one are absent).
 */
export async function planByAccount(db: Executor, programId: string, at: Date): Promise<Map<string, string>> {
  const rows = await selectRows<{ account_id: string; name: string }>(
    db,
    sql`select distinct on (m.account_id) m.account_id, v.definition->>'name' as name
          from memberships m
          join membership_plan_versions v
            on v.program_id = m.program_id and v.plan_id = m.plan_id and v.version = m.plan_version
         where m.program_id = ${programId} and m.status = 'active'
           and m.starts_at <= ${at.toISOString()} and (m.ends_at > ${at.toISOString()} or m.renewal = 'auto')
         order by m.account_id, m.id`,
  );
  return new Map(rows.map((r) => [r.account_id, r.name]));
}
