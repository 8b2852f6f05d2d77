// Membership plans, memberships and their entitlements: joining (by contract, purchase or approval),
// activation, renewal and lapse by the due run, cancellation. Every transition is one transaction that
// writes the membership, its terms (the charges), its entitlements, its service credits (ledger) and
// an append-only event. The factory binds the use cases (memberships-<verb>.ts) to its dependencies.
import type { Database } from '../../db/client.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import type { OutboxService } from '../outbox/outbox-service.ts';
import { runDue } from './memberships-due.ts';
import { getGrant, grantEntitlement, grantsOf, revokeGrant } from './memberships-grants.ts';
import { approve, cancel, join, reject } from './memberships-join.ts';
import { archivePlan, createPlan, deletePlan, getPlan, plansOf, updatePlan } from './memberships-plans.ts';
import {
  activePlans,
  check,
  entitlementsOf,
  eventsOfMembership,
  getMembership,
  listOf,
} from './memberships-read.ts';
import type {
  MembershipDeps,
  QualifyingSpend,
  TierAccountIds,
  TierLadders,
  TierStanding,
} from './memberships-terms.ts';
import { useEntitlement } from './memberships-uses.ts';

export function createMembershipService(
  database: Database,
  accounts: AccountService,
  ledger: LedgerService,
  audit: AuditService,
  outbox?: Pick<OutboxService, 'emit'>,
  ports: {
    tierStanding?: TierStanding;
    tierLadders?: TierLadders;
    qualifyingSpend?: QualifyingSpend;
    tierAccountIds?: TierAccountIds;
  } = {},
) {
  const deps: MembershipDeps = {
    database,
    accounts,
    ledger,
    audit,
    ...(outbox ? { outbox } : {}),
    ...(ports.tierStanding ? { tierStanding: ports.tierStanding } : {}),
    ...(ports.tierLadders ? { tierLadders: ports.tierLadders } : {}),
    ...(ports.qualifyingSpend ? { qualifyingSpend: ports.qualifyingSpend } : {}),
    ...(ports.tierAccountIds ? { tierAccountIds: ports.tierAccountIds } : {}),
  };
  const bind =
    <A extends unknown[], R>(useCase: (deps: MembershipDeps, ...args: A) => R) =>
    (...args: A): R =>
      useCase(deps, ...args);
  return {
    // Plans
    createPlan: bind(createPlan),
    getPlan: bind(getPlan),
    listPlans: bind(plansOf),
    updatePlan: bind(updatePlan),
    archivePlan: bind(archivePlan),
    deletePlan: bind(deletePlan),
    // Memberships
    join: bind(join),
    approve: bind(approve),
    reject: bind(reject),
    cancel: bind(cancel),
    get: bind(getMembership),
    list: bind(listOf),
    events: bind(eventsOfMembership),
    // Entitlements
    entitlementsOf: bind(entitlementsOf),
    check: bind(check),
    useEntitlement: bind(useEntitlement),
    grant: bind(grantEntitlement),
    revokeGrant: bind(revokeGrant),
    getGrant: bind(getGrant),
    grantsOf: bind(grantsOf),
    activePlansOf: bind(activePlans),
    // The due run
    runDue: bind(runDue),
  };
}

export type MembershipService = ReturnType<typeof createMembershipService>;
