// Reading memberships: one with its terms and entitlements, lists and event logs in pages, an
// account's entitlements, the entitlement check, and the active plans other modules ask about.
import { FidelisError } from '../../core/errors.ts';
import { afterCursor, DEFAULT_LIMIT, toPage } from '../../core/pagination.ts';
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
  const limit = query.limit ?? DEFAULT_LIMIT;
  const accountId =
    query.accountId ??
    (query.account === undefined ? undefined : (await accounts.resolve(programId, query.account)).id);
  const planId = query.planId ?? query.plan;
  if (query.planId !== undefined)
    existingPlan(await findPlan(database.db, programId, query.planId), query.planId);
  const rows = await listMemberships(
    database.db,
    programId,
    { accountId, planId, status: query.status },
    afterCursor(query.cursor),
    limit + 1,
  );
  return toPage(rows, limit, toMembership);
}

export async function eventsOfMembership(
  { database }: MembershipDeps,
  programId: string,
  membershipId: string,
  query: PageQuery,
) {
  existingMembership(await findMembership(database.db, programId, membershipId), membershipId);
  const limit = query.limit ?? DEFAULT_LIMIT;
  const rows = await eventsOf(database.db, programId, membershipId, afterCursor(query.cursor), limit + 1);
  return toPage(rows, limit, toEvent);
}

export async function entitlementsOf(
  { database, accounts }: MembershipDeps,
  programId: string,
  accountRef: string,
  query: PageQuery,
  now = new Date(),
) {
  const account = await accounts.resolve(programId, accountRef);
  const limit = query.limit ?? DEFAULT_LIMIT;
  const rows = await entitlementsOfAccount(
    database.db,
    programId,
    account.id,
    afterCursor(query.cursor),
    limit + 1,
  );
  return toPage(
    rows,
    limit,
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
