// SQL of the rewards catalog: rewards and their counted stock, code pools and sessions. The small
// helpers at the top serve the module's other stores too (redemptions, cashback).
import { and, asc, eq, gt, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { type Executor, selectRows } from '../../db/client.ts';
import { rewardCodes, rewardSessions, rewards } from './rewards-tables.ts';

export type RewardRow = typeof rewards.$inferSelect;
export type NewRewardRow = typeof rewards.$inferInsert;
export type CodeRow = typeof rewardCodes.$inferSelect;
export type SessionRow = typeof rewardSessions.$inferSelect;

/** One row of a program's table by its id: every table of the module is keyed (program_id, id). */
export function byId(table: { programId: PgColumn; id: PgColumn }, programId: string, id: string): SQL {
  return and(eq(table.programId, programId), eq(table.id, id))!;
}

/** Inserts one row and returns it as stored (defaults filled in). */
export async function insertRow<T extends PgTable>(
  db: Executor,
  table: T,
  row: T['$inferInsert'],
): Promise<T['$inferSelect']> {
  const [created] = await db.insert(table).values(row).returning();
  return created as T['$inferSelect'];
}

// Rewards

export async function insertReward(db: Executor, row: NewRewardRow): Promise<RewardRow> {
  return insertRow(db, rewards, row);
}

const rewardById = (db: Executor, programId: string, id: string) =>
  db
    .select()
    .from(rewards)
    .where(byId(rewards, programId, id));

export async function findReward(
  db: Executor,
  programId: string,
  id: string,
): Promise<RewardRow | undefined> {
  const [row] = await rewardById(db, programId, id);
  return row;
}

/** The reward, locked until the transaction ends: its changes and code imports go one at a time. */
export async function lockReward(
  db: Executor,
  programId: string,
  id: string,
): Promise<RewardRow | undefined> {
  const [row] = await rewardById(db, programId, id).for('update');
  return row;
}

export async function listRewards(
  db: Executor,
  programId: string,
  f: { type?: string; status?: string },
  after: string | undefined,
  limit: number,
): Promise<RewardRow[]> {
  return db
    .select()
    .from(rewards)
    .where(
      and(
        eq(rewards.programId, programId),
        f.type ? eq(rewards.type, f.type as RewardRow['type']) : undefined,
        f.status ? eq(rewards.status, f.status as RewardRow['status']) : undefined,
        after ? gt(rewards.id, after) : undefined,
      ),
    )
    .orderBy(asc(rewards.id))
    .limit(limit);
}

export async function patchReward(
  db: Executor,
  programId: string,
  id: string,
  patch: Partial<NewRewardRow>,
): Promise<RewardRow | undefined> {
  const [row] = await db
    .update(rewards)
    .set({ ...patch, updatedAt: new Date() })
    .where(byId(rewards, programId, id))
    .returning();
  return row;
}

/** Takes one unit of counted stock; false when none is left (decided by the database, at this instant). */
export async function takeStock(db: Executor, programId: string, rewardId: string): Promise<boolean> {
  const rows = await db
    .update(rewards)
    .set({ stockRemaining: sql`${rewards.stockRemaining} - 1` })
    .where(and(byId(rewards, programId, rewardId), gt(rewards.stockRemaining, 0)))
    .returning({ id: rewards.id });
  return rows.length === 1;
}

export async function returnStock(db: Executor, programId: string, rewardId: string): Promise<void> {
  await db
    .update(rewards)
    .set({ stockRemaining: sql`${rewards.stockRemaining} + 1` })
    .where(byId(rewards, programId, rewardId));
}

// Codes

/** Codes of `codes` that the reward has already. */
export async function existingCodes(
  db: Executor,
  programId: string,
  rewardId: string,
  codes: string[],
): Promise<string[]> {
  const found: string[] = [];
  for (let i = 0; i < codes.length; i += 1000) {
    const rows = await db
      .select({ code: rewardCodes.code })
      .from(rewardCodes)
      .where(
        and(
          eq(rewardCodes.programId, programId),
          eq(rewardCodes.rewardId, rewardId),
          inArray(rewardCodes.code, codes.slice(i, i + 1000)),
        ),
      );
    found.push(...rows.map((r) => r.code));
  }
  return found;
}

export async function insertCodes(db: Executor, rows: Array<typeof rewardCodes.$inferInsert>): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await db.insert(rewardCodes).values(rows.slice(i, i + 1000));
}

