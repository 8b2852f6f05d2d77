// Membership SQL, nothing else: every query filters on the program.

import type { SQL } from 'drizzle-orm';
import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { type Executor, selectRows } from '../../db/client.ts';
import { equalsIf, programTable } from '../../db/rows.ts';
import { accountByRef } from '../accounts/accounts-reads.ts';
import {
  entitlementGrants,
  entitlements,
  type MembershipStatus,
  membershipEvents,
  membershipPlans,
  membershipPlanVersions,
  memberships,
  membershipTerms,
  type PlanDefinition,
  type PlanStatus,
} from './memberships-tables.ts';

export type PlanRow = typeof membershipPlans.$inferSelect;
export type MembershipRow = typeof memberships.$inferSelect;
export type NewMembershipRow = typeof memberships.$inferInsert;
export type TermRow = typeof membershipTerms.$inferSelect;
export type EventRow = typeof membershipEvents.$inferSelect;
export type NewEventRow = typeof membershipEvents.$inferInsert;
export type EntitlementRow = typeof entitlements.$inferSelect;
export type NewEntitlementRow = typeof entitlements.$inferInsert;

// Plans

const plans = programTable(membershipPlans, membershipPlans.id);
const planVersions = programTable(membershipPlanVersions, membershipPlanVersions.planId);
const membershipRows = programTable(memberships, memberships.id);

export const insertPlan = plans.insert;
export const insertPlanVersion = planVersions.insert;
export const findPlan = plans.find;
/** The plan, locked for the transaction. */
export const lockPlan = plans.lock;

export function findPlanVersion(db: Executor, programId: string, planId: string, version: number) {
  return planVersions.findWhere(
    db,
    programId,
    eq(membershipPlanVersions.planId, planId),
    eq(membershipPlanVersions.version, version),
  );
}

export async function updatePlanRow(
  db: Executor,
  programId: string,
  id: string,
  changes: { status?: PlanStatus; version?: number; definition?: PlanDefinition },
): Promise<PlanRow> {
  return (await plans.update(db, programId, id, { ...changes, updatedAt: sql`now()` }))!;
}

export async function deletePlanRow(db: Executor, programId: string, id: string): Promise<void> {
  await db.delete(membershipPlanVersions).where(planVersions.key(programId, id));
  await db.delete(membershipPlans).where(plans.key(programId, id));
}

export const listPlans = plans.lister((f: { status?: PlanStatus }) => [
  equalsIf(membershipPlans.status, f.status),
]);

export async function planHasMemberships(db: Executor, programId: string, planId: string): Promise<boolean> {
  return (await membershipRows.findWhere(db, programId, eq(memberships.planId, planId))) !== undefined;
}

// Memberships

export const insertMembership = membershipRows.insert;
export const findMembership = membershipRows.find;
/** The membership, locked for the transaction (every transition reads it so). */
export const lockMembership = membershipRows.lock;

/** The pending or active membership of an account in a plan (at most one, by a unique index). */
export function findLiveMembership(db: Executor, programId: string, accountId: string, planId: string) {
  return membershipRows.findWhere(
    db,
    programId,
    eq(memberships.accountId, accountId),
    eq(memberships.planId, planId),
    inArray(memberships.status, ['pending', 'active']),
  );
}

export async function updateMembershipRow(
  db: Executor,
  programId: string,
  id: string,
  changes: Partial<Pick<MembershipRow, 'status' | 'startsAt' | 'endsAt' | 'term' | 'note'>>,
): Promise<MembershipRow> {
  return (await membershipRows.update(db, programId, id, { ...changes, updatedAt: sql`now()` }))!;
}

export const listMemberships = membershipRows.lister(
  (f: {
    accountId?: string;
    planId?: string;
    status?: MembershipStatus;
    /** Subqueries of account ids the members must be among (segment and country, tier). */
    accountsIn?: SQL[];
  }) => [
    equalsIf(memberships.accountId, f.accountId),
    equalsIf(memberships.planId, f.planId),
    equalsIf(memberships.status, f.status),
    ...(f.accountsIn ?? []).map((ids) => sql`${memberships.accountId} in ${ids}`),
  ],
);

