import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { accounts } from '../accounts/accounts-tables.ts';
import { programs } from '../programs/programs-tables.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const PLAN_STATUSES = ['active', 'archived'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const RENEWALS = ['auto', 'manual'] as const;
export type Renewal = (typeof RENEWALS)[number];
export const JOINING_CONDITIONS = ['contract', 'purchase', 'approval'] as const;
export type JoiningCondition = (typeof JOINING_CONDITIONS)[number];
export const MEMBERSHIP_STATUSES = ['pending', 'active', 'lapsed', 'cancelled', 'rejected'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];
export const ENTITLEMENT_KINDS = ['flag', 'discount_code', 'free_period', 'service_credit'] as const;
export type EntitlementKind = (typeof ENTITLEMENT_KINDS)[number];
export const MEMBERSHIP_EVENT_TYPES = [
  'requested',
  'activated',
  'rejected',
  'renewed',
  'lapsed',
  'cancelled',
] as const;
export type MembershipEventType = (typeof MEMBERSHIP_EVENT_TYPES)[number];

/** What a plan grants: the definition kept per plan version (entitlements are data, not code). */
export type EntitlementDefinition = (
  | { key: string; kind: 'flag'; description?: string }
  | { key: string; kind: 'discount_code'; prefix: string; percent?: number; description?: string }
  | { key: string; kind: 'free_period'; months: number; description?: string }
  | { key: string; kind: 'service_credit'; unit: string; amount: number; description?: string }
) & { usesPerTerm?: number };

/**
 * What an account must meet to join a plan and at each renewal (decision 0024): a minimum qualifying
 * spend (base currency, over the last `months` months), or a tier of a ladder.
 */
export type PlanCondition =
  | { kind: 'min_spend'; amount: string; months: number }
  | { kind: 'tier'; ladderId: string; tiers: string[] };

/** The whole definition of one version of a plan (what a membership on that version gets). */
export interface PlanDefinition {
  condition?: PlanCondition;
  name: string;
  description: string | null;
  fee: { amount: string; currency: string; minor: number };
  term: { months: number } | { days: number };
  renewal: Renewal;
  joining: JoiningCondition;
  entitlements: EntitlementDefinition[];
}

/** A membership plan: its current version's definition, and whether new members may join. */
export const membershipPlans = pgTable(
  'membership_plans',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    status: text('status').$type<PlanStatus>().notNull().default('active'),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<PlanDefinition>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    check('membership_plans_version_ck', sql`${t.version} >= 1`),
  ],
);

/** Every version of every plan; a membership keeps the version it joined (its price and benefits). */
export const membershipPlanVersions = pgTable(
  'membership_plan_versions',
  {
    programId: text('program_id').notNull(),
    planId: text('plan_id').notNull(),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<PlanDefinition>().notNull(),
    actor: text('actor'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.planId, t.version] }),
    foreignKey({
      name: 'membership_plan_versions_plan_fk',
      columns: [t.programId, t.planId],
      foreignColumns: [membershipPlans.programId, membershipPlans.id],
    }),
  ],
);

/** An account's membership of a plan. At most one pending or active membership per account and plan. */
export const memberships = pgTable(
  'memberships',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    planId: text('plan_id').notNull(),
    planVersion: integer('plan_version').notNull(),
    accountId: text('account_id').notNull(),
    status: text('status').$type<MembershipStatus>().notNull(),
    via: text('via').$type<JoiningCondition>().notNull(),
    reference: text('reference'),
    renewal: text('renewal').$type<Renewal>().notNull(),
    /** Start of the first term (the anchor every term end is counted from); null while pending. */
    startsAt: ts('starts_at'),
    /** End of the current term, or when it was cut short by a cancellation; null while pending. */
    endsAt: ts('ends_at'),
    /** The current term's number: 0 while pending, 1 after activation, +1 per renewal. */
    term: integer('term').notNull().default(0),
    note: text('note'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    foreignKey({
      name: 'memberships_plan_fk',
      columns: [t.programId, t.planId, t.planVersion],
      foreignColumns: [
        membershipPlanVersions.programId,
        membershipPlanVersions.planId,
        membershipPlanVersions.version,
      ],
    }),
    foreignKey({
      name: 'memberships_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    uniqueIndex('memberships_live_uq')
      .on(t.programId, t.accountId, t.planId)
      .where(sql`${t.status} in ('pending', 'active')`),
    index('memberships_plan_idx').on(t.programId, t.planId, t.id),
    index('memberships_account_idx').on(t.programId, t.accountId, t.id),
    index('memberships_due_idx').on(t.programId, t.endsAt).where(sql`${t.status} = 'active'`),
  ],
);

/** One row per term of a membership: its period and the fee charged for it (collected by the operator). Append-only. */
export const membershipTerms = pgTable(
  'membership_terms',
  {
    programId: text('program_id').notNull(),
    membershipId: text('membership_id').notNull(),
    term: integer('term').notNull(),
    kind: text('kind').$type<'join' | 'renewal'>().notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    feeAmount: bigint('fee_amount', { mode: 'number' }).notNull(),
    feeCurrency: text('fee_currency').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.membershipId, t.term] }),
    foreignKey({
      name: 'membership_terms_membership_fk',
      columns: [t.programId, t.membershipId],
      foreignColumns: [memberships.programId, memberships.id],
    }),
    check('membership_terms_fee_ck', sql`${t.feeAmount} >= 0`),
  ],
);

