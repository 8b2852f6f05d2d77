import { and, eq, lt } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
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

export async function findKey(
  db: Executor,
  programId: string,
  key: string,
): Promise<IdempotencyRow | undefined> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.programId, programId), eq(idempotencyKeys.key, key)));
  return row;
}

/** Takes over an in-flight claim older than `staleBefore` (its process died); true when taken. */
export async function takeOverStale(
  db: Executor,
  programId: string,
  key: string,
  fingerprint: string,
  staleBefore: Date,
): Promise<boolean> {
  const rows = await db
    .update(idempotencyKeys)
    .set({ createdAt: new Date() })
    .where(
      and(
        eq(idempotencyKeys.programId, programId),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.fingerprint, fingerprint),
        eq(idempotencyKeys.state, 'in_flight'),
        lt(idempotencyKeys.createdAt, staleBefore),
      ),
    )
    .returning({ key: idempotencyKeys.key });
  return rows.length === 1;
}

export async function completeKey(
  db: Executor,
  programId: string,
  key: string,
  statusCode: number,
  responseBody: unknown,
  responseHeaders: Record<string, string> = {},
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ state: 'done', statusCode, responseBody, responseHeaders, completedAt: new Date() })
    .where(and(eq(idempotencyKeys.programId, programId), eq(idempotencyKeys.key, key)));
}

export async function releaseKey(db: Executor, programId: string, key: string): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.programId, programId),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.state, 'in_flight'),
      ),
    );
}
