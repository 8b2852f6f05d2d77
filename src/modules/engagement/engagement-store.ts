// Engagement SQL, nothing else: every query filters on the program.
import { and, desc, eq, gt, isNull, or, type SQL, sql } from 'drizzle-orm';
import { type Executor, selectRows } from '../../db/client.ts';
import { programTable } from '../../db/rows.ts';
import {
  automationFirings,
  automations,
  badgeAwards,
  badges,
  challengeCompletions,
  challenges,
  challengeVersions,
  leaderboardExclusions,
  leaderboardRankings,
  leaderboardRefreshes,
  leaderboards,
} from './engagement-tables.ts';

export type BadgeRow = typeof badges.$inferSelect;
export type BadgeAwardRow = typeof badgeAwards.$inferSelect;
export type NewBadgeAwardRow = typeof badgeAwards.$inferInsert;
export type ChallengeRow = typeof challenges.$inferSelect;
export type CompletionRow = typeof challengeCompletions.$inferSelect;
export type NewCompletionRow = typeof challengeCompletions.$inferInsert;
export type LeaderboardRow = typeof leaderboards.$inferSelect;

// Badges

const badgeRows = programTable(badges, badges.code);
export const insertBadge = badgeRows.insert;
export const findBadge = badgeRows.find;
export const updateBadge = badgeRows.update;
export const listBadges = badgeRows.lister<Record<string, never>>(() => []);

const awardRows = programTable(badgeAwards, badgeAwards.id);
export const insertAward = awardRows.insert;

/** An automatic award, once per source key: undefined when that key was given already. */
export async function insertAwardOnce(
  db: Executor,
  row: NewBadgeAwardRow,
): Promise<BadgeAwardRow | undefined> {
  const [created] = await db.insert(badgeAwards).values(row).onConflictDoNothing().returning();
  return created;
}

/** The awards of an account (or of a contact), newest first; expired ones only when asked. */
export function listAwards(
  db: Executor,
  programId: string,
  of: { accountId?: string; contactId?: string; includeExpired: boolean; at: Date },
  cursor: string | undefined,
  limit: number,
): Promise<BadgeAwardRow[]> {
  return awardRows.page(
    db,
    programId,
    [
      of.accountId === undefined ? undefined : eq(badgeAwards.accountId, of.accountId),
      of.contactId === undefined ? undefined : eq(badgeAwards.contactId, of.contactId),
      of.includeExpired ? undefined : or(isNull(badgeAwards.expiresAt), gt(badgeAwards.expiresAt, of.at)),
    ],
    cursor,
    limit,
    'desc',
  );
}

// Challenges

const challengeRows = programTable(challenges, challenges.code);
export const insertChallenge = challengeRows.insert;
export const findChallenge = challengeRows.find;
export const lockChallenge = challengeRows.lock;
export const updateChallenge = challengeRows.update;
export const listChallenges = challengeRows.lister<Record<string, never>>(() => []);

export async function allChallenges(db: Executor, programId: string): Promise<ChallengeRow[]> {
  return db.select().from(challenges).where(eq(challenges.programId, programId)).orderBy(challenges.code);
}

export const insertChallengeVersion = programTable(challengeVersions, challengeVersions.code).insert;

const completionRows = programTable(challengeCompletions, challengeCompletions.challengeCode);
export const insertCompletion = completionRows.insert;

/** The completion of a challenge by its subject (the account, or the contact of a contact challenge) in a window. */
export function findCompletion(
  db: Executor,
  programId: string,
  code: string,
  subjectId: string,
  windowKey: string,
): Promise<CompletionRow | undefined> {
  return completionRows.findWhere(
    db,
    programId,
    eq(challengeCompletions.challengeCode, code),
    eq(challengeCompletions.subjectId, subjectId),
    eq(challengeCompletions.windowKey, windowKey),
  );
}

/**
 * The completions of a challenge (or of every challenge) by an account (its contacts' too) or by one
 * contact, newest window first.
 */
export async function completionsOf(
  db: Executor,
  programId: string,
  of: { accountId: string } | { contactId: string },
  code?: string,
): Promise<CompletionRow[]> {
  return db
    .select()
    .from(challengeCompletions)
    .where(
      and(
        eq(challengeCompletions.programId, programId),
        'contactId' in of
          ? eq(challengeCompletions.contactId, of.contactId)
          : eq(challengeCompletions.accountId, of.accountId),
        code === undefined ? undefined : eq(challengeCompletions.challengeCode, code),
      ),
    )
    .orderBy(desc(challengeCompletions.windowStart));
}

// Leaderboards

const leaderboardRows = programTable(leaderboards, leaderboards.code);
export const insertLeaderboard = leaderboardRows.insert;
export const findLeaderboard = leaderboardRows.find;
export const updateLeaderboard = leaderboardRows.update;
export const listLeaderboards = leaderboardRows.lister<Record<string, never>>(() => []);

export async function excludedFrom(db: Executor, programId: string, code: string): Promise<string[]> {
  const rows = await db
    .select({ accountId: leaderboardExclusions.accountId })
    .from(leaderboardExclusions)
    .where(
      and(eq(leaderboardExclusions.programId, programId), eq(leaderboardExclusions.leaderboardCode, code)),
    );
  return rows.map((r) => r.accountId);
}

export async function insertExclusion(
  db: Executor,
  row: typeof leaderboardExclusions.$inferInsert,
): Promise<boolean> {
  const rows = await db.insert(leaderboardExclusions).values(row).onConflictDoNothing().returning();
  return rows.length > 0;
}

