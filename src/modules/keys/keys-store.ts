import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { programTable } from '../../db/rows.ts';
import { apiKeys } from './keys-tables.ts';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

const keyRows = programTable(apiKeys, apiKeys.id);

export const insertKey = keyRows.insert;

/** An unrevoked key with this hash, or undefined. */
export async function findActiveKeyByHash(db: Executor, hash: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)));
  return row;
}

export async function findKeyByHash(db: Executor, hash: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.hash, hash));
  return row;
}

export async function listKeys(db: Executor, programId: string): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.programId, programId)).orderBy(asc(apiKeys.createdAt));
}

export async function revokeKeyRow(
  db: Executor,
  programId: string,
  id: string,
): Promise<ApiKeyRow | undefined> {
  return keyRows.update(db, programId, id, { revokedAt: new Date() }, isNull(apiKeys.revokedAt));
}
