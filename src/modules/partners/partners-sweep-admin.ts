// The commission sweep as operators see it (decision 0055): where its watermark stands, how far it lags
// behind the newest settled event of a referred account, the events failing or skipped; and the
// retry of a skipped event, once its cause is gone (through the sweep's own code, so at most once).
import { sql } from 'drizzle-orm';
import type { Actor } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import { selectRows } from '../../db/client.ts';
import { newestRecordedBefore, recordedEvent } from '../events/events-reads.ts';
import { errorText, SWEEP_SETTLE_MS } from './partners-commission-catchup.ts';
import type { PartnerDeps } from './partners-deps.ts';
import { sweepEvent } from './partners-sweep-event.ts';
import {
  clearFailure,
  noteFailure,
  type SkipRow,
  SWEEP_ATTEMPTS,
  skippedCount,
  skippedEvent,
  skipsOf,
} from './partners-sweep-skips.ts';
import { referredAccountIds } from './partners-sweep-store.ts';

/** Failing and skipped events listed at most. */
const LISTED = 100;

const toSkip = (row: SkipRow) => ({
  eventId: row.eventId,
  externalId: row.externalId,
  status: row.skippedAt ? 'skipped' : 'failing',
  attempts: row.attempts,
  lastError: row.lastError,
  firstFailedAt: row.firstFailedAt.toISOString(),
  lastFailedAt: row.lastFailedAt.toISOString(),
  skippedAt: row.skippedAt?.toISOString() ?? null,
});

/** The sweep's watermark, its lag behind the newest settled event it reads, and its failing or skipped events. */
export async function sweepStatus(deps: PartnerDeps, programId: string, now = new Date()) {
  const db = deps.database.db;
  // Read only: a program the sweep has not seen yet has no row (it will sweep from the beginning).
  const [row] = await selectRows<{ at: string; id: string }>(
    db,
    sql`select swept_at::text as at, swept_id as id from commission_sweeps where program_id = ${programId}`,
  );
  const settled = new Date(now.getTime() - SWEEP_SETTLE_MS);
  const newest = await newestRecordedBefore(db, programId, await referredAccountIds(db, programId), settled);
  const sweptMs = row ? new Date(row.at).getTime() : Number.NEGATIVE_INFINITY;
  const lagMs = newest === null ? 0 : Math.max(0, new Date(newest).getTime() - sweptMs);
  return {
    sweptAt: row ? new Date(row.at).toISOString() : null,
    sweptEventId: row?.id ? row.id : null,
    newestSettledAt: newest === null ? null : new Date(newest).toISOString(),
    lagSeconds: Number.isFinite(lagMs) ? Math.ceil(lagMs / 1000) : null,
    settleSeconds: SWEEP_SETTLE_MS / 1000,
    maxAttempts: SWEEP_ATTEMPTS,
    skippedCount: await skippedCount(db, programId),
    events: (await skipsOf(db, programId, LISTED)).map(toSkip),
  };
}

/**
 * Tries a skipped event again (its conversion and commission lines, as the sweep would): on success it
 * leaves the skip list (audited); failing again, the attempt is counted and it stays skipped.
 */
export async function retrySkipped(
  deps: PartnerDeps,
  programId: string,
  ref: string,
  actor: Actor,
  now = new Date(),
) {
  const db = deps.database.db;
  const skip = await skippedEvent(db, programId, ref);
  if (!skip) throw new FidelisError('commission_sweep_skip_not_found', `No skipped event ${ref}`);
  const event = await recordedEvent(db, programId, skip.eventId);
  if (!event) throw new FidelisError('commission_sweep_skip_not_found', `No skipped event ${ref}`);
  let swept: Awaited<ReturnType<typeof sweepEvent>>;
  try {
    swept = await sweepEvent(deps, programId, event, now);
  } catch (error) {
    const noted = await noteFailure(db, programId, event, errorText(error), now);
    throw new FidelisError(
      'commission_sweep_retry_failed',
      `Event ${event.id} failed again (attempt ${noted.attempts}): ${noted.lastError}`,
    );
  }
  const result = {
    eventId: event.eventId,
    externalId: event.id,
    lines: swept.lines,
    converted: swept.converted,
  };
  await deps.database.transaction(async (tx) => {
    await clearFailure(tx, programId, event.eventId);
    await deps.audit.record(tx, programId, {
      actor,
      action: 'commission_sweep.retry',
      resourceType: 'event',
      resourceId: event.eventId,
      before: toSkip(skip),
      after: result,
    });
  });
  return result;
}
