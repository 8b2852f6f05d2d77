// Reading memberships: one with its terms and entitlements, lists and event logs in pages, an
// account's entitlements, the entitlement check, and the active plans other modules ask about.
import { FidelisError } from '../../core/errors.ts';
import { fetchPage } from '../../core/pagination.ts';
import type { Executor } from '../../db/client.ts';
import type { ListMembershipsInput } from './memberships-schemas.ts';
import {
  activePlansOf,
  checkEntitlement,
  entitlementsOfAccount,
  eventsOf,
  findMembership,
  findPlan,
  listMemberships,
} from './memberships-store.ts';
import { detail, existingMembership, existingPlan, type MembershipDeps } from './memberships-terms.ts';
import { iso, toEntitlement, toEvent, toMembership } from './memberships-views.ts';

type PageQuery = { limit?: number; cursor?: string };

export async function getMembership({ database }: MembershipDeps, programId: string, membershipId: string) {
  const row = existingMembership(await findMembership(database.db, programId, membershipId), membershipId);
  return detail(database.db, programId, row);
}

export async function listOf(
  { database, accounts }: MembershipDeps,
  programId: string,
  query: ListMembershipsInput & { planId?: string; accountId?: string },
) {
  const accountId = query.accountId ?? (await accounts.idOf(programId, query.account));
  const planId = query.planId ?? query.plan;
  if (query.planId !== undefined)
    existingPlan(await findPlan(database.db, programId, query.planId), query.planId);
  const filters = { accountId, planId, status: query.status };
  return fetchPage(
    query,
    (after, limit) => listMemberships(database.db, programId, filters, after, limit),
    toMembership,
  );
}

export async function eventsOfMembership(
  { database }: MembershipDeps,
  programId: string,
  membershipId: string,
  query: PageQuery,
) {
  existingMembership(await findMembership(database.db, programId, membershipId), membershipId);
  return fetchPage(
    query,
    (after, limit) => eventsOf(database.db, programId, membershipId, after, limit),
    toEvent,
  );
}

export async function entitlementsOf(
  { database, accounts }: MembershipDeps,
  programId: string,
  accountRef: string,
  query: PageQuery,
  now = new Date(),
) {
  const account = await accounts.resolve(programId, accountRef);
  return fetchPage(
    query,
    (after, limit) => entitlementsOfAccount(database.db, programId, account.id, after, limit),
    (r) => toEntitlement(r.entitlement, now, r.renews),
    (r) => r.entitlement.id,
  );
}

/** Does the account hold the entitlement now? One indexed query; an unknown account is account_not_found. */
export async function check(
  { database }: MembershipDeps,
  programId: string,
  accountRef: string,
  key: string,
  now = new Date(),
) {
  const row = await checkEntitlement(database.db, programId, accountRef, key, now);
  if (!row) throw new FidelisError('account_not_found', `No account ${accountRef}`);
  const granted = row.membershipId !== null;
  return {
    granted,
    key,
    until: granted ? iso(row.validUntil) : null,
    source: granted ? { membershipId: row.membershipId!, planId: row.planId! } : null,
  };
}

/**
 * The plans of the account's active memberships (in their term at `at`), for other modules
 * (reward eligibility, tier benefits). Takes an account id, not an externalId; pass the
 * caller's transaction as `db` when calling from inside one.
 */
export async function activePlans(
  { database }: MembershipDeps,
  programId: string,
  accountId: string,
  at: Date = new Date(),
  db: Executor = database.db,
): Promise<Array<{ planId: string; name: string; membershipId: string; until: Date }>> {
  const rows = await activePlansOf(db, programId, accountId, at);
  return rows.map((r) => ({
    planId: r.planId,
    name: r.name,
    membershipId: r.membershipId,
    until: new Date(r.endsAt),
  }));
}
