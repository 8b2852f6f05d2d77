// The partners' due run: the commission sweep (decision 0052, partners-commission-catchup.ts), then the
// payout schedule (decision 0048): with `settings.commissions.payoutSchedule` monthly, every month the
// schedule owes gets its payout run in the base currency, proposed from the schedule's day of the
// following month on (the program's time zone), once. A month owes from the one before the due run
// first saw the schedule on (`commission_sweeps.schedule_since`; seeing it off clears that), at most
// `MAX_MONTHS_BACK` back, oldest first, so a server that was down for whole months proposes each of them
// when it is back (decision 0052). A run of the period already there (proposed, approved, or a scheduled
// one since cancelled) means nothing to do, and the partial unique indexes on the runs make concurrent
// due runs leave one. Runs are proposed by the scheduler's actor, so any person may approve them.
import type { Actor } from '../../core/access.ts';
import { addMonths, localDate } from '../../core/calendar.ts';
import { FidelisError } from '../../core/errors.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { type SweepOptions, type SweepResult, sweepCommissions } from './partners-commission-catchup.ts';
import type { PartnerDeps } from './partners-deps.ts';
import { proposeRun } from './partners-payout-runs.ts';
import { payoutScheduleOf } from './partners-settings.ts';
import { scheduleSince, settledPeriodsFrom, stopSchedule, sweepOf } from './partners-sweep-store.ts';

/** How many months back a due run proposes runs the schedule still owes. */
export const MAX_MONTHS_BACK = 12;

const monthKey = (d: { year: number; month: number }) => `${d.year}-${String(d.month).padStart(2, '0')}`;

/** The month `n` months before the local month of `now` (`2026-11`). */
function monthBefore(now: Date, timeZone: string, n: number): string {
  const today = localDate(now, timeZone);
  return monthKey(addMonths({ year: today.year, month: today.month, day: 1 }, -n));
}

/** The month a scheduled run would pay at `now` (`2026-11`), or null before the schedule's day. */
export function scheduledPeriod(now: Date, timeZone: string, dayOfMonth: number): string | null {
  return localDate(now, timeZone).day < dayOfMonth ? null : monthBefore(now, timeZone, 1);
}

/**
 * The months the schedule owes at `now`, oldest first: from `since` to the last one whose day has
 * come, at most `MAX_MONTHS_BACK` of them (the latest).
 */
export function owedPeriods(now: Date, timeZone: string, dayOfMonth: number, since: string): string[] {
  const first = localDate(now, timeZone).day < dayOfMonth ? 2 : 1;
  const owed: string[] = [];
  for (let n = first; n < first + MAX_MONTHS_BACK; n++) {
    const period = monthBefore(now, timeZone, n);
    if (period < since) break;
    owed.unshift(period);
  }
  return owed;
}

export interface PayoutDueResult {
  /** The latest run proposed by this due run, if it proposed one. */
  proposed: string | null;
  /** The latest month the schedule owes, if any. */
  period: string | null;
  /** Every run this due run proposed, oldest period first. */
  runs: Array<{ id: string; period: string }>;
}

export type PartnersDueResult = PayoutDueResult & { commissions: SweepResult };

/** Proposes one owed period; null when another due run (or a person) proposed it in the meantime. */
async function proposeOnce(
  deps: PartnerDeps,
  programId: string,
  period: string,
  unit: string,
  actor: Actor,
  now: Date,
): Promise<string | null> {
  try {
    const run = await proposeRun(deps, programId, { period, currency: unit }, actor, now, {
      scheduled: true,
    });
    return run.id;
  } catch (error) {
    if (error instanceof FidelisError && error.code === 'payout_run_exists') return null;
    if (isUniqueViolation(error, 'payout_runs_scheduled_uq')) return null;
    throw error;
  }
}

/** The scheduled payout runs that are due and not proposed yet. */
export async function proposeScheduled(
  deps: PartnerDeps,
  programId: string,
  now: Date,
  actor: Actor,
): Promise<PayoutDueResult> {
  const none: PayoutDueResult = { proposed: null, period: null, runs: [] };
  const program = await deps.programs.get(programId);
  const schedule = payoutScheduleOf(program.settings);
  const db = deps.database.db;
  const sweep = await sweepOf(db, programId);
  if (!schedule) {
    if (sweep.scheduleSince !== null) await stopSchedule(db, programId);
    return none;
  }
  const since =
    sweep.scheduleSince ?? (await scheduleSince(db, programId, monthBefore(now, program.timeZone, 1)));
  const owed = owedPeriods(now, program.timeZone, schedule.dayOfMonth, since);
  if (owed.length === 0) return none;
  const unit = program.baseCurrency;
  const settled = await settledPeriodsFrom(db, programId, owed[0]!, unit);
  const runs: PayoutDueResult['runs'] = [];
  for (const period of owed.filter((p) => !settled.has(p))) {
    const id = await proposeOnce(deps, programId, period, unit, actor, now);
    if (id) runs.push({ id, period });
  }
  return { proposed: runs.at(-1)?.id ?? null, period: owed.at(-1)!, runs };
}

/**
 * The partners' due work: the commission lines the hook missed (one batch), then the scheduled payout
 * runs owed (so a line swept now is in the run proposed now). A failing sweep (its reads: an event that
 * fails is noted and retried, decision 0055) does not hold the runs up.
 */
export async function runDue(
  deps: PartnerDeps,
  programId: string,
  now: Date,
  actor: Actor,
  options: SweepOptions = {},
): Promise<PartnersDueResult> {
  let commissions: SweepResult = {
    events: 0,
    lines: 0,
    converted: 0,
    more: false,
    failing: null,
    skipped: [],
  };
  let failure: unknown = null;
  try {
    commissions = await sweepCommissions(deps, programId, now, options);
  } catch (error) {
    failure = error;
  }
  const payouts = await proposeScheduled(deps, programId, now, actor);
  if (failure) throw failure;
  return { ...payouts, commissions };
}
