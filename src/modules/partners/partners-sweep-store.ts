// SQL of the partners' due run (decision 0052): the program's sweep row (how far the commission sweep
// has read the events, and since when the payout schedule owes months), the accounts it reads events
// of, and the returns applied to commission lines.
import { sql } from 'drizzle-orm';
import { type Executor, selectRows } from '../../db/client.ts';

/** Where the sweep stands: the last event it read, by `received_at` (as PostgreSQL writes it) then id. */
export interface SweepRow {
  at: string;
  id: string;
  scheduleSince: string | null;
}

/** The program's sweep row, made on first use (a program made after the migration sweeps from the start). */
export async function sweepOf(db: Executor, programId: string): Promise<SweepRow> {
  await db.execute(sql`insert into commission_sweeps (program_id, swept_at) values (${programId}, 'epoch')
                       on conflict (program_id) do nothing`);
  const [row] = await selectRows<{ at: string; id: string; since: string | null }>(
    db,
    sql`select swept_at::text as at, swept_id as id, schedule_since as since
          from commission_sweeps where program_id = ${programId}`,
  );
  return { at: row!.at, id: row!.id, scheduleSince: row!.since };
}

/** Moves the sweep on to an event, never back (concurrent due runs may finish in any order). */
export async function advanceSweep(db: Executor, programId: string, to: { at: string; id: string }) {
  await db.execute(sql`update commission_sweeps set swept_at = ${to.at}::timestamptz, swept_id = ${to.id},
                              updated_at = now()
                        where program_id = ${programId}
                          and (swept_at, swept_id) < (${to.at}::timestamptz, ${to.id})`);
}

/** The first month the schedule owes: `since` unless an earlier due run set it already. */
export async function scheduleSince(db: Executor, programId: string, since: string): Promise<string> {
  const [row] = await selectRows<{ since: string }>(
    db,
    sql`update commission_sweeps set schedule_since = coalesce(schedule_since, ${since}), updated_at = now()
         where program_id = ${programId} returning schedule_since as since`,
  );
  return row!.since;
}

/**
 * The schedule's frequency changed (its `since` is a key of another shape): it owes from `since` now,
 * unless a concurrent due run restarted it already (compare and set, so racing due runs agree).
 */
export async function restartSchedule(
  db: Executor,
  programId: string,
  old: string,
  since: string,
): Promise<string> {
  await db.execute(sql`update commission_sweeps set schedule_since = ${since}, updated_at = now()
                        where program_id = ${programId} and schedule_since = ${old}`);
  const [row] = await selectRows<{ since: string | null }>(
    db,
    sql`select schedule_since as since from commission_sweeps where program_id = ${programId}`,
  );
  return row?.since ?? since;
}

/** The schedule is off: when it is on again, it owes months from then. */
export async function stopSchedule(db: Executor, programId: string): Promise<void> {
  await db.execute(sql`update commission_sweeps set schedule_since = null, updated_at = now()
                        where program_id = ${programId} and schedule_since is not null`);
}

/** The accounts referred (pending or converted referrals): the only ones whose events pay commissions. */
export async function referredAccountIds(db: Executor, programId: string): Promise<string[]> {
  const rows = await selectRows<{ id: string }>(
    db,
    sql`select distinct referred_account_id as id from referrals
         where program_id = ${programId} and status in ('pending', 'converted')`,
  );
  return rows.map((r) => r.id);
}

/** Notes a return as applied to a line; false when it was already (by the hook or another sweep). */
export async function applyReturn(
  db: Executor,
  programId: string,
  lineId: string,
  returnEventId: string,
): Promise<boolean> {
  const rows = await selectRows<{ line_id: string }>(
    db,
    sql`insert into commission_line_returns (program_id, line_id, return_event_id)
        values (${programId}, ${lineId}, ${returnEventId})
        on conflict do nothing returning line_id`,
  );
  return rows.length > 0;
}

/** The periods from `since` on (months sort as text) with a run that settles them for the schedule. */
export async function settledPeriodsFrom(
  db: Executor,
  programId: string,
  since: string,
  unit: string,
): Promise<Set<string>> {
  const rows = await selectRows<{ period: string }>(
    db,
    sql`select distinct period from payout_runs
         where program_id = ${programId} and unit = ${unit} and period >= ${since}
           and (scheduled or status <> 'cancelled')`,
  );
  return new Set(rows.map((r) => r.period));
}
