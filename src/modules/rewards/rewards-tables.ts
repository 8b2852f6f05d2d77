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
import type { Delivery, RedemptionStatus } from '../../core/rewards/redemption-status.ts';
import { accounts } from '../accounts/accounts-tables.ts';
import type { ContactRole } from '../contacts/contacts-tables.ts';
import { programs } from '../programs/programs-tables.ts';

const amount = (name: string) => bigint(name, { mode: 'number' });

export const REWARD_TYPES = [
  'discount_code',
  'egift_card',
  'prepaid_card',
  'experience',
  'session',
  'service_credit',
  'merchandise',
  'donation',
  'cash_payout',
  'custom',
] as const;
export type RewardType = (typeof REWARD_TYPES)[number];
/** unlimited; counted (stock_remaining); codes (a pool of single-use codes); sessions (capacity per session). */
export const STOCK_KINDS = ['unlimited', 'counted', 'codes', 'sessions'] as const;
export type StockKind = (typeof STOCK_KINDS)[number];
export const FULFILMENT_METHODS = ['code_pool', 'webhook', 'manual'] as const;
export type FulfilmentMethod = (typeof FULFILMENT_METHODS)[number];

export interface RewardEligibility {
  tiers?: string[];
  segments?: string[];
  countries?: string[];
  roles?: ContactRole[];
  memberships?: string[];
}
export type LimitPeriod = 'day' | 'week' | 'month' | 'year' | 'lifetime';
export interface RewardLimits {
  perAccount?: { count: number; period: LimitPeriod };
  perContact?: { count: number; period: LimitPeriod };
}
export type Translations = Record<string, { name?: string; description?: string }>;

/** What a reward states in one more currency (decision 0057): its price's worth, its face value (minor units). */
export interface CurrencyValue {
  currency: string;
  price?: number;
  faceValue?: number;
}

/** A catalog item. Stock counters live here (counted stock) or in reward_codes / reward_sessions. */
export const rewards = pgTable(
  'rewards',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    type: text('type').$type<RewardType>().notNull(),
    name: text('name').notNull(),
    description: text('description'),
    translations: jsonb('translations').$type<Translations>().notNull().default({}),
    imageUrl: text('image_url'),
    /** Price: whole points, or minor units of a cash wallet's currency. */
    priceAmount: amount('price_amount').notNull(),
    priceUnit: text('price_unit').notNull(),
    faceValueAmount: amount('face_value_amount'),
    faceValueCurrency: text('face_value_currency'),
    currencyValues: jsonb('currency_values').$type<CurrencyValue[]>().notNull().default([]),
    stockKind: text('stock_kind').$type<StockKind>().notNull(),
    /** Counted stock: units left (decremented by a request, given back by a rejection/cancellation/failure). */
    stockRemaining: integer('stock_remaining'),
    lowStockThreshold: integer('low_stock_threshold'),
    availableFrom: timestamp('available_from', { withTimezone: true }),
    availableUntil: timestamp('available_until', { withTimezone: true }),
    eligibility: jsonb('eligibility').$type<RewardEligibility>().notNull().default({}),
    limits: jsonb('limits').$type<RewardLimits>().notNull().default({}),
    fulfilment: text('fulfilment').$type<FulfilmentMethod>().notNull(),
    status: text('status').$type<'active' | 'archived'>().notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    // 0: a free perk (decision 0047), redeemed without a ledger hold but with stock, eligibility and limits.
    check('rewards_price_ck', sql`${t.priceAmount} >= 0`),
    check('rewards_stock_ck', sql`${t.stockRemaining} is null or ${t.stockRemaining} >= 0`),
    check(
      'rewards_stock_kind_ck',
      sql`${t.stockKind} in ('unlimited', 'counted', 'codes', 'sessions') and ((${t.stockKind} = 'counted') = (${t.stockRemaining} is not null))`,
    ),
    check('rewards_status_ck', sql`${t.status} in ('active', 'archived')`),
  ],
);

export const CODE_STATUSES = ['available', 'reserved', 'issued'] as const;
export type CodeStatus = (typeof CODE_STATUSES)[number];

