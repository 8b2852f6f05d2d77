// What every membership use case shares: the service's dependencies, finding plans and memberships,
// and what a term brings (its charge row, entitlements, service credits and event), written in the
// transaction of the transition that starts it.

import { randomBytes } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import { FidelisError, fieldErrors } from '../../core/errors.ts';
import { encodeRandom } from '../../core/ids.ts';
import { entitlementUntil } from '../../core/memberships/entitlements.ts';
import { type Term, termEnd } from '../../core/memberships/terms.ts';
import type { Database, Executor, Tx } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { LedgerService, PreparedWrite } from '../ledger/ledger-service.ts';
import type { MessageType, OutboxService } from '../outbox/outbox-service.ts';
import {
  entitlementsOfMembership,
  findPlanVersion,
  insertEntitlements,
  insertEvents,
  insertTerm,
  type MembershipRow,
  type PlanRow,
  setEntitlementEntry,
  termsOf,
} from './memberships-store.ts';
import type { MembershipEventType, PlanDefinition } from './memberships-tables.ts';
import { usesInTerms } from './memberships-uses-store.ts';
import { feeOf, toEntitlement, toMembership, toTerm } from './memberships-views.ts';

/** What the membership use cases are given (built once by createMembershipService). */
/**
 * The tiers an account holds now, each with its ladder and perks: a port to the tiers module (a later
 * one), wired in app/compose.ts. Tier perks answer the entitlement check (decision 0024).
 */
export type TierStanding = (
  programId: string,
  accountId: string,
) => Promise<Array<{ ladderId: string; ladder: string; tier: string; perks: string[] }>>;

/** The program's tier ladders and their tier codes (a port to the tiers module), to check plan conditions. */
export type TierLadders = (
  programId: string,
) => Promise<Array<{ id: string; name: string; tiers: string[] }>>;

/**
 * An account's qualifying spend in [from, to), in minor units of the program's base currency (a port
 * to the events' metric totals, wired in app/compose.ts).
 */
export type QualifyingSpend = (
  programId: string,
  accountId: string,
  from: Date,
  to: Date,
) => Promise<{ minor: bigint; digits: number; currency: string }>;

/** A subquery of the ids of accounts holding a tier now (a port to the tiers' reads), to filter members. */
export type TierAccountIds = (programId: string, tier: string) => SQL;

export interface MembershipDeps {
  tierAccountIds?: TierAccountIds;
  tierLadders?: TierLadders;
  qualifyingSpend?: QualifyingSpend;
  database: Database;
  accounts: AccountService;
  ledger: LedgerService;
  audit: AuditService;
  /** The account's tiers and perks (the tiers module, through app/compose.ts); none without it. */
  tierStanding?: TierStanding;
  /** Where memberships starting, renewing and lapsing are announced to webhooks (decision 0016). */
  outbox?: Pick<OutboxService, 'emit'>;
}

const ANNOUNCED: Partial<Record<MembershipEventType, MessageType>> = {
  activated: 'membership.started',
  renewed: 'membership.renewed',
  lapsed: 'membership.lapsed',
};

/** Writes membership events and announces those webhooks hear of, in the same transaction. */
export async function recordEvents(
  deps: Pick<MembershipDeps, 'outbox'>,
  tx: Executor,
  rows: ReturnType<typeof event>[],
): Promise<void> {
  await insertEvents(tx, rows);
  for (const row of rows) {
    const type = ANNOUNCED[row.type];
    if (type)
      await deps.outbox?.emit(tx, row.programId, [
        {
          type,
          payload: {
            membershipId: row.membershipId,
            occurredAt: row.occurredAt.toISOString(),
            actor: row.actor,
            ...row.data,
          },
        },
      ]);
  }
}

/** Who a service credit's ledger entry says wrote it (the ledger's source types that memberships use). */
export type CreditSource = 'api' | 'admin' | 'job';

/** The service credits of a term, prepared before the transaction that writes them. */
export type PreparedCredits = Array<{ key: string; prepared: PreparedWrite }>;

/** validation_failed naming each field (pointers into the service input; the HTTP layer places them). */
export function invalidFields(fields: Record<string, string>): FidelisError {
  return fieldErrors(
    'validation_failed',
    Object.entries(fields).map(([field, message]) => ({ path: `/${field}`, message })),
  );
}

export function existingPlan(row: PlanRow | undefined, planId: string): PlanRow {
  if (!row) throw new FidelisError('plan_not_found', `No membership plan ${planId}`);
  return row;
}

export function existingMembership(row: MembershipRow | undefined, id: string): MembershipRow {
  if (!row) throw new FidelisError('membership_not_found', `No membership ${id}`);
  return row;
}

export function notPending(m: MembershipRow): FidelisError {
  return new FidelisError('membership_not_pending', `Membership ${m.id} is ${m.status}, not pending`);
}

