// SQL of the commission sweep's failures (decision 0055): an event whose processing failed is noted in
// `commission_sweep_skips` (attempts, last error); the next due runs try it again, and after
// `SWEEP_ATTEMPTS` failures it is skipped (the watermark moves past it) until an operator retries it.
import { sql } from 'drizzle-orm';
import { type Executor, selectRows, textArray } from '../../db/client.ts';

/** Failed attempts after which the sweep skips an event (the watermark moves past it). */
export const SWEEP_ATTEMPTS = 3;
/** At most this much of an error's message is kept. */
const ERROR_CHARS = 500;

export interface SkipRow {
  eventId: string;
  externalId: string;
  receivedAt: string;
  attempts: number;
  lastError: string;
  firstFailedAt: Date;
  lastFailedAt: Date;
  skippedAt: Date | null;
}

interface Raw {
  event_id: string;
  external_id: string;
  received_at: string;
  attempts: number;
  last_error: string;
  first_failed_at: Date | string;
  last_failed_at: Date | string;
  skipped_at: Date | string | null;
}

const toSkip = (r: Raw): SkipRow => ({
  eventId: r.event_id,
  externalId: r.external_id,
  receivedAt: r.received_at,
  attempts: Number(r.attempts),
  lastError: r.last_error,
  firstFailedAt: new Date(r.first_failed_at),
  lastFailedAt: new Date(r.last_failed_at),
  skippedAt: r.skipped_at === null ? null : new Date(r.skipped_at),
});

const columns = sql`event_id, external_id, received_at, attempts, last_error, first_failed_at, last_failed_at, skipped_at`;

/**
 * Notes a failed attempt at an event: the row is made or its attempts counted up (one statement, so
 * concurrent due runs each count theirs); the attempt that reaches `SWEEP_ATTEMPTS` skips the event.
 * An operator's retry that fails again counts its attempt and leaves the event skipped.
 */
export async function noteFailure(
  db: Executor,
  programId: string,
  event: { eventId: string; id: string; receivedAt: string },
  error: string,
  now: Date,
): Promise<SkipRow> {
  const message = error.slice(0, ERROR_CHARS);
  const at = now.toISOString();
  const [row] = await selectRows<Raw>(
    db,
    sql`insert into commission_sweep_skips as s
               (program_id, event_id, external_id, received_at, attempts, last_error, first_failed_at, last_failed_at)
        values (${programId}, ${event.eventId}, ${event.id}, ${event.receivedAt}, 1, ${message}, ${at}, ${at})
        on conflict (program_id, event_id) do update
           set attempts = s.attempts + 1, last_error = excluded.last_error, last_failed_at = excluded.last_failed_at,
               skipped_at = coalesce(s.skipped_at,
                                     case when s.attempts + 1 >= ${SWEEP_ATTEMPTS} then excluded.last_failed_at end)
        returning ${columns}`,
  );
  return toSkip(row!);
}

/** The events failing or skipped now (the watermark stopped before the former, moved past the latter). */
export async function skipsOf(db: Executor, programId: string, limit: number): Promise<SkipRow[]> {
  const rows = await selectRows<Raw>(
    db,
    sql`select ${columns} from commission_sweep_skips where program_id = ${programId}
         order by received_at, event_id limit ${limit}`,
  );
  return rows.map(toSkip);
}

/** How many events of the program are skipped. */
export async function skippedCount(db: Executor, programId: string): Promise<number> {
  const [row] = await selectRows<{ n: string }>(
    db,
    sql`select count(*)::text as n from commission_sweep_skips
         where program_id = ${programId} and skipped_at is not null`,
  );
  return Number(row?.n ?? 0);
}

/** A skipped event by our id or the client's id (an operator names either). */
export async function skippedEvent(db: Executor, programId: string, ref: string): Promise<SkipRow | null> {
  const [row] = await selectRows<Raw>(
    db,
    sql`select ${columns} from commission_sweep_skips
         where program_id = ${programId} and skipped_at is not null and (event_id = ${ref} or external_id = ${ref})
         order by event_id limit 1`,
  );
  return row ? toSkip(row) : null;
}

/** The event went through: its failures are forgotten. */
export async function clearFailure(db: Executor, programId: string, eventId: string): Promise<void> {
  await db.execute(
    sql`delete from commission_sweep_skips where program_id = ${programId} and event_id = ${eventId}`,
  );
}

/** Events that went through on a due run: their failures (not skips: an operator clears those) are forgotten. */
export async function clearFailures(db: Executor, programId: string, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await db.execute(
    sql`delete from commission_sweep_skips where program_id = ${programId} and skipped_at is null
           and event_id = any(${textArray(eventIds)})`,
  );
}
