// Reading memberships: one with its terms and entitlements, lists and event logs in pages, an
// account's entitlements, the entitlement check, and the active plans other modules ask about.

import { FidelisError } from '../../core/errors.ts';
import { fetchPage } from '../../core/pagination.ts';
import type { Executor } from '../../db/client.ts';
import { accountIdsWhere } from '../accounts/accounts-reads.ts';
import type { ListMembershipsInput } from './memberships-schemas.ts';
import {
  activePlansOf,
  checkEntitlement,
  entitlementsOfAccount,
  eventsOf,
  findMembership,
  findPlan,
  grantsHeld,
  listMemberships,
} from './memberships-store.ts';
import { detail, existingMembership, existingPlan, type MembershipDeps } from './memberships-terms.ts';
import { usesInTerms } from './memberships-uses-store.ts';
import { iso, toEntitlement, toEvent, toMembership } from './memberships-views.ts';

type PageQuery = { limit?: number; cursor?: string };

export async function getMembership({ database }: MembershipDeps, programId: string, membershipId: string) {
  const row = existingMembership(await findMembership(database.db, programId, membershipId), membershipId);
  return detail(database.db, programId, row);
}

export async function listOf(
  deps: MembershipDeps,
  programId: string,
  query: ListMembershipsInput & { planId?: string; accountId?: string },
) {
  const { database, accounts } = deps;
  const accountId = query.accountId ?? (await accounts.idOf(programId, query.account));
  const planId = query.planId ?? query.plan;
  if (query.planId !== undefined)
    existingPlan(await findPlan(database.db, programId, query.planId), query.planId);
  // Plan members by segment, country and tier (decision 0024): subqueries of the accounts' and the
  // tiers' reads, so the page stays one keyset query.
  const accountsIn = [];
  if (query.segment !== undefined || query.country !== undefined)
    accountsIn.push(
      accountIdsWhere(programId, {
        ...(query.segment !== undefined && { segments: [query.segment] }),
        ...(query.country !== undefined && { countries: [query.country] }),
      }),
    );
  if (query.tier !== undefined) {
    if (!deps.tierAccountIds) throw new Error('memberships was built without the tier members port');
    accountsIn.push(deps.tierAccountIds(programId, query.tier));
  }
  const filters = { accountId, planId, status: query.status, accountsIn };
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
  const page = await fetchPage(
    query,
    (after, limit) => entitlementsOfAccount(database.db, programId, account.id, after, limit),
    (r) => ({ row: r, view: toEntitlement(r.entitlement, now, r.renews) }),
    (r) => r.entitlement.id,
  );
  // The uses of the page's entitlements in their memberships' current terms: one query (decision 0056).
  const used = await usesInTerms(
    database.db,
    programId,
    page.data.map(({ row }) => ({ entitlementId: row.entitlement.id, term: row.term })),
  );
  return { ...page, data: page.data.map(({ view }) => ({ ...view, used: used.get(view.id) ?? 0 })) };
}

/** Where an entitlement comes from: a membership's plan, a tier's perks, or a grant by hand. */
export type EntitlementSource =
  | { kind: 'membership'; membershipId: string; planId: string; until: string | null }
  | { kind: 'tier'; ladderId: string; ladder: string; tier: string; until: null }
  | { kind: 'grant'; grantId: string; until: string | null };

/**
 * Does the account hold the entitlement now, from any source (decision 0024)? Its memberships (one
 * indexed query), the perks of the tiers it holds (the tiers port) and grants by hand; `sources` lists
 * every one that grants it (membership, tier, grant, in that order), `source` the first. An unknown
 * account is account_not_found.
 */
export async function check(
  { database, tierStanding }: MembershipDeps,
  programId: string,
  accountRef: string,
  key: string,
  now = new Date(),
) {
  const row = await checkEntitlement(database.db, programId, accountRef, key, now);
  if (!row) throw new FidelisError('account_not_found', `No account ${accountRef}`);
  const sources: EntitlementSource[] = [];
  if (row.membershipId !== null)
    sources.push({
      kind: 'membership',
      membershipId: row.membershipId,
      planId: row.planId!,
      until: iso(row.validUntil),
    });
  for (const t of tierStanding ? await tierStanding(programId, row.accountId) : [])
    if (t.perks.includes(key))
      sources.push({ kind: 'tier', ladderId: t.ladderId, ladder: t.ladder, tier: t.tier, until: null });
  for (const g of await grantsHeld(database.db, programId, row.accountId, key, now))
    sources.push({ kind: 'grant', grantId: g.id, until: iso(g.validUntil) });
  const first = sources[0] ?? null;
  return { granted: first !== null, key, until: first?.until ?? null, source: first, sources };
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