/** Unused codes per reward. */
export async function availableCodes(
  db: Executor,
  programId: string,
  rewardIds: string[],
): Promise<Map<string, number>> {
  if (rewardIds.length === 0) return new Map();
  const rows = await db
    .select({ rewardId: rewardCodes.rewardId, n: sql<string>`count(*)` })
    .from(rewardCodes)
    .where(
      and(
        eq(rewardCodes.programId, programId),
        inArray(rewardCodes.rewardId, rewardIds),
        eq(rewardCodes.status, 'available'),
      ),
    )
    .groupBy(rewardCodes.rewardId);
  return new Map(rows.map((r) => [r.rewardId, Number(r.n)]));
}

/**
 * Reserves one unused code for a redemption. Rows another transaction is reserving are skipped,
 * not waited for, so a code can never be reserved twice and concurrent requests do not queue.
 */
export async function reserveCode(
  db: Executor,
  programId: string,
  rewardId: string,
  redemptionId: string,
): Promise<CodeRow | undefined> {
  const [row] = await selectRows<Record<string, unknown>>(
    db,
    sql`update reward_codes set status = 'reserved', redemption_id = ${redemptionId}
         where program_id = ${programId} and id = (
           select id from reward_codes
            where program_id = ${programId} and reward_id = ${rewardId} and status = 'available'
            order by id limit 1 for update skip locked)
        returning id, code`,
  );
  return row ? ({ id: String(row.id), code: String(row.code) } as CodeRow) : undefined;
}

export async function findCode(db: Executor, programId: string, id: string): Promise<CodeRow | undefined> {
  const [row] = await db
    .select()
    .from(rewardCodes)
    .where(byId(rewardCodes, programId, id));
  return row;
}

export async function issueCode(db: Executor, programId: string, id: string): Promise<void> {
  await db
    .update(rewardCodes)
    .set({ status: 'issued', issuedAt: new Date() })
    .where(byId(rewardCodes, programId, id));
}

export async function releaseCode(db: Executor, programId: string, id: string): Promise<void> {
  await db
    .update(rewardCodes)
    .set({ status: 'available', redemptionId: null })
    .where(and(byId(rewardCodes, programId, id), eq(rewardCodes.status, 'reserved')));
}

// Sessions

export async function insertSession(
  db: Executor,
  row: typeof rewardSessions.$inferInsert,
): Promise<SessionRow> {
  return insertRow(db, rewardSessions, row);
}

export async function findSession(
  db: Executor,
  programId: string,
  rewardId: string,
  id: string,
): Promise<SessionRow | undefined> {
  const [row] = await db
    .select()
    .from(rewardSessions)
    .where(and(byId(rewardSessions, programId, id), eq(rewardSessions.rewardId, rewardId)));
  return row;
}

export async function listSessions(
  db: Executor,
  programId: string,
  rewardIds: string[],
): Promise<SessionRow[]> {
  if (rewardIds.length === 0) return [];
  return db
    .select()
    .from(rewardSessions)
    .where(and(eq(rewardSessions.programId, programId), inArray(rewardSessions.rewardId, rewardIds)))
    .orderBy(asc(rewardSessions.startsAt), asc(rewardSessions.id));
}

/** Takes one place of a session; false when it is full. */
export async function takeSessionPlace(db: Executor, programId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(rewardSessions)
    .set({ reserved: sql`${rewardSessions.reserved} + 1` })
    .where(and(byId(rewardSessions, programId, id), lt(rewardSessions.reserved, rewardSessions.capacity)))
    .returning({ id: rewardSessions.id });
  return rows.length === 1;
}

export async function returnSessionPlace(db: Executor, programId: string, id: string): Promise<void> {
  await db
    .update(rewardSessions)
    .set({ reserved: sql`${rewardSessions.reserved} - 1` })
    .where(byId(rewardSessions, programId, id));
}
