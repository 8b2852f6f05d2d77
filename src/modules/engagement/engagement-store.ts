// Engagement SQL, nothing else: every query filters on the program.
import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
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

/** What a leaderboard leaves out: accounts (with all their contacts), and contacts by themselves. */
export async function excludedFrom(
  db: Executor,
  programId: string,
  code: string,
): Promise<{ accounts: string[]; contacts: string[] }> {
  const rows = await db
    .select({ accountId: leaderboardExclusions.accountId, contactId: leaderboardExclusions.contactId })
    .from(leaderboardExclusions)
    .where(
      and(eq(leaderboardExclusions.programId, programId), eq(leaderboardExclusions.leaderboardCode, code)),
    );
  return {
    accounts: rows.filter((r) => r.contactId === null).map((r) => r.accountId),
    contacts: rows.flatMap((r) => (r.contactId === null ? [] : [r.contactId])),
  };
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
  /** The account, or the contact of a contact exclusion. */
  subjectId: string,
): Promise<boolean> {
  const rows = await db
    .delete(leaderboardExclusions)
    .where(
      and(
        eq(leaderboardExclusions.programId, programId),
        eq(leaderboardExclusions.leaderboardCode, code),
        eq(leaderboardExclusions.subjectId, subjectId),
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
