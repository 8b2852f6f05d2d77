// Tier ladders: qualification by a metric over a window, upgrades on activity, period-end
// requalification with grace and soft landing, overrides and freezes, and the scheduled evaluation.
// The factory binds the use cases (tiers-<verb>.ts) to the service's dependencies.
import type { Database } from '../../db/client.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { EventTypeService } from '../event-types/event-types-service.ts';
import type { OutboxService } from '../outbox/outbox-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import { runDue } from './tiers-due.ts';
import { createLadder, getLadder, ladderViews, updateLadder, validateLadder } from './tiers-ladders.ts';
import { recordActivities, recordRelationships, setMetricValues } from './tiers-lift.ts';
import { tierMembers } from './tiers-members.ts';
import { liftOverride, override } from './tiers-override.ts';
import { currentTiers, history, progress, standingAt, standingOf, tiersAt } from './tiers-standing.ts';
import type { TierDeps } from './tiers-status.ts';

export function createTierService(
  database: Database,
  programs: ProgramService,
  accounts: AccountService,
  eventTypes: EventTypeService,
  audit: AuditService,
  outbox?: Pick<OutboxService, 'emit'>,
) {
  const deps: TierDeps = { database, programs, accounts, eventTypes, audit, ...(outbox ? { outbox } : {}) };
  const bind =
    <A extends unknown[], R>(useCase: (deps: TierDeps, ...args: A) => R) =>
    (...args: A): R =>
      useCase(deps, ...args);
  return {
    /** A ladder document, or ladder_invalid naming each problem under `prefix`. */
    validate: (programId: string, document: unknown, prefix: string) =>
      validateLadder(deps, programId, document, prefix),
    createLadder: bind(createLadder),
    updateLadder: bind(updateLadder),
    getLadder: bind(getLadder),
    listLadders: bind(ladderViews),
    members: bind(tierMembers),
    recordActivities: bind(recordActivities),
    /** New relationships: the managing accounts' tiers on ladders of managed accounts (decision 0047). */
    recordRelationships: bind(recordRelationships),
    setMetricValues: bind(setMetricValues),
    override: bind(override),
    liftOverride: bind(liftOverride),
    runDue: bind(runDue),
    progress: bind(progress),
    history: bind(history),
    tiersAt: bind(tiersAt),
    currentTiers: bind(currentTiers),
    standingOf: bind(standingOf),
    /** Where the account stood on every ladder at an instant, from the history (statements). */
    standingAt: bind(standingAt),
  };
}

export type TierService = ReturnType<typeof createTierService>;
