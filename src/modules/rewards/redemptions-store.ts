// SQL of redemptions: the redemption rows, their approval decisions and their events (the outbox).
import { and, asc, eq, gte, inArray, notInArray, type SQL, sql } from 'drizzle-orm';
import { UNDONE_STATUSES } from '../../core/rewards/redemption-status.ts';
import { advisoryLock, type Executor } from '../../db/client.ts';
import { equalsIf, programTable } from '../../db/rows.ts';
import { redemptionApprovals, redemptionEvents, redemptions } from './rewards-tables.ts';

export type RedemptionRow = typeof redemptions.$inferSelect;
export type NewRedemptionRow = typeof redemptions.$inferInsert;
export type ApprovalRow = typeof redemptionApprovals.$inferSelect;
export type EventRow = typeof redemptionEvents.$inferSelect;

const redemptionRows = programTable(redemptions, redemptions.id);

export const insertRedemption = redemptionRows.insert;
export const findRedemption = redemptionRows.find;
/** The redemption, locked until the transaction ends: its transitions go one at a time. */
export const lockRedemption = redemptionRows.lock;

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
export function timedOutRedemptions(
  db: Executor,
  programId: string,
  limit: number,
): Promise<RedemptionRow[]> {
  const releasedHold = sql`exists (select 1 from ledger_entries v where v.program_id = ${redemptions.programId}
                     and v.related_entry_id = ${redemptions.holdEntryId} and v.phase = 'void')`;
  return redemptionRows.page(
    db,
    programId,
    [eq(redemptions.status, 'pending_approval'), releasedHold],
    undefined,
    limit,
  );
}

export function findRedemptionByKey(
  db: Executor,
  programId: string,
  requestKey: string,
): Promise<RedemptionRow | undefined> {
  return redemptionRows.findWhere(db, programId, eq(redemptions.requestKey, requestKey));
}

export async function updateRedemption(
  db: Executor,
  programId: string,
  id: string,
  patch: Partial<NewRedemptionRow>,
): Promise<RedemptionRow> {
  return (await redemptionRows.update(db, programId, id, { ...patch, updatedAt: new Date() }))!;
}

/** Newest first. */
export const listRedemptions = redemptionRows.lister(
  (f: { accountId?: string; rewardId?: string; status?: string; contactId?: string }) => [
    equalsIf(redemptions.accountId, f.accountId),
    equalsIf(redemptions.rewardId, f.rewardId),
    equalsIf(redemptions.contactId, f.contactId),
    equalsIf(redemptions.status, f.status),
  ],
  'desc',
);

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

const approvalRows = programTable(redemptionApprovals, redemptionApprovals.redemptionId);
const eventRows = programTable(redemptionEvents, redemptionEvents.id);

export const insertApproval = approvalRows.insert;

export async function approvalsOf(db: Executor, programId: string, ids: string[]): Promise<ApprovalRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(redemptionApprovals)
    .where(and(eq(redemptionApprovals.programId, programId), inArray(redemptionApprovals.redemptionId, ids)))
    .orderBy(asc(redemptionApprovals.at));
}

export const insertEvent = eventRows.insert;

/** Every redemption event of the program in id order (oldest first) after `after`: an outbox feed. */
export const eventFeed = eventRows.lister((f: { type?: string; redemptionId?: string }) => [
  equalsIf(redemptionEvents.type, f.type),
  equalsIf(redemptionEvents.redemptionId, f.redemptionId),
]);

export async function eventsOf(db: Executor, programId: string, redemptionId: string): Promise<EventRow[]> {
  return db
    .select()
    .from(redemptionEvents)
    .where(and(eq(redemptionEvents.programId, programId), eq(redemptionEvents.redemptionId, redemptionId)))
    .orderBy(asc(redemptionEvents.id));
}