export async function definitionAt(db: Executor, programId: string, planId: string, version: number) {
  const row = await findPlanVersion(db, programId, planId, version);
  if (!row) throw new Error(`plan ${planId} has no version ${version}`);
  return row.definition;
}

export function termOf(def: PlanDefinition): Term {
  return 'months' in def.term ? { months: def.term.months } : { days: def.term.days };
}

/** The ledger key of a service credit: one per membership, term and entitlement. */
export function serviceCreditKey(membershipId: string, term: number, entitlementKey: string): string {
  return `membership:${membershipId}:${term}:${entitlementKey}`;
}

/** The service credits of term `term`, prepared before the transaction that writes them. */
export async function prepareCredits(
  { ledger }: MembershipDeps,
  programId: string,
  m: { id: string; accountId: string },
  def: PlanDefinition,
  term: number,
  effectiveAt: Date,
  sourceType: CreditSource,
  actor?: string,
): Promise<PreparedCredits> {
  const out: PreparedCredits = [];
  for (const e of def.entitlements) {
    if (e.kind !== 'service_credit') continue;
    const prepared = await ledger.prepareCredit(programId, {
      key: serviceCreditKey(m.id, term, e.key),
      account: m.accountId,
      unit: e.unit,
      amount: e.amount,
      type: 'adjust',
      reasonCode: 'membership_service_credit',
      explanation: `${e.description ?? e.key}: ${def.name} membership, term ${term}`,
      sourceType,
      sourceId: m.id,
      effectiveAt,
      actor,
    });
    out.push({ key: e.key, prepared });
  }
  return out;
}

/** Writes prepared service credits and links each to its entitlement. */
export async function writeCredits(
  { ledger }: MembershipDeps,
  tx: Tx,
  programId: string,
  membershipId: string,
  credits: PreparedCredits,
): Promise<void> {
  for (const c of credits) {
    const { entry } = await ledger.writePrepared(tx, c.prepared);
    await setEntitlementEntry(tx, programId, membershipId, c.key, entry.id);
  }
}

export function event(
  programId: string,
  membershipId: string,
  type: MembershipEventType,
  occurredAt: Date,
  actor: string | undefined,
  data: Record<string, unknown>,
) {
  return { programId, id: newId('mev'), membershipId, type, occurredAt, actor: actor ?? null, data };
}

/** A discount code nobody can guess: the plan's prefix and 10 random Crockford base32 characters. */
function discountCode(prefix: string): string {
  return `${prefix}-${encodeRandom(randomBytes(7), 10)}`;
}

/** Term 1 begins: the charge row, the entitlements, the service credits and the event. */
export async function activate(
  deps: MembershipDeps,
  tx: Tx,
  programId: string,
  m: MembershipRow,
  def: PlanDefinition,
  startsAt: Date,
  credits: PreparedCredits,
  actor: string | undefined,
): Promise<void> {
  const endsAt = termEnd(startsAt, termOf(def), 1);
  await insertTerm(tx, {
    programId,
    membershipId: m.id,
    term: 1,
    kind: 'join',
    startsAt,
    endsAt,
    feeAmount: def.fee.minor,
    feeCurrency: def.fee.currency,
  });
  await insertEntitlements(
    tx,
    def.entitlements.map((e) => ({
      programId,
      id: newId('etl'),
      accountId: m.accountId,
      membershipId: m.id,
      key: e.key,
      kind: e.kind,
      validFrom: startsAt,
      validUntil: entitlementUntil(e, startsAt, endsAt),
      code: e.kind === 'discount_code' ? discountCode(e.prefix) : null,
      percent: e.kind === 'discount_code' ? (e.percent ?? null) : null,
      unit: e.kind === 'service_credit' ? e.unit : null,
      amount: e.kind === 'service_credit' ? e.amount : null,
      usesPerTerm: e.usesPerTerm ?? null,
    })),
  );
  await writeCredits(deps, tx, programId, m.id, credits);
  await recordEvents(deps, tx, [
    event(programId, m.id, 'activated', startsAt, actor, {
      planId: m.planId,
      planVersion: m.planVersion,
      accountId: m.accountId,
      via: m.via,
      reference: m.reference,
      term: 1,
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      fee: feeOf(def.fee.minor, def.fee.currency),
    }),
  ]);
}

/** A membership with its terms and entitlements. */
export async function detail(db: Executor, programId: string, row: MembershipRow, now = new Date()) {
  const held = await entitlementsOfMembership(db, programId, row.id);
  const used = await usesInTerms(
    db,
    programId,
    held.map((e) => ({ entitlementId: e.id, term: row.term })),
  );
  return {
    ...toMembership(row),
    terms: (await termsOf(db, programId, row.id)).map(toTerm),
    entitlements: held.map((e) =>
      toEntitlement(e, now, row.status === 'active' && row.renewal === 'auto', used.get(e.id) ?? 0),
    ),
  };
}

export type MembershipDetail = Awaited<ReturnType<typeof detail>>;