/** Single-use codes of a reward. A code is reserved by one redemption at most, then issued or released. */
export const rewardCodes = pgTable(
  'reward_codes',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    rewardId: text('reward_id').notNull(),
    code: text('code').notNull(),
    status: text('status').$type<CodeStatus>().notNull().default('available'),
    redemptionId: text('redemption_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    issuedAt: timestamp('issued_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('reward_codes_code_uq').on(t.programId, t.rewardId, t.code),
    uniqueIndex('reward_codes_redemption_uq')
      .on(t.programId, t.redemptionId)
      .where(sql`${t.redemptionId} is not null`),
    index('reward_codes_available_idx')
      .on(t.programId, t.rewardId, t.id)
      .where(sql`${t.status} = 'available'`),
    foreignKey({
      name: 'reward_codes_reward_fk',
      columns: [t.programId, t.rewardId],
      foreignColumns: [rewards.programId, rewards.id],
    }),
    check('reward_codes_status_ck', sql`${t.status} in ('available', 'reserved', 'issued')`),
    check('reward_codes_reserved_ck', sql`(${t.status} = 'available') = (${t.redemptionId} is null)`),
  ],
);

/** Dates of an experience or session reward, each with its capacity. */
export const rewardSessions = pgTable(
  'reward_sessions',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    rewardId: text('reward_id').notNull(),
    name: text('name'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    capacity: integer('capacity').notNull(),
    reserved: integer('reserved').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    index('reward_sessions_reward_idx').on(t.programId, t.rewardId, t.startsAt),
    foreignKey({
      name: 'reward_sessions_reward_fk',
      columns: [t.programId, t.rewardId],
      foreignColumns: [rewards.programId, rewards.id],
    }),
    check(
      'reward_sessions_capacity_ck',
      sql`${t.capacity} >= 0 and ${t.reserved} >= 0 and ${t.reserved} <= ${t.capacity}`,
    ),
  ],
);

/** A request for a reward and where it stands. Every change is also a row of redemption_events. */
export const redemptions = pgTable(
  'redemptions',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    rewardId: text('reward_id').notNull(),
    accountId: text('account_id').notNull(),
    /** The contact who asked, when a person of the account did (null: the operator or an integration). */
    contactId: text('contact_id'),
    /** The requester's identity for the "cannot approve one's own request" rule: contact id or key:<id>. */
    requestedBy: text('requested_by').notNull(),
    sessionId: text('session_id'),
    status: text('status').$type<RedemptionStatus>().notNull(),
    amount: amount('amount').notNull(),
    unit: text('unit').notNull(),
    /** The ledger hold of the price; null for a reward issued free (price 0: a challenge or an automation). */
    holdEntryId: text('hold_entry_id'),
    /** The entry that captured (post), released (void) or refunded (reverse) the hold. */
    settleEntryId: text('settle_entry_id'),
    refundEntryId: text('refund_entry_id'),
    approvalsRequired: integer('approvals_required').notNull(),
    codeId: text('code_id'),
    delivery: text('delivery').$type<Delivery>(),
    tracking: jsonb('tracking').$type<{ carrier?: string; number?: string; url?: string }>(),
    note: text('note'),
    reason: text('reason'),
    /** The Idempotency-Key of the request that created it, if any: a retry finds it instead of redeeming twice. */
    requestKey: text('request_key'),
    /** A reward issued free: the key of the challenge completion or automation firing it was issued for (once). */
    issuedFor: text('issued_for'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    // A code belongs to one live redemption at most, decided by the database too (a rejected or
    // cancelled one gave its reserved code back to the pool).
    uniqueIndex('redemptions_code_uq')
      .on(t.programId, t.codeId)
      .where(sql`${t.codeId} is not null and ${t.status} not in ('rejected', 'cancelled')`),
    uniqueIndex('redemptions_request_key_uq')
      .on(t.programId, t.requestKey)
      .where(sql`${t.requestKey} is not null`),
    uniqueIndex('redemptions_issued_for_uq')
      .on(t.programId, t.issuedFor)
      .where(sql`${t.issuedFor} is not null`),
    index('redemptions_account_idx').on(t.programId, t.accountId, t.rewardId, t.createdAt),
    index('redemptions_status_idx').on(t.programId, t.status, t.id),
    foreignKey({
      name: 'redemptions_reward_fk',
      columns: [t.programId, t.rewardId],
      foreignColumns: [rewards.programId, rewards.id],
    }),
    foreignKey({
      name: 'redemptions_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    foreignKey({
      name: 'redemptions_session_fk',
      columns: [t.programId, t.sessionId],
      foreignColumns: [rewardSessions.programId, rewardSessions.id],
    }),
    check(
      'redemptions_status_ck',
      sql`${t.status} in ('pending_approval', 'approved', 'fulfilled', 'rejected', 'cancelled', 'failed')`,
    ),
    check('redemptions_amount_ck', sql`${t.amount} >= 0`),
    // Only a reward issued free (price 0) has no hold.
    check('redemptions_free_ck', sql`(${t.holdEntryId} is null) = (${t.amount} = 0)`),
  ],
);

