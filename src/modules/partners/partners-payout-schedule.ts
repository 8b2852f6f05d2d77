// The partners' due run: the commission sweep (decision 0052, partners-commission-catchup.ts), then the
// payout schedule (decisions 0048, 0060): with `settings.commissions.payoutSchedule` monthly, quarterly or
// weekly, every period the schedule owes (a month "2026-11", a quarter "2026-Q4", an ISO week "2026-W49")
// gets its payout run in the base currency, proposed from the schedule's day of the following period on
// (the program's time zone), once. A schedule owes from the period before the one in which the due run
// first saw it on (`commission_sweeps.schedule_since`; seeing it off, or on with another frequency,
// starts that again), at most `MAX_PERIODS_BACK` back, oldest first, so a server that was down for whole
// periods proposes each of them when it is back (decision 0052). A run of the period already there
// (proposed, approved, or a scheduled one since cancelled) means nothing to do, and the partial unique
// indexes on the runs make concurrent due runs leave one. Runs are proposed by the scheduler's actor, so
// any person may approve them.
import type { Actor } from '../../core/access.ts';
import { localDate } from '../../core/calendar.ts';
import { FidelisError } from '../../core/errors.ts';
import {
  indexOfKey,
  owedPeriodKeys,
  type PayoutScheduleOn,
  periodIndex,
  periodKey,
} from '../../core/partners/payout-period.ts';
import { isCurrency } from '../../core/reference.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { type SweepOptions, type SweepResult, sweepCommissions } from './partners-commission-catchup.ts';
import type { PartnerDeps } from './partners-deps.ts';
import { proposeRun } from './partners-payout-runs.ts';
import { payoutScheduleOf } from './partners-settings.ts';
import {
  restartSchedule,
  scheduleSince,
  settledPeriodsFrom,
  stopSchedule,
  sweepOf,
} from './partners-sweep-store.ts';

/** How many periods back a due run proposes runs the schedule still owes (a year of months, 12 weeks). */
export const MAX_PERIODS_BACK = 12;

/** The period before the current one (`2026-11`, `2026-Q3`, `2026-W48`): where a schedule seen now starts. */
function previousPeriod(now: Date, timeZone: string, schedule: PayoutScheduleOn): string {
  return periodKey(periodIndex(localDate(now, timeZone), schedule.frequency) - 1, schedule.frequency);
}

/**
 * The periods the schedule owes at `now`, oldest first: from `since` (a key of the schedule's
 * frequency) to the last one whose day has come, at most `MAX_PERIODS_BACK` of them (the latest).
 */
export function owedPeriods(
  now: Date,
  timeZone: string,
  schedule: PayoutScheduleOn,
  since: string,
): string[] {
  const from = indexOfKey(since, schedule.frequency);
  if (from === null) throw new Error(`${since} is not a ${schedule.frequency} period`);
  return owedPeriodKeys(localDate(now, timeZone), schedule, from, MAX_PERIODS_BACK);
}

export interface PayoutDueResult {
  /** The latest run proposed by this due run, if it proposed one. */
  proposed: string | null;
  /** The latest period the schedule owes, if any. */
  period: string | null;
  /** Every run this due run proposed, oldest period first. */
  runs: Array<{ id: string; period: string; currency: string }>;
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
  const start = previousPeriod(now, program.timeZone, schedule);
  let since = sweep.scheduleSince ?? (await scheduleSince(db, programId, start));
  // Another frequency than when it was first seen: the new one starts now, as if switched on (decision 0060).
  if (indexOfKey(since, schedule.frequency) === null)
    since = await restartSchedule(db, programId, since, start);
  const owed = owedPeriods(now, program.timeZone, schedule, since);
  if (owed.length === 0) return none;
  // One run per cash unit and period (decision 0060); a code the server does not know could never be paid.
  const units = (schedule.currencies ?? [program.baseCurrency]).filter(isCurrency);
  const settled = new Map<string, Set<string>>();
  for (const unit of units) settled.set(unit, await settledPeriodsFrom(db, programId, owed[0]!, unit));
  const runs: PayoutDueResult['runs'] = [];
  for (const period of owed)
    for (const unit of units) {
      if (settled.get(unit)!.has(period)) continue;
      const id = await proposeOnce(deps, programId, period, unit, actor, now);
      if (id) runs.push({ id, period, currency: unit });
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
