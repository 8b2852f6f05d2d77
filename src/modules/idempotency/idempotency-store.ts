import { and, eq, lt } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { programTable } from '../../db/rows.ts';
import { idempotencyKeys } from './idempotency-tables.ts';

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

/** Claims the key; false when a row for it exists already. */
export async function claimKey(
  db: Executor,
  programId: string,
  key: string,
  fingerprint: string,
): Promise<boolean> {
  const rows = await db
    .insert(idempotencyKeys)
    .values({ programId, key, fingerprint, state: 'in_flight' })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return rows.length === 1;
}

const keyRows = programTable(idempotencyKeys, idempotencyKeys.key);

export const findKey = keyRows.find;

/** Takes over an in-flight claim older than `staleBefore` (its process died); true when taken. */
export async function takeOverStale(
  db: Executor,
  programId: string,
  key: string,
  fingerprint: string,
  staleBefore: Date,
): Promise<boolean> {
  const taken = await keyRows.update(
    db,
    programId,
    key,
    { createdAt: new Date() },
    eq(idempotencyKeys.fingerprint, fingerprint),
    eq(idempotencyKeys.state, 'in_flight'),
    lt(idempotencyKeys.createdAt, staleBefore),
  );
  return taken !== undefined;
}

export async function completeKey(
  db: Executor,
  programId: string,
  key: string,
  statusCode: number,
  responseBody: unknown,
  responseHeaders: Record<string, string> = {},
): Promise<void> {
  await keyRows.update(db, programId, key, {
    state: 'done',
    statusCode,
    responseBody,
    responseHeaders,
    completedAt: new Date(),
  });
}

export async function releaseKey(db: Executor, programId: string, key: string): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(and(keyRows.key(programId, key), eq(idempotencyKeys.state, 'in_flight')));
}
