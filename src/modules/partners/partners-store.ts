// SQL of the partners module: referral programs, codes, referrals and sales claims.
import { and, eq, gte, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { equalsIf, programTable } from '../../db/rows.ts';
import { referralCodes, referralPrograms, referrals, salesClaims } from './partners-tables.ts';

export type ReferralProgramRow = typeof referralPrograms.$inferSelect;
export type ReferralCodeRow = typeof referralCodes.$inferSelect;
export type ReferralRow = typeof referrals.$inferSelect;
export type ClaimRow = typeof salesClaims.$inferSelect;

const programRows = programTable(referralPrograms, referralPrograms.code);
export const insertReferralProgram = programRows.insert;
export const findReferralProgram = programRows.find;
export const lockReferralProgram = programRows.lock;
export const updateReferralProgram = programRows.update;
export const listReferralPrograms = programRows.lister<Record<string, never>>(() => []);

/** The program's active referral programs (what the events' hook caches). */
export function activeReferralPrograms(db: Executor, programId: string): Promise<ReferralProgramRow[]> {
  return db
    .select()
    .from(referralPrograms)
    .where(and(eq(referralPrograms.programId, programId), eq(referralPrograms.active, true)))
    .orderBy(referralPrograms.code);
}

const codeRows = programTable(referralCodes, referralCodes.code);
export const insertReferralCode = codeRows.insert;
export const findReferralCode = codeRows.find;
export const lockReferralCode = codeRows.lock;
export const updateReferralCode = codeRows.update;
export const listReferralCodes = codeRows.lister(
  (f: { accountId?: string; referralProgram?: string; campaign?: string }) => [
    equalsIf(referralCodes.accountId, f.accountId),
    equalsIf(referralCodes.referralProgram, f.referralProgram),
    equalsIf(referralCodes.campaign, f.campaign),
  ],
);

const referralRows = programTable(referrals, referrals.id);
export const insertReferral = referralRows.insert;
export const findReferral = referralRows.find;
export const lockReferral = referralRows.lock;
export const updateReferral = referralRows.update;
export const listReferrals = referralRows.lister(
  (f: { referrerAccountId?: string; status?: string; referralProgram?: string; campaign?: string }) => [
    equalsIf(referrals.referrerAccountId, f.referrerAccountId),
    equalsIf(referrals.status, f.status),
    equalsIf(referrals.referralProgram, f.referralProgram),
    equalsIf(referrals.campaign, f.campaign),
  ],
);

export function referralOf(
  db: Executor,
  programId: string,
  referredAccountId: string,
): Promise<ReferralRow | undefined> {
  return referralRows.findWhere(db, programId, eq(referrals.referredAccountId, referredAccountId));
}

/** The referrals of these referred accounts that have not met their qualifying event yet. */
export function unconvertedReferralsOf(
  db: Executor,
  programId: string,
  referredAccountIds: string[],
): Promise<ReferralRow[]> {
  return db
    .select()
    .from(referrals)
    .where(
      and(
        eq(referrals.programId, programId),
        inArray(referrals.referredAccountId, referredAccountIds),
        inArray(referrals.status, ['pending', 'review']),
        isNull(referrals.conversionEventId),
      ),
    );
}

/** How many referrals of the referrer meet the conditions. */
async function countReferrals(
  db: Executor,
  programId: string,
  referrerAccountId: string,
  ...conditions: SQL[]
): Promise<number> {
  const [row] = await db
    .select({ n: sql<string>`count(*)` })
    .from(referrals)
    .where(
      and(
        eq(referrals.programId, programId),
        eq(referrals.referrerAccountId, referrerAccountId),
        ...conditions,
      ),
    );
  return Number(row?.n ?? 0);
}

/** How many referrals the referrer made since `since` (the velocity guard). */
export function referralsSince(
  db: Executor,
  programId: string,
  referrerAccountId: string,
  since: Date,
): Promise<number> {
  return countReferrals(db, programId, referrerAccountId, gte(referrals.attributedAt, since));
}

/** How many referrals of the referrer converted in the referral program (tiered rewards' rank). */
export function convertedCount(
  db: Executor,
  programId: string,
  referrerAccountId: string,
  referralProgram: string,
): Promise<number> {
  return countReferrals(
    db,
    programId,
    referrerAccountId,
    eq(referrals.referralProgram, referralProgram),
    eq(referrals.status, 'converted'),
  );
}

export interface FunnelCounts {
  codesIssued: number;
  attributed: number;
  inReview: number;
  converted: number;
  rewarded: number;
  rejected: number;
}

/** The funnel of a program's referrals (optionally of one referral program and/or campaign). */
export async function funnelCounts(
  db: Executor,
  programId: string,
  filters: { referralProgram?: string; campaign?: string },
): Promise<FunnelCounts> {
  const [codes] = await db
    .select({ n: sql<string>`count(*)` })
    .from(referralCodes)
    .where(
      and(
        eq(referralCodes.programId, programId),
        equalsIf(referralCodes.referralProgram, filters.referralProgram),
        equalsIf(referralCodes.campaign, filters.campaign),
      ),
    );
  const [r] = await db
    .select({
      attributed: sql<string>`count(*)`,
      inReview: sql<string>`count(*) filter (where ${referrals.status} = 'review')`,
      converted: sql<string>`count(*) filter (where ${referrals.status} = 'converted')`,
      rewarded: sql<string>`count(*) filter (where ${referrals.status} = 'converted' and (${referrals.referrerEntryId} is not null or ${referrals.referredEntryId} is not null))`,
      rejected: sql<string>`count(*) filter (where ${referrals.status} = 'rejected')`,
    })
    .from(referrals)
    .where(
      and(
        eq(referrals.programId, programId),
        equalsIf(referrals.referralProgram, filters.referralProgram),
        equalsIf(referrals.campaign, filters.campaign),
      ),
    );
  return {
    codesIssued: Number(codes?.n ?? 0),
    attributed: Number(r?.attributed ?? 0),
    inReview: Number(r?.inReview ?? 0),
    converted: Number(r?.converted ?? 0),
    rewarded: Number(r?.rewarded ?? 0),
    rejected: Number(r?.rejected ?? 0),
  };
}

const claimRows = programTable(salesClaims, salesClaims.id);
export const insertClaim = claimRows.insert;
export const findClaim = claimRows.find;
export const lockClaim = claimRows.lock;
export const updateClaim = claimRows.update;
export const listClaims = claimRows.lister((f: { status?: string; accountId?: string }) => [
  equalsIf(salesClaims.status, f.status),
  equalsIf(salesClaims.accountId, f.accountId),
]);

export function claimByInvoice(
  db: Executor,
  programId: string,
  invoiceKey: string,
): Promise<ClaimRow | undefined> {
  return claimRows.findWhere(db, programId, eq(salesClaims.invoiceKey, invoiceKey));
}
