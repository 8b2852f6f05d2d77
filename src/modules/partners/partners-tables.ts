// Partner growth tables: referral programs (what converts a referral and what it pays), referral
// codes per account, referrals (one per referred account: first touch wins), and sales claims.
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { GuardFinding, ReferralGuards } from '../../core/partners/referral.ts';
import { accounts } from '../accounts/accounts-tables.ts';
import { programs } from '../programs/programs-tables.ts';

/** One side's reward: an amount in points or minor units of a currency. */
export interface RewardSpec {
  unit: string;
  amount: number;
  /**
   * The referrer's reward by rank (decision 0048): from its `from`-th converted referral of the
   * referral program on, `amount` instead (ascending `from`, 2 and up; below the first: `amount` above).
   */
  tiers?: Array<{ from: number; amount: number }>;
}

/** What a referral program says (kept whole: a change applies to conversions from then on). */
export interface ReferralProgramDocument {
  name: string;
  /** A referred account may be attributed up to this many days after it joined the program. */
  attributionDays: number;
  conversion: {
    eventTypes: string[];
    /** A CEL condition over the event, as earning rules see it; none: every event of the types. */
    condition: string | null;
    /** The referral converts on a qualifying event within this many days of its attribution. */
    windowDays: number;
  };
  rewards: {
    referrer: RewardSpec | null;
    referred: RewardSpec | null;
    /** Rewards wait this many days as pending credits before they are posted (0: posted at once). */
    pendingDays: number;
  };
  guards: ReferralGuards;
  /**
   * Where a referral link leads (https, with `{code}` where the code goes): the operator's sign-up
   * page. Null (or absent, in documents from before it existed): codes are passed on as they are.
   */
  landingUrl?: string | null;
}

/** A referral program by stable code. A trigger bumps cache_versions: the events' hook caches them. */
export const referralPrograms = pgTable(
  'referral_programs',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    code: text('code').notNull(),
    active: boolean('active').notNull().default(true),
    document: jsonb('document').$type<ReferralProgramDocument>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.code] })],
);

/** A referrer's code (stored upper case; unique per program), optionally of a campaign. */
export const referralCodes = pgTable(
  'referral_codes',
  {
    programId: text('program_id').notNull(),
    code: text('code').notNull(),
    referralProgram: text('referral_program').notNull(),
    accountId: text('account_id').notNull(),
    campaign: text('campaign'),
    active: boolean('active').notNull().default(true),
    actor: text('actor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.code] }),
    index('referral_codes_account_idx').on(t.programId, t.accountId, t.code),
    foreignKey({
      name: 'referral_codes_program_fk',
      columns: [t.programId, t.referralProgram],
      foreignColumns: [referralPrograms.programId, referralPrograms.code],
    }),
    foreignKey({
      name: 'referral_codes_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
  ],
);

export const REFERRAL_STATUSES = ['pending', 'review', 'converted', 'rejected'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/**
 * A referred account attributed to its referrer. One per referred account and program (the unique
 * index is what makes the first touch win, also under concurrent claims).
 */
export const referrals = pgTable(
  'referrals',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    referralProgram: text('referral_program').notNull(),
    /** The code it came through; null when the referrer was named without one (decision 0060). */
    code: text('code'),
    campaign: text('campaign'),
    referrerAccountId: text('referrer_account_id').notNull(),
    /** The person at the referrer who referred, when named (`referredByContact`, decision 0060). */
    referrerContactId: text('referrer_contact_id'),
    referredAccountId: text('referred_account_id').notNull(),
    status: text('status').$type<ReferralStatus>().notNull(),
    /** What the guards found (flags explain a review; a refused attribution is never stored). */
    findings: jsonb('findings').$type<GuardFinding[]>().notNull().default([]),
    via: text('via').$type<'api' | 'event' | 'account' | 'import'>().notNull(),
    sourceEventId: text('source_event_id'),
    attributedAt: timestamp('attributed_at', { withTimezone: true }).notNull(),
    convertBy: timestamp('convert_by', { withTimezone: true }).notNull(),
    /** The qualifying event (its client id) and when it happened; set once. */
    conversionEventId: text('conversion_event_id'),
    convertedAt: timestamp('converted_at', { withTimezone: true }),
    referrerEntryId: text('referrer_entry_id'),
    referredEntryId: text('referred_entry_id'),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionReason: text('decision_reason'),
    actor: text('actor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('referrals_referred_uq').on(t.programId, t.referredAccountId),
    index('referrals_referrer_idx').on(t.programId, t.referrerAccountId, t.attributedAt),
    index('referrals_status_idx').on(t.programId, t.status, t.id),
    foreignKey({
      name: 'referrals_code_fk',
      columns: [t.programId, t.code],
      foreignColumns: [referralCodes.programId, referralCodes.code],
    }),
    foreignKey({
      name: 'referrals_referrer_fk',
      columns: [t.programId, t.referrerAccountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    foreignKey({
      name: 'referrals_referred_fk',
      columns: [t.programId, t.referredAccountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    check('referrals_status_ck', sql`${t.status} in ('pending', 'review', 'converted', 'rejected')`),
    check('referrals_not_self_ck', sql`${t.referrerAccountId} <> ${t.referredAccountId}`),
  ],
);

export interface ClaimLine {
  sku: string;
  quantity: number;
  amount: string;
  attributes: Record<string, unknown>;
}

export const CLAIM_STATUSES = ['submitted', 'approved', 'rejected'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** A sales claim ("Sell & Earn"): one per normalised invoice number and program. */
export const salesClaims = pgTable(
  'sales_claims',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    contactId: text('contact_id'),
    invoiceNumber: text('invoice_number').notNull(),
    invoiceKey: text('invoice_key').notNull(),
    invoiceDate: text('invoice_date').notNull(),
    amount: text('amount').notNull(),
    currency: text('currency').notNull(),
    lines: jsonb('lines').$type<ClaimLine[]>().notNull(),
    customerName: text('customer_name'),
    documentUrl: text('document_url'),
    status: text('status').$type<ClaimStatus>().notNull(),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionReason: text('decision_reason'),
    /** The `sales.claim_approved` event the approval became (its client id), once ingested. */
    eventId: text('event_id'),
    /** What the earning rules awarded for it, per unit. */
    awarded: jsonb('awarded').$type<Record<string, number>>(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('sales_claims_invoice_uq').on(t.programId, t.invoiceKey),
    index('sales_claims_status_idx').on(t.programId, t.status, t.id),
    index('sales_claims_account_idx').on(t.programId, t.accountId, t.id),
    foreignKey({
      name: 'sales_claims_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    check('sales_claims_status_ck', sql`${t.status} in ('submitted', 'approved', 'rejected')`),
  ],
);