/** Active memberships whose current term ended by `asOf`, soonest first. */
export async function dueMemberships(
  db: Executor,
  programId: string,
  asOf: Date,
  limit: number,
): Promise<MembershipRow[]> {
  return db
    .select()
    .from(memberships)
    .where(
      and(
        eq(memberships.programId, programId),
        eq(memberships.status, 'active'),
        lte(memberships.endsAt, asOf),
      ),
    )
    .orderBy(asc(memberships.endsAt), asc(memberships.id))
    .limit(limit);
}

/** The plans of an account's active memberships at `at` (an auto-renewing one past its end awaits the due run). */
export async function activePlansOf(db: Executor, programId: string, accountId: string, at: Date) {
  return selectRows<{ planId: string; name: string; membershipId: string; endsAt: Date | string }>(
    db,
    sql`select m.plan_id as "planId", v.definition->>'name' as "name", m.id as "membershipId", m.ends_at as "endsAt"
        from memberships m
        join membership_plan_versions v
          on v.program_id = m.program_id and v.plan_id = m.plan_id and v.version = m.plan_version
        where m.program_id = ${programId} and m.account_id = ${accountId} and m.status = 'active'
          and m.starts_at <= ${at} and (m.ends_at > ${at} or m.renewal = 'auto')
        order by m.id`,
  );
}

// Terms and events

const terms = programTable(membershipTerms, membershipTerms.membershipId);
const eventRows = programTable(membershipEvents, membershipEvents.id);
const entitlementRows = programTable(entitlements, entitlements.id);

export const insertTerm = terms.insert;

export async function termsOf(db: Executor, programId: string, membershipId: string): Promise<TermRow[]> {
  return db
    .select()
    .from(membershipTerms)
    .where(terms.key(programId, membershipId))
    .orderBy(asc(membershipTerms.term));
}

export const insertEvents = eventRows.insertMany;

export function eventsOf(
  db: Executor,
  programId: string,
  membershipId: string,
  after: string | undefined,
  limit: number,
): Promise<EventRow[]> {
  return eventRows.page(db, programId, [eq(membershipEvents.membershipId, membershipId)], after, limit);
}

// Entitlements

export const insertEntitlements = entitlementRows.insertMany;

export async function entitlementsOfMembership(
  db: Executor,
  programId: string,
  membershipId: string,
): Promise<EntitlementRow[]> {
  return db
    .select()
    .from(entitlements)
    .where(and(eq(entitlements.programId, programId), eq(entitlements.membershipId, membershipId)))
    .orderBy(asc(entitlements.key));
}

/** An account's entitlements, each with whether its membership renews itself (active, auto) and its term. */
export async function entitlementsOfAccount(
  db: Executor,
  programId: string,
  accountId: string,
  after: string | undefined,
  limit: number,
): Promise<Array<{ entitlement: EntitlementRow; renews: boolean; term: number }>> {
  const where = [eq(entitlements.programId, programId), eq(entitlements.accountId, accountId)];
  if (after) where.push(gt(entitlements.id, after));
  const rows = await db
    .select({
      entitlement: entitlements,
      status: memberships.status,
      renewal: memberships.renewal,
      term: memberships.term,
    })
    .from(entitlements)
    .innerJoin(
      memberships,
      and(eq(memberships.programId, entitlements.programId), eq(memberships.id, entitlements.membershipId)),
    )
    .where(and(...where))
    .orderBy(asc(entitlements.id))
    .limit(limit);
  return rows.map((r) => ({
    entitlement: r.entitlement,
    renews: r.status === 'active' && r.renewal === 'auto',
    term: r.term,
  }));
}

