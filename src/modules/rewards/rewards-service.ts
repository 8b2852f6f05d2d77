// The rewards catalog: rewards, their code pools and sessions, and browsing with eligibility and
// affordability resolved for an account. The use cases live in the rewards-<verb>.ts files; this
// factory binds them to their dependencies.
import type { Database } from '../../db/client.ts';
import { bindUseCases } from '../../lib/use-cases.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { FxService } from '../fx/fx-service.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import { addSession, rewardSessions } from './rewards-add-session.ts';
import { listCatalog } from './rewards-browse.ts';
import { createReward } from './rewards-create.ts';
import { codesFromCsv, importCodes } from './rewards-import-codes.ts';
import { updateReward } from './rewards-update.ts';
import { getReward, loadReward } from './rewards-view.ts';

/**
 * What the rewards module needs to know about an account beyond the account itself: its tier and
 * its memberships, its RFM segment, and the display names of tier codes (for the reasons people read), from modules
 * that come later in the module order (the composition root wires it).
 */
export type EligibilityFacts = (
  programId: string,
  accountId: string,
) => Promise<{
  tier: string | null;
  memberships: string[];
  tierNames?: ReadonlyMap<string, string>;
  /** The account's RFM segment as of the last refresh, null when never scored (decision 0039). */
  rfmSegment?: string | null;
}>;

/** The services the catalog's use cases use. */
export interface CatalogServices {
  programs: ProgramService;
  accounts: AccountService;
  contacts: ContactService;
  ledger: LedgerService;
  audit: AuditService;
  fx: FxService;
  eligibilityFacts: EligibilityFacts;
}

/** What every use case of the catalog takes first. */
export interface RewardDeps extends CatalogServices {
  database: Database;
}

export function createRewardService(database: Database, services: CatalogServices) {
  const d: RewardDeps = { database, ...services };
  const useCases = bindUseCases(d, {
    load: loadReward,
    create: createReward,
    get: getReward,
    update: updateReward,
    importCodes,
    addSession,
    sessions: rewardSessions,
    list: listCatalog,
  });
  return { ...useCases, codesFromCsv };
}

export type RewardService = ReturnType<typeof createRewardService>;
