// What every engagement use case shares: the service's dependencies and the views it answers.

import { FidelisError } from '../../core/errors.ts';
import type { RfmFacts } from '../../core/rules/condition.ts';
import type { Database } from '../../db/client.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { EventTypeService } from '../event-types/event-types-service.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import type { OutboxService } from '../outbox/outbox-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { RedemptionService } from '../rewards/redemptions-service.ts';
import type { TierService } from '../tiers/tiers-service.ts';
import type { BadgeAwardRow, BadgeRow, ChallengeRow, LeaderboardRow } from './engagement-store.ts';

/** What the engagement use cases are given (built once by createEngagementService). */
export interface EngagementDeps {
  database: Database;
  programs: ProgramService;
  accounts: AccountService;
  contacts: ContactService;
  eventTypes: EventTypeService;
  ledger: LedgerService;
  tiers: TierService;
  audit: AuditService;
  /** Completions and badge awards are announced (challenge.completed, badge.awarded) in their transaction. */
  outbox?: Pick<OutboxService, 'emit'>;
  /** RFM scores for audiences on `account.rfm` (insight, wired in app/compose.ts; decision 0039). */
  rfmOf?: (programId: string, accountIds: string[]) => Promise<Map<string, RfmFacts>>;
  /** Catalog rewards issued free by completions and firings (rewards' redemptions, wired in app/compose.ts; decision 0041). */
  redemptions?: Pick<RedemptionService, 'issueFree' | 'freeIssueProblem'>;
}

export function toBadge(row: BadgeRow) {
  return {
    code: row.code,
    name: row.name,
    description: row.description,
    imageUrl: row.imageUrl,
    translations: row.translations,
    validDays: row.validDays,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type BadgeView = ReturnType<typeof toBadge>;

export function toAward(row: BadgeAwardRow, badge: BadgeView, now: Date) {
  return {
    id: row.id,
    badge,
    accountId: row.accountId,
    contactId: row.contactId,
    awardedAt: row.awardedAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    expired: row.expiresAt !== null && row.expiresAt <= now,
    source: row.source,
    sourceKey: row.sourceKey,
    note: row.note,
  };
}
export type AwardView = ReturnType<typeof toAward>;

export function toChallenge(row: ChallengeRow) {
  return {
    code: row.code,
    version: row.version,
    ...row.document,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type ChallengeView = ReturnType<typeof toChallenge>;

export function toLeaderboard(row: LeaderboardRow) {
  return {
    code: row.code,
    ...row.document,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function existing<R>(
  row: R | undefined,
  code: 'badge' | 'challenge' | 'leaderboard' | 'automation',
  ref: string,
): R {
  if (!row) throw new FidelisError(`${code}_not_found`, `No ${code} ${ref}`);
  return row;
}
