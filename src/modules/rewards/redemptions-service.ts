// Redemptions: request (a ledger hold and a unit of stock, atomically), approval by the account's
// approvers or the operator, fulfilment, and the ways back (rejection, cancellation, failure), each
// one transaction that also writes the audit record and the domain event. The use cases live in the
// redemptions-<verb>.ts files; this factory binds them to their dependencies.
import { type Actor, actorName } from '../../core/access.ts';
import type { Database } from '../../db/client.ts';
import { bindUseCases } from '../../lib/use-cases.ts';
import type { OutboxService } from '../outbox/outbox-service.ts';
import { cancelRedemption, cancelTimedOut } from './redemptions-cancel.ts';
import { approveRedemption, rejectRedemption } from './redemptions-decide.ts';
import { failRedemption, fulfilRedemption } from './redemptions-fulfil.ts';
import { freeIssueProblem, issueFree } from './redemptions-issue.ts';
import { getRedemption, redemptionEventPage, redemptionPage } from './redemptions-list.ts';
import { requestRedemption } from './redemptions-request.ts';
import type { CatalogServices, RewardService } from './rewards-service.ts';

/** Who acts on a redemption: the actor its records name, and whether that is the operator's staff. */
export interface RedemptionActor {
  actor: Actor;
  /** It has the admin scope: the operator's staff. */
  admin: boolean;
}

/** How a redemption names an actor that requests or decides without a contact: `key:<key id>`. */
export function staffName(actor: Actor): string {
  return actor.kind === 'key' ? `key:${actor.keyId}` : actorName(actor);
}

/** The services the redemption use cases use: the catalog's, and the catalog itself. */
export interface RedemptionServices extends CatalogServices {
  rewards: RewardService;
  /** Where transitions are announced to webhooks (decision 0016); none in tests that need none. */
  outbox?: Pick<OutboxService, 'emit'>;
}

/** What every redemption use case takes first. */
export interface RedemptionDeps extends RedemptionServices {
  database: Database;
}

export function createRedemptionService(database: Database, services: RedemptionServices) {
  const d: RedemptionDeps = { database, ...services };
  return bindUseCases(d, {
    get: getRedemption,
    list: redemptionPage,
    events: redemptionEventPage,
    request: requestRedemption,
    approve: approveRedemption,
    reject: rejectRedemption,
    cancel: cancelRedemption,
    runDue: cancelTimedOut,
    fulfil: fulfilRedemption,
    fail: failRedemption,
    /** A reward issued free in the caller's transaction (a challenge completion, an automation firing). */
    issueFree,
    freeIssueProblem,
  });
}

export type RedemptionService = ReturnType<typeof createRedemptionService>;
