// The commission sweep (decision 0052): the partners' due run writes the commission lines the events'
// hook missed (it failed, or the server stopped between an event's commit and the hook). It reads the
// events of referred accounts recorded since the program's watermark (`commission_sweeps`), in the
// order they were recorded, hands them to the same code as the hook, and moves the watermark on. Lines
// are keyed by plan and event and written under the partner's assignment lock, and a return is applied
// to a line once (`commission_line_returns`), so an event the hook handled (or a concurrent due run is
// handling) changes nothing. A due run reads at most `batch` events; the next one goes on from there.
import { eventsRecordedAfter, type RecordedEvent } from '../events/events-reads.ts';
import { type CommissionEvent, recordCommissions } from './partners-commissions.ts';
import type { PartnerDeps } from './partners-deps.ts';
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
  /** Events read. */
  events: number;
  /** Commission lines (and clawbacks) written for them: what the hook had missed. */
  lines: number;
  /** Whether a full batch was read (the next due run goes on). */
  more: boolean;
}

const toCommissionEvent = (e: RecordedEvent): CommissionEvent => ({
  id: e.id,
  type: e.type,
  accountId: e.accountId,
  at: e.occurredAt,
  references: e.references,
  amountMinor: e.amountMinor,
  recordedAt: new Date(e.receivedAt),
  ...(e.originalEventId ? { originalEventId: e.originalEventId } : {}),
});

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
  if (read.length === 0) return { events: 0, lines: 0, more: false };
  // In the order recorded, as the hook saw them: a run of sales, then the returns after it, and so on.
  let lines = 0;
  let run: CommissionEvent[] = [];
  for (const event of read.map(toCommissionEvent)) {
    if (run.length > 0 && (run[0]!.type === 'return') !== (event.type === 'return')) {
      lines += await recordCommissions(deps, programId, run, now);
      run = [];
    }
    run.push(event);
  }
  lines += await recordCommissions(deps, programId, run, now);
  const last = read.at(-1)!;
  await advanceSweep(db, programId, { at: last.receivedAt, id: last.eventId });
  return { events: read.length, lines, more: read.length === batch };
}