/** One approval (or rejection) decision; one per approver and redemption. */
export const redemptionApprovals = pgTable(
  'redemption_approvals',
  {
    programId: text('program_id').notNull(),
    redemptionId: text('redemption_id').notNull(),
    /** contact id, or key:<api key id> for the operator's staff. */
    approver: text('approver').notNull(),
    contactId: text('contact_id'),
    decision: text('decision').$type<'approve' | 'reject'>().notNull(),
    note: text('note'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.redemptionId, t.approver] }),
    foreignKey({
      name: 'redemption_approvals_redemption_fk',
      columns: [t.programId, t.redemptionId],
      foreignColumns: [redemptions.programId, redemptions.id],
    }),
  ],
);

/**
 * Domain events of redemptions, append-only (a trigger refuses UPDATE and DELETE): the history of
 * each redemption and the outbox a webhook dispatcher will read in id order.
 */
export const redemptionEvents = pgTable(
  'redemption_events',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    redemptionId: text('redemption_id').notNull(),
    type: text('type').notNull(),
    status: text('status').$type<RedemptionStatus>().notNull(),
    actor: text('actor').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    index('redemption_events_redemption_idx').on(t.programId, t.redemptionId, t.id),
    foreignKey({
      name: 'redemption_events_redemption_fk',
      columns: [t.programId, t.redemptionId],
      foreignColumns: [redemptions.programId, redemptions.id],
    }),
  ],
);

/** Charities a program lets members donate to. */
export const charities = pgTable(
  'charities',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    url: text('url'),
    status: text('status').$type<'active' | 'archived'>().notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    check('charities_status_ck', sql`${t.status} in ('active', 'archived')`),
  ],
);

/** A donation of (part of) a wallet to a charity: a posted ledger entry of type donate. */
export const donations = pgTable(
  'donations',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    charityId: text('charity_id').notNull(),
    accountId: text('account_id').notNull(),
    contactId: text('contact_id'),
    unit: text('unit').notNull(),
    amount: amount('amount').notNull(),
    entryId: text('entry_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    index('donations_account_idx').on(t.programId, t.accountId),
    foreignKey({
      name: 'donations_charity_fk',
      columns: [t.programId, t.charityId],
      foreignColumns: [charities.programId, charities.id],
    }),
    foreignKey({
      name: 'donations_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    check('donations_amount_ck', sql`${t.amount} > 0`),
  ],
);

export const PAYOUT_METHODS = ['bank_transfer', 'paypal', 'check', 'credit_note', 'other'] as const;
export type PayoutMethod = (typeof PAYOUT_METHODS)[number];

/** A payout of a cash wallet: a posted ledger entry of type payout; the money moves outside Fidelis. */
export const payouts = pgTable(
  'payouts',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    contactId: text('contact_id'),
    unit: text('unit').notNull(),
    amount: amount('amount').notNull(),
    method: text('method').$type<PayoutMethod>().notNull(),
    reference: text('reference'),
    entryId: text('entry_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    index('payouts_account_idx').on(t.programId, t.accountId),
    foreignKey({
      name: 'payouts_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    check('payouts_amount_ck', sql`${t.amount} > 0`),
  ],
);