export async function deleteExclusion(
  db: Executor,
  programId: string,
  code: string,
  accountId: string,
): Promise<boolean> {
  const rows = await db
    .delete(leaderboardExclusions)
    .where(
      and(
        eq(leaderboardExclusions.programId, programId),
        eq(leaderboardExclusions.leaderboardCode, code),
        eq(leaderboardExclusions.accountId, accountId),
      ),
    )
    .returning();
  return rows.length > 0;
}

// Automations

export type AutomationRow = typeof automations.$inferSelect;
export type FiringRow = typeof automationFirings.$inferSelect;

const automationRows = programTable(automations, automations.code);
export const insertAutomation = automationRows.insert;
export const findAutomation = automationRows.find;
export const lockAutomation = automationRows.lock;
export const updateAutomation = automationRows.update;
export const listAutomations = automationRows.lister<Record<string, never>>(() => []);

export async function allAutomations(db: Executor, programId: string): Promise<AutomationRow[]> {
  return db.select().from(automations).where(eq(automations.programId, programId)).orderBy(automations.code);
}

export function findFiring(
  db: Executor,
  programId: string,
  code: string,
  subjectId: string,
  occurrence: string,
): Promise<FiringRow | undefined> {
  return firingRows.findWhere(
    db,
    programId,
    eq(automationFirings.automationCode, code),
    eq(automationFirings.subjectId, subjectId),
    eq(automationFirings.occurrence, occurrence),
  );
}

const firingRows = programTable(automationFirings, automationFirings.subjectId);
export const insertFiring = firingRows.insert;

/** The firings of an automation, newest first, a page after `cursor` (a fired-at instant and subject). */
export async function listFirings(
  db: Executor,
  programId: string,
  code: string,
  account: string | undefined,
  limit: number,
): Promise<FiringRow[]> {
  return db
    .select()
    .from(automationFirings)
    .where(
      and(
        eq(automationFirings.programId, programId),
        eq(automationFirings.automationCode, code),
        account === undefined ? undefined : eq(automationFirings.accountId, account),
      ),
    )
    .orderBy(desc(automationFirings.firedAt), automationFirings.subjectId)
    .limit(limit);
}

// Leaderboard rankings

export type RefreshRow = typeof leaderboardRefreshes.$inferSelect;

/**
 * Replaces a leaderboard's standings of a period by those of `totals` (a subquery `(account_id,
 * total)`), ranked in the database in one statement, and records the refresh. Runs in the caller's
 * transaction.
 */
export async function replaceRanking(tx: Executor, refresh: RefreshRow, totals: SQL): Promise<number> {
  const { programId, leaderboardCode: code, periodKey } = refresh;
  await tx
    .delete(leaderboardRankings)
    .where(
      and(
        eq(leaderboardRankings.programId, programId),
        eq(leaderboardRankings.leaderboardCode, code),
        eq(leaderboardRankings.periodKey, periodKey),
      ),
    );
  const inserted = await selectRows<{ n: string | number }>(
    tx,
    sql`with ins as (
          insert into leaderboard_rankings (program_id, leaderboard_code, period_key, position, account_id, rank, total)
          select ${programId}, ${code}, ${periodKey},
                 row_number() over (order by total desc, account_id),
                 account_id, rank() over (order by total desc), total
            from (${totals}) t where total > 0
          returning 1)
        select count(*) as n from ins`,
  );
  const ranked = Number(inserted[0]?.n ?? 0);
  await tx
    .insert(leaderboardRefreshes)
    .values({ ...refresh, ranked })
    .onConflictDoUpdate({
      target: [
        leaderboardRefreshes.programId,
        leaderboardRefreshes.leaderboardCode,
        leaderboardRefreshes.periodKey,
      ],
      set: {
        refreshedAt: refresh.refreshedAt,
        ranked,
        periodStart: refresh.periodStart,
        periodEnd: refresh.periodEnd,
      },
    });
  return ranked;
}

export function findRefresh(
  db: Executor,
  programId: string,
  code: string,
  periodKey: string,
): Promise<RefreshRow | undefined> {
  return refreshRows.findWhere(
    db,
    programId,
    eq(leaderboardRefreshes.leaderboardCode, code),
    eq(leaderboardRefreshes.periodKey, periodKey),
  );
}

const refreshRows = programTable(leaderboardRefreshes, leaderboardRefreshes.periodKey);

/** The top places and the places around an account's (by position), from the stored ranking. */
export async function rankingPlaces(
  db: Executor,
  programId: string,
  code: string,
  periodKey: string,
  top: number,
  accountId: string | null,
  around: number,
): Promise<Array<{ accountId: string; total: bigint; rank: number; position: number }>> {
  const rows = await selectRows<{ account_id: string; total: string; rank: number; position: number }>(
    db,
    sql`select account_id, total::text as total, rank, position from leaderboard_rankings
         where program_id = ${programId} and leaderboard_code = ${code} and period_key = ${periodKey}
           and (position <= ${top}
                or position between (select position from leaderboard_rankings
                                      where program_id = ${programId} and leaderboard_code = ${code}
                                        and period_key = ${periodKey} and account_id = ${accountId}) - ${around}
                                and (select position from leaderboard_rankings
                                      where program_id = ${programId} and leaderboard_code = ${code}
                                        and period_key = ${periodKey} and account_id = ${accountId}) + ${around})
         order by position`,
  );
  return rows.map((r) => ({
    accountId: r.account_id,
    total: BigInt(r.total),
    rank: Number(r.rank),
    position: Number(r.position),
  }));
}
