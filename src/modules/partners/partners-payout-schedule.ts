// The payout schedule (decision 0048): with `settings.commissions.payoutSchedule` monthly, the program's
// due run proposes the previous month's payout run in the base currency from the schedule's day of the
// month on (the program's time zone), once: a run of that period already there (proposed, approved, or
// a scheduled one since cancelled) means nothing to do, and the partial unique indexes on the runs make
// concurrent due runs leave one. The run is proposed by the scheduler's actor, so any person may approve it.
import type { Actor } from '../../core/access.ts';
import { addMonths, localDate } from '../../core/calendar.ts';
import { FidelisError } from '../../core/errors.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { runsOfPeriod } from './partners-commission-store.ts';
import type { PartnerDeps } from './partners-deps.ts';
import { proposeRun } from './partners-payout-runs.ts';
import { payoutScheduleOf } from './partners-settings.ts';

/** The month a scheduled run would pay at `now` (`2026-11`), or null before the schedule's day. */
export function scheduledPeriod(now: Date, timeZone: string, dayOfMonth: number): string | null {
  const today = localDate(now, timeZone);
  if (today.day < dayOfMonth) return null;
  const previous = addMonths({ year: today.year, month: today.month, day: 1 }, -1);
  return `${previous.year}-${String(previous.month).padStart(2, '0')}`;
}

export interface PayoutDueResult {
  /** The run proposed by this due run, if it proposed one. */
  proposed: string | null;
  period: string | null;
}

/** The partners' due work: a scheduled payout run when one is due and not proposed yet. */
export async function runDue(
  deps: PartnerDeps,
  programId: string,
  now: Date,
  actor: Actor,
): Promise<PayoutDueResult> {
  const program = await deps.programs.get(programId);
  const schedule = payoutScheduleOf(program.settings);
  if (!schedule) return { proposed: null, period: null };
  const period = scheduledPeriod(now, program.timeZone, schedule.dayOfMonth);
  if (!period) return { proposed: null, period: null };
  const unit = program.baseCurrency;
  const runs = await runsOfPeriod(deps.database.db, programId, period, unit);
  if (runs.some((r) => r.scheduled || r.status !== 'cancelled')) return { proposed: null, period };
  try {
    const run = await proposeRun(deps, programId, { period, currency: unit }, actor, now, {
      scheduled: true,
    });
    return { proposed: run.id, period };
  } catch (error) {
    // Another due run (or a person) proposed the period in the meantime: it is done once.
    if (error instanceof FidelisError && error.code === 'payout_run_exists')
      return { proposed: null, period };
    if (isUniqueViolation(error, 'payout_runs_scheduled_uq')) return { proposed: null, period };
    throw error;
  }
}
