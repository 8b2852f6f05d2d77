// SQL of redemptions: the redemption rows, their approval decisions and their events (the outbox).
import { and, asc, desc, eq, gt, gte, inArray, lt, notInArray, type SQL, sql } from 'drizzle-orm';
import { type RedemptionStatus, UNDONE_STATUSES } from '../../core/rewards/redemption-status.ts';
import { advisoryLock, type Executor } from '../../db/client.ts';
import { byId, insertRow } from './rewards-store.ts';
import { redemptionApprovals, redemptionEvents, redemptions } from './rewards-tables.ts';

export type RedemptionRow = typeof redemptions.$inferSelect;
export type NewRedemptionRow = typeof redemptions.$inferInsert;
export type ApprovalRow = typeof redemptionApprovals.$inferSelect;
export type EventRow = typeof redemptionEvents.$inferSelect;

export async function insertRedemption(db: Executor, row: NewRedemptionRow): Promise<RedemptionRow> {
  return insertRow(db, redemptions, row);
}

const redemptionById = (db: Executor, programId: string, id: string) =>
  db
    .select()
    .from(redemptions)
    .where(byId(redemptions, programId, id));

export async function findRedemption(
  db: Executor,
  programId: string,
  id: string,
): Promise<RedemptionRow | undefined> {
  const [row] = await redemptionById(db, programId, id);
  return row;
}

/** The redemption, locked until the transaction ends: its transitions go one at a time. */
export async function lockRedemption(
  db: Executor,
  programId: string,
  id: string,
): Promise<RedemptionRow | undefined> {
  const [row] = await redemptionById(db, programId, id).for('update');
  return row;
}

/**
 * Serialises the requests of one account for one reward until the transaction ends, so that two
 * of them cannot both pass a redemption limit.
 */
export async function lockRedemptionLimit(
  db: Executor,
  programId: string,
  rewardId: string,
  accountId: string,
): Promise<void> {
  await advisoryLock(db, `redemption-limit:${programId}:${rewardId}:${accountId}`);
}

/**
 * Redemptions still waiting for approval whose hold the ledger already released (its due run voids
 * a hold at its time-out), oldest first.
 */
export async function timedOutRedemptions(
  db: Executor,
  programId: string,
  limit: number,
): Promise<RedemptionRow[]> {
  return db
    .select()
    .from(redemptions)
    .where(
      and(
        eq(redemptions.programId, programId),
        eq(redemptions.status, 'pending_approval'),
        sql`exists (select 1 from ledger_entries v where v.program_id = ${redemptions.programId}
                     and v.related_entry_id = ${redemptions.holdEntryId} and v.phase = 'void')`,
      ),
    )
    .orderBy(asc(redemptions.id))
    .limit(limit);
}

export async function findRedemptionByKey(
  db: Executor,
  programId: string,
  requestKey: string,
): Promise<RedemptionRow | undefined> {
  const [row] = await db
    .select()
    .from(redemptions)
    .where(and(eq(redemptions.programId, programId), eq(redemptions.requestKey, requestKey)));
  return row;
}

export async function updateRedemption(
  db: Executor,
  programId: string,
  id: string,
  patch: Partial<NewRedemptionRow>,
): Promise<RedemptionRow> {
  const [row] = await db
    .update(redemptions)
    .set({ ...patch, updatedAt: new Date() })
    .where(byId(redemptions, programId, id))
    .returning();
  return row!;
}

export async function listRedemptions(
  db: Executor,
  programId: string,
  f: { accountId?: string; rewardId?: string; status?: string; contactId?: string },
  after: string | undefined,
  limit: number,
): Promise<RedemptionRow[]> {
  return db
    .select()
    .from(redemptions)
    .where(
      and(
        eq(redemptions.programId, programId),
        f.accountId ? eq(redemptions.accountId, f.accountId) : undefined,
        f.rewardId ? eq(redemptions.rewardId, f.rewardId) : undefined,
        f.contactId ? eq(redemptions.contactId, f.contactId) : undefined,
        f.status ? eq(redemptions.status, f.status as RedemptionStatus) : undefined,
        after ? lt(redemptions.id, after) : undefined,
      ),
    )
    .orderBy(desc(redemptions.id))
    .limit(limit);
}

/** Redemptions of a reward that count against a limit (not rejected, cancelled or failed). */
export async function countRedemptions(
  db: Executor,
  programId: string,
  rewardId: string,
  by: { accountId?: string; contactId?: string },
  since: Date | null,
): Promise<number> {
  const conditions: Array<SQL | undefined> = [
    eq(redemptions.programId, programId),
    eq(redemptions.rewardId, rewardId),
    notInArray(redemptions.status, [...UNDONE_STATUSES]),
    by.accountId ? eq(redemptions.accountId, by.accountId) : undefined,
    by.contactId ? eq(redemptions.contactId, by.contactId) : undefined,
    since ? gte(redemptions.createdAt, since) : undefined,
  ];
  const [row] = await db
    .select({ n: sql<string>`count(*)` })
    .from(redemptions)
    .where(and(...conditions));
  return Number(row?.n ?? 0);
}

export async function insertApproval(db: Executor, row: typeof redemptionApprovals.$inferInsert) {
  await db.insert(redemptionApprovals).values(row);
}

export async function approvalsOf(db: Executor, programId: string, ids: string[]): Promise<ApprovalRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(redemptionApprovals)
    .where(and(eq(redemptionApprovals.programId, programId), inArray(redemptionApprovals.redemptionId, ids)))
    .orderBy(asc(redemptionApprovals.at));
}

export async function insertEvent(db: Executor, row: typeof redemptionEvents.$inferInsert): Promise<void> {
  await db.insert(redemptionEvents).values(row);
}

/** Every redemption event of the program in id order (oldest first) after `after`: an outbox feed. */
export async function eventFeed(
  db: Executor,
  programId: string,
  f: { type?: string; redemptionId?: string },
  after: string | undefined,
  limit: number,
): Promise<EventRow[]> {
  return db
    .select()
    .from(redemptionEvents)
    .where(
      and(
        eq(redemptionEvents.programId, programId),
        f.type ? eq(redemptionEvents.type, f.type) : undefined,
        f.redemptionId ? eq(redemptionEvents.redemptionId, f.redemptionId) : undefined,
        after ? gt(redemptionEvents.id, after) : undefined,
      ),
    )
    .orderBy(asc(redemptionEvents.id))
    .limit(limit);
}

export async function eventsOf(db: Executor, programId: string, redemptionId: string): Promise<EventRow[]> {
  return db
    .select()
    .from(redemptionEvents)
    .where(and(eq(redemptionEvents.programId, programId), eq(redemptionEvents.redemptionId, redemptionId)))
    .orderBy(asc(redemptionEvents.id));
}
