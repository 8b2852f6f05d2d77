// What other modules may read of memberships directly (functions take the executor first, so a
// caller can read inside its own transaction). Writes go through the memberships service.
import { sql } from 'drizzle-orm';
import { type Executor, selectRows, textArray } from '../../db/client.ts';

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

/**
 * The active memberships whose first term started (a local date in `timeZone`) on one of `monthDays`
 * ("MM-DD"), of `plans` when given, in id order, a page after `after` (engagement's membership
 * anniversaries; decision 0041).
 */
export async function membershipAnniversariesOn(
  db: Executor,
  programId: string,
  on: { monthDays: string[]; timeZone: string; plans?: string[] },
  after: string | null,
  limit: number,
): Promise<Array<{ id: string; accountId: string; planId: string; planName: string; startedOn: string }>> {
  if (on.monthDays.length === 0) return [];
  const local = sql`(m.starts_at at time zone ${on.timeZone})`;
  const rows = await selectRows<{
    id: string;
    account_id: string;
    plan_id: string;
    plan_name: string;
    started_on: string;
  }>(
    db,
    sql`select m.id, m.account_id, m.plan_id, v.definition->>'name' as plan_name,
               to_char(${local}, 'YYYY-MM-DD') as started_on
          from memberships m
          join membership_plan_versions v
            on v.program_id = m.program_id and v.plan_id = m.plan_id and v.version = m.plan_version
         where m.program_id = ${programId} and m.status = 'active' and m.starts_at is not null
           and to_char(${local}, 'MM-DD') = any(${textArray(on.monthDays)})
           ${on.plans === undefined ? sql`` : sql`and m.plan_id = any(${textArray(on.plans)})`}
           ${after === null ? sql`` : sql`and m.id > ${after}`}
         order by m.id limit ${limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    accountId: r.account_id,
    planId: r.plan_id,
    planName: r.plan_name,
    startedOn: r.started_on,
  }));
}

/** The ids of the program's plans (engagement checks an automation's plans against them). */
export async function planIds(db: Executor, programId: string): Promise<Set<string>> {
  const rows = await selectRows<{ id: string }>(
    db,
    sql`select id from membership_plans where program_id = ${programId}`,
  );
  return new Set(rows.map((r) => r.id));
}