/** Moves the end of the membership's term-bound entitlements (not free periods) to `until`. */
export async function extendEntitlements(
  db: Executor,
  programId: string,
  membershipId: string,
  until: Date,
): Promise<void> {
  await db
    .update(entitlements)
    .set({ validUntil: until, updatedAt: sql`now()` })
    .where(
      and(
        eq(entitlements.programId, programId),
        eq(entitlements.membershipId, membershipId),
        sql`${entitlements.kind} <> 'free_period'`,
      ),
    );
}

/** Ends every entitlement of the membership at `at` at the latest (a cancellation or a lapse). */
export async function endEntitlements(db: Executor, programId: string, membershipId: string, at: Date) {
  await db
    .update(entitlements)
    .set({
      validUntil: sql`greatest(${entitlements.validFrom}, least(${entitlements.validUntil}, ${at}))`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(entitlements.programId, programId), eq(entitlements.membershipId, membershipId)));
}

export async function setEntitlementEntry(
  db: Executor,
  programId: string,
  membershipId: string,
  key: string,
  entryId: string,
): Promise<void> {
  await db
    .update(entitlements)
    .set({ ledgerEntryId: entryId, updatedAt: sql`now()` })
    .where(
      and(
        eq(entitlements.programId, programId),
        eq(entitlements.membershipId, membershipId),
        eq(entitlements.key, key),
      ),
    );
}

export interface EntitlementCheckRow {
  accountId: string;
  key: string | null;
  validUntil: Date | string | null;
  membershipId: string | null;
  planId: string | null;
}

/**
 * The entitlement check, one statement: the account (by id or externalId) and, beside it, the
 * entitlement it holds at `at` with this key that lasts longest (none → nulls). No row: no account.
 */
export async function checkEntitlement(
  db: Executor,
  programId: string,
  accountRef: string,
  key: string,
  at: Date,
): Promise<EntitlementCheckRow | undefined> {
  const [row] = await selectRows<EntitlementCheckRow>(
    db,
    sql`select a.id as "accountId", e.key as "key", e.valid_until as "validUntil",
               e.membership_id as "membershipId", e.plan_id as "planId"
        from ${accountByRef(programId, accountRef)} a
        left join lateral (
          select en.key, en.valid_until, en.membership_id, me.plan_id from entitlements en
          join memberships me on me.program_id = en.program_id and me.id = en.membership_id
          where en.program_id = a.program_id and en.account_id = a.id and en.key = ${key}
            and en.valid_from <= ${at}
            and (en.valid_until > ${at}
                 -- past its term end, an auto-renewing membership keeps granting until the due run renews it
                 or (me.status = 'active' and me.renewal = 'auto' and en.kind <> 'free_period'))
          order by en.valid_until desc limit 1
        ) e on true`,
  );
  return row;
}

// Manual grants (decision 0024)

export type GrantRow = typeof entitlementGrants.$inferSelect;
const grantRows = programTable(entitlementGrants, entitlementGrants.id);

export const insertGrant = grantRows.insert;
export const findGrant = grantRows.find;
export const lockGrant = grantRows.lock;
export const updateGrant = grantRows.update;

export function grantsOfAccount(
  db: Executor,
  programId: string,
  accountId: string,
  after: string | undefined,
  limit: number,
): Promise<GrantRow[]> {
  return grantRows.page(db, programId, [eq(entitlementGrants.accountId, accountId)], after, limit);
}

/** The unrevoked grants of this key the account holds at `at`, open-ended first, then latest end. */
export async function grantsHeld(
  db: Executor,
  programId: string,
  accountId: string,
  key: string,
  at: Date,
): Promise<GrantRow[]> {
  return db
    .select()
    .from(entitlementGrants)
    .where(
      and(
        eq(entitlementGrants.programId, programId),
        eq(entitlementGrants.accountId, accountId),
        eq(entitlementGrants.key, key),
        isNull(entitlementGrants.revokedAt),
        lte(entitlementGrants.validFrom, at),
        or(isNull(entitlementGrants.validUntil), gt(entitlementGrants.validUntil, at)),
      ),
    )
    .orderBy(sql`${entitlementGrants.validUntil} desc nulls first`, asc(entitlementGrants.id));
}
