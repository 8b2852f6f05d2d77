// SQL of the rewards catalog: rewards and their counted stock, code pools and sessions.
import { and, asc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import { type Executor, selectRows } from '../../db/client.ts';
import { equalsIf, programTable } from '../../db/rows.ts';
import { rewardCodes, rewardSessions, rewards } from './rewards-tables.ts';

export type RewardRow = typeof rewards.$inferSelect;
export type NewRewardRow = typeof rewards.$inferInsert;
export type CodeRow = typeof rewardCodes.$inferSelect;
export type SessionRow = typeof rewardSessions.$inferSelect;

const rewardRows = programTable(rewards, rewards.id);
const codeRows = programTable(rewardCodes, rewardCodes.id);
const sessionRows = programTable(rewardSessions, rewardSessions.id);
const byId = rewardRows.key;

// Rewards

export const insertReward = rewardRows.insert;
export const findReward = rewardRows.find;
/** The reward, locked until the transaction ends: its changes and code imports go one at a time. */
export const lockReward = rewardRows.lock;

export const listRewards = rewardRows.lister((f: { type?: string; status?: string }) => [
  equalsIf(rewards.type, f.type),
  equalsIf(rewards.status, f.status),
]);

export function patchReward(
  db: Executor,
  programId: string,
  id: string,
  patch: Partial<NewRewardRow>,
): Promise<RewardRow | undefined> {
  return rewardRows.update(db, programId, id, { ...patch, updatedAt: new Date() });
}

/** Takes one unit of counted stock; false when none is left (decided by the database, at this instant). */
export async function takeStock(db: Executor, programId: string, rewardId: string): Promise<boolean> {
  const rows = await db
    .update(rewards)
    .set({ stockRemaining: sql`${rewards.stockRemaining} - 1` })
    .where(and(byId(programId, rewardId), gt(rewards.stockRemaining, 0)))
    .returning({ id: rewards.id });
  return rows.length === 1;
}

export async function returnStock(db: Executor, programId: string, rewardId: string): Promise<void> {
  await db
    .update(rewards)
    .set({ stockRemaining: sql`${rewards.stockRemaining} + 1` })
    .where(byId(programId, rewardId));
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

export const insertCodes = codeRows.insertMany;

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

/** A code pool's codes by state: unused, reserved by a redemption in flight, issued to a member. */
export interface CodeCounts {
  available: number;
  reserved: number;
  issued: number;
}

/** The codes of each reward's pool counted by state (a reward with no code has no entry). */
export async function codeCounts(
  db: Executor,
  programId: string,
  rewardIds: string[],
): Promise<Map<string, CodeCounts>> {
  if (rewardIds.length === 0) return new Map();
  const rows = await db
    .select({ rewardId: rewardCodes.rewardId, status: rewardCodes.status, n: sql<string>`count(*)` })
    .from(rewardCodes)
    .where(and(eq(rewardCodes.programId, programId), inArray(rewardCodes.rewardId, rewardIds)))
    .groupBy(rewardCodes.rewardId, rewardCodes.status);
  const counts = new Map<string, CodeCounts>();
  for (const r of rows) {
    const c = counts.get(r.rewardId) ?? { available: 0, reserved: 0, issued: 0 };
    c[r.status] = Number(r.n);
    counts.set(r.rewardId, c);
  }
  return counts;
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

export const findCode = codeRows.find;

export async function issueCode(db: Executor, programId: string, id: string): Promise<void> {
  await codeRows.update(db, programId, id, { status: 'issued', issuedAt: new Date() });
}

export async function releaseCode(db: Executor, programId: string, id: string): Promise<void> {
  await codeRows.update(
    db,
    programId,
    id,
    { status: 'available', redemptionId: null },
    eq(rewardCodes.status, 'reserved'),
  );
}

// Sessions

export const insertSession = sessionRows.insert;

export function findSession(
  db: Executor,
  programId: string,
  rewardId: string,
  id: string,
): Promise<SessionRow | undefined> {
  return sessionRows.findWhere(
    db,
    programId,
    eq(rewardSessions.id, id),
    eq(rewardSessions.rewardId, rewardId),
  );
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
    .where(and(sessionRows.key(programId, id), lt(rewardSessions.reserved, rewardSessions.capacity)))
    .returning({ id: rewardSessions.id });
  return rows.length === 1;
}

export async function returnSessionPlace(db: Executor, programId: string, id: string): Promise<void> {
  await db
    .update(rewardSessions)
    .set({ reserved: sql`${rewardSessions.reserved} - 1` })
    .where(sessionRows.key(programId, id));
}