/** Every transition of every membership, in order: the domain events later webhooks send. Append-only. */
export const membershipEvents = pgTable(
  'membership_events',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    membershipId: text('membership_id').notNull(),
    type: text('type').$type<MembershipEventType>().notNull(),
    /** When it happened in the membership's life (a renewal: the old term's end, whenever the job ran). */
    occurredAt: ts('occurred_at').notNull(),
    actor: text('actor'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    index('membership_events_membership_idx').on(t.programId, t.membershipId, t.id),
    foreignKey({
      name: 'membership_events_membership_fk',
      columns: [t.programId, t.membershipId],
      foreignColumns: [memberships.programId, memberships.id],
    }),
  ],
);

/** What an account holds through a membership, and from when until when. */
export const entitlements = pgTable(
  'entitlements',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    membershipId: text('membership_id').notNull(),
    key: text('key').notNull(),
    kind: text('kind').$type<EntitlementKind>().notNull(),
    validFrom: ts('valid_from').notNull(),
    validUntil: ts('valid_until').notNull(),
    /** discount_code: the generated code (unique per program) and its percent. */
    code: text('code'),
    percent: integer('percent'),
    /** service_credit: the unit and amount credited per term, and the latest ledger entry. */
    unit: text('unit'),
    amount: bigint('amount', { mode: 'number' }),
    ledgerEntryId: text('ledger_entry_id'),
    /** How many uses each term allows (decision 0056); null: uses are not counted against a limit. */
    usesPerTerm: integer('uses_per_term'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('entitlements_membership_key_uq').on(t.programId, t.membershipId, t.key),
    uniqueIndex('entitlements_code_uq').on(t.programId, t.code).where(sql`${t.code} is not null`),
    /** The entitlement check: one index lookup by account and key, latest end first. */
    index('entitlements_check_idx').on(t.programId, t.accountId, t.key, t.validUntil),
    foreignKey({
      name: 'entitlements_membership_fk',
      columns: [t.programId, t.membershipId],
      foreignColumns: [memberships.programId, memberships.id],
    }),
    check('entitlements_validity_ck', sql`${t.validUntil} >= ${t.validFrom}`),
  ],
);

/**
 * An entitlement granted by hand (decision 0024): the third source of the entitlement check, beside
 * memberships and tier perks. Open-ended when `validUntil` is null; revoking ends it at once.
 */
export const entitlementGrants = pgTable(
  'entitlement_grants',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    key: text('key').notNull(),
    validFrom: ts('valid_from').notNull(),
    validUntil: ts('valid_until'),
    reason: text('reason'),
    /** Who granted it (the audit log's actor name). */
    grantedBy: text('granted_by').notNull(),
    revokedAt: ts('revoked_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    index('entitlement_grants_check_idx').on(t.programId, t.accountId, t.key),
    foreignKey({
      name: 'entitlement_grants_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    check('entitlement_grants_validity_ck', sql`${t.validUntil} is null or ${t.validUntil} > ${t.validFrom}`),
  ],
);

/** One use of an entitlement held through a membership, in the membership's term (decision 0056). */
export const entitlementUses = pgTable(
  'entitlement_uses',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    entitlementId: text('entitlement_id').notNull(),
    accountId: text('account_id').notNull(),
    /** The membership's term the use counts in. */
    term: integer('term').notNull(),
    reference: text('reference'),
    /** Who recorded it (the audit log's actor name). */
    usedBy: text('used_by').notNull(),
    usedAt: ts('used_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    index('entitlement_uses_term_idx').on(t.programId, t.entitlementId, t.term),
    foreignKey({
      name: 'entitlement_uses_entitlement_fk',
      columns: [t.programId, t.entitlementId],
      foreignColumns: [entitlements.programId, entitlements.id],
    }),
  ],
);
