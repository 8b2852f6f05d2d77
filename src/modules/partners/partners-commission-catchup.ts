// The commission sweep (decision 0052): the partners' due run writes the commission lines the events'
// hook missed (it failed, or the server stopped between an event's commit and the hook). It reads the
// events of referred accounts recorded since the program's watermark (`commission_sweeps`), in the
// order they were recorded, hands them to the same code as the hook, and moves the watermark on. Lines
// are keyed by plan and event and written under the partner's assignment lock, and a return is applied
// to a line once (`commission_line_returns`), so an event the hook handled (or a concurrent due run is
// handling) changes nothing. A due run reads at most `batch` events; the next one goes on from there.
// Each event is caught up on its own (decision 0055): one that fails stops the run before it (the next
// due runs try it again); after `SWEEP_ATTEMPTS` failures it is skipped and the watermark moves past it.
import { FidelisError } from '../../core/errors.ts';
import { eventsRecordedAfter } from '../events/events-reads.ts';
import type { PartnerDeps } from './partners-deps.ts';
import { sweepEvent } from './partners-sweep-event.ts';
import { clearFailures, noteFailure } from './partners-sweep-skips.ts';
import { advanceSweep, referredAccountIds, sweepOf } from './partners-sweep-store.ts';

/** Events read per due run at most. */
export const SWEEP_BATCH = 200;
/**
 * The sweep reads only events recorded this long before the due run: an event's `received_at` is its
 * transaction's start, so one still committing may be stamped before events already read; and the
 * hook normally writes the lines within this time anyway.
 */
export const SWEEP_SETTLE_MS = 300_000;

export interface SweepOptions {
  batch?: number;
  settleMs?: number;
}

export interface SweepResult {
  /** Events the watermark moved past (caught up or skipped; not one failing now). */
  events: number;
  /** Commission lines (and clawbacks) written for them: what the hook had missed. */
  lines: number;
  /** Referrals converted on them: conversions the hook had missed (decision 0055). */
  converted: number;
  /** Whether a full batch was read (the next due run goes on). */
  more: boolean;
  /** Our id of an event that failed and will be tried again (the run stopped before it), or null. */
  failing: string | null;
  /** Our ids of the events skipped by this run (failed `SWEEP_ATTEMPTS` times). */
  skipped: string[];
}

/** What the skip list keeps of an error: a stable code when it has one, and its message. */
export const errorText = (error: unknown): string =>
  error instanceof FidelisError
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? error.message || error.name
      : String(error);

/** One step of the sweep: the next batch of recorded events, their missed lines, the watermark moved on. */
export async function sweepCommissions(
  deps: PartnerDeps,
  programId: string,
  now: Date,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const batch = options.batch ?? SWEEP_BATCH;
  const db = deps.database.db;
  const from = await sweepOf(db, programId);
  const accounts = await referredAccountIds(db, programId);
  const until = new Date(now.getTime() - (options.settleMs ?? SWEEP_SETTLE_MS));
  const read = await eventsRecordedAfter(db, programId, accounts, from, until, batch);
  const result: SweepResult = { events: 0, lines: 0, converted: 0, more: false, failing: null, skipped: [] };
  if (read.length === 0) return result;
  // In the order recorded, as the hook saw them (a return after the sale it returns), one at a time.
  let last: (typeof read)[number] | null = null;
  const done: string[] = [];
  for (const event of read) {
    try {
      const swept = await sweepEvent(deps, programId, event, now);
      result.lines += swept.lines;
      result.converted += swept.converted;
      done.push(event.eventId);
    } catch (error) {
      const noted = await noteFailure(db, programId, event, errorText(error), now);
      if (noted.skippedAt === null) {
        result.failing = event.eventId;
        break;
      }
      result.skipped.push(event.eventId);
    }
    last = event;
    result.events++;
  }
  await clearFailures(db, programId, done);
  if (last) await advanceSweep(db, programId, { at: last.receivedAt, id: last.eventId });
  result.more = read.length === batch && result.failing === null;
  return result;
}
