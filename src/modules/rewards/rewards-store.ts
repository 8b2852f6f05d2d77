import { and, asc, desc, eq, gt, gte, inArray, lt, notInArray, type SQL, sql } from 'drizzle-orm';
import { type Executor, selectRows } from '../../db/client.ts';
import {
  charities,
  donations,
  payouts,
  type RedemptionStatus,
  redemptionApprovals,
  redemptionEvents,
  redemptions,
  rewardCodes,
  rewardSessions,
  rewards,
} from './rewards-tables.ts';

export type RewardRow = typeof rewards.$inferSelect;
export type NewRewardRow = typeof rewards.$inferInsert;
export type CodeRow = typeof rewardCodes.$inferSelect;
export type SessionRow = typeof rewardSessions.$inferSelect;
export type RedemptionRow = typeof redemptions.$inferSelect;
export type NewRedemptionRow = typeof redemptions.$inferInsert;
export type ApprovalRow = typeof redemptionApprovals.$inferSelect;
export type EventRow = typeof redemptionEvents.$inferSelect;
export type CharityRow = typeof charities.$inferSelect;
export type DonationRow = typeof donations.$inferSelect;
export type PayoutRow = typeof payouts.$inferSelect;

// Rewards

export async function insertReward(db: Executor, row: NewRewardRow): Promise<RewardRow> {
  const [created] = await db.insert(rewards).values(row).returning();
  return created!;
}

export async function findReward(
  db: Executor,
  programId: string,
  id: string,
  lock = false,
): Promise<RewardRow | undefined> {
  const query = db
    .select()
    .from(rewards)
    .where(and(eq(rewards.programId, programId), eq(rewards.id, id)));
  const [row] = lock ? await query.for('update') : await query;
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

export async function updateReward(
  db: Executor,
  programId: string,
  id: string,
  patch: Partial<NewRewardRow>,
): Promise<RewardRow | undefined> {
  const [row] = await db
    .update(rewards)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(rewards.programId, programId), eq(rewards.id, id)))
    .returning();
  return row;
}

/** Takes one unit of counted stock; false when none is left (decided by the database, at this instant). */
export async function takeStock(db: Executor, programId: string, rewardId: string): Promise<boolean> {
  const rows = await db
    .update(rewards)
    .set({ stockRemaining: sql`${rewards.stockRemaining} - 1` })
    .where(and(eq(rewards.programId, programId), eq(rewards.id, rewardId), gt(rewards.stockRemaining, 0)))
    .returning({ id: rewards.id });
  return rows.length === 1;
}

export async function returnStock(db: Executor, programId: string, rewardId: string): Promise<void> {
  await db
    .update(rewards)
    .set({ stockRemaining: sql`${rewards.stockRemaining} + 1` })
    .where(and(eq(rewards.programId, programId), eq(rewards.id, rewardId)));
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
    .where(and(eq(rewardCodes.programId, programId), eq(rewardCodes.id, id)));
  return row;
}

export async function issueCode(db: Executor, programId: string, id: string): Promise<void> {
  await db
    .update(rewardCodes)
    .set({ status: 'issued', issuedAt: new Date() })
    .where(and(eq(rewardCodes.programId, programId), eq(rewardCodes.id, id)));
}

export async function releaseCode(db: Executor, programId: string, id: string): Promise<void> {
  await db
    .update(rewardCodes)
    .set({ status: 'available', redemptionId: null })
    .where(
      and(eq(rewardCodes.programId, programId), eq(rewardCodes.id, id), eq(rewardCodes.status, 'reserved')),
    );
}

// Sessions

export async function insertSession(
  db: Executor,
  row: typeof rewardSessions.$inferInsert,
): Promise<SessionRow> {
  const [created] = await db.insert(rewardSessions).values(row).returning();
  return created!;
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
    .where(
      and(
        eq(rewardSessions.programId, programId),
        eq(rewardSessions.rewardId, rewardId),
        eq(rewardSessions.id, id),
      ),
    );
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
    .where(
      and(
        eq(rewardSessions.programId, programId),
        eq(rewardSessions.id, id),
        lt(rewardSessions.reserved, rewardSessions.capacity),
      ),
    )
    .returning({ id: rewardSessions.id });
  return rows.length === 1;
}

export async function returnSessionPlace(db: Executor, programId: string, id: string): Promise<void> {
  await db
    .update(rewardSessions)
    .set({ reserved: sql`${rewardSessions.reserved} - 1` })
    .where(and(eq(rewardSessions.programId, programId), eq(rewardSessions.id, id)));
}

// Redemptions

export async function insertRedemption(db: Executor, row: NewRedemptionRow): Promise<RedemptionRow> {
  const [created] = await db.insert(redemptions).values(row).returning();
  return created!;
}

export async function findRedemption(
  db: Executor,
  programId: string,
  id: string,
  lock = false,
): Promise<RedemptionRow | undefined> {
  const query = db
    .select()
    .from(redemptions)
    .where(and(eq(redemptions.programId, programId), eq(redemptions.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
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
    .where(and(eq(redemptions.programId, programId), eq(redemptions.id, id)))
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

const UNDONE: RedemptionStatus[] = ['rejected', 'cancelled', 'failed'];

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
    notInArray(redemptions.status, UNDONE),
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

// Charities, donations, payouts

export async function insertCharity(db: Executor, row: typeof charities.$inferInsert): Promise<CharityRow> {
  const [created] = await db.insert(charities).values(row).returning();
  return created!;
}

export async function findCharity(
  db: Executor,
  programId: string,
  id: string,
): Promise<CharityRow | undefined> {
  const [row] = await db
    .select()
    .from(charities)
    .where(and(eq(charities.programId, programId), eq(charities.id, id)));
  return row;
}

export async function listCharities(db: Executor, programId: string): Promise<CharityRow[]> {
  return db.select().from(charities).where(eq(charities.programId, programId)).orderBy(asc(charities.id));
}

export async function updateCharity(
  db: Executor,
  programId: string,
  id: string,
  patch: Partial<typeof charities.$inferInsert>,
): Promise<CharityRow | undefined> {
  const [row] = await db
    .update(charities)
    .set(patch)
    .where(and(eq(charities.programId, programId), eq(charities.id, id)))
    .returning();
  return row;
}

export async function insertDonation(db: Executor, row: typeof donations.$inferInsert): Promise<DonationRow> {
  const [created] = await db.insert(donations).values(row).returning();
  return created!;
}

export async function findDonationByEntry(db: Executor, programId: string, entryId: string) {
  const [row] = await db
    .select()
    .from(donations)
    .where(and(eq(donations.programId, programId), eq(donations.entryId, entryId)));
  return row;
}

export async function listDonations(
  db: Executor,
  programId: string,
  f: { accountId?: string; charityId?: string },
  after: string | undefined,
  limit: number,
): Promise<DonationRow[]> {
  return db
    .select()
    .from(donations)
    .where(
      and(
        eq(donations.programId, programId),
        f.accountId ? eq(donations.accountId, f.accountId) : undefined,
        f.charityId ? eq(donations.charityId, f.charityId) : undefined,
        after ? lt(donations.id, after) : undefined,
      ),
    )
    .orderBy(desc(donations.id))
    .limit(limit);
}

export async function insertPayout(db: Executor, row: typeof payouts.$inferInsert): Promise<PayoutRow> {
  const [created] = await db.insert(payouts).values(row).returning();
  return created!;
}

export async function findPayoutByEntry(db: Executor, programId: string, entryId: string) {
  const [row] = await db
    .select()
    .from(payouts)
    .where(and(eq(payouts.programId, programId), eq(payouts.entryId, entryId)));
  return row;
}

export async function listPayouts(
  db: Executor,
  programId: string,
  f: { accountId?: string },
  after: string | undefined,
  limit: number,
): Promise<PayoutRow[]> {
  return db
    .select()
    .from(payouts)
    .where(
      and(
        eq(payouts.programId, programId),
        f.accountId ? eq(payouts.accountId, f.accountId) : undefined,
        after ? lt(payouts.id, after) : undefined,
      ),
    )
    .orderBy(desc(payouts.id))
    .limit(limit);
}
