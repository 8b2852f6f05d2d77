// Commission tables (decision 0032): commission plans by code (versioned: each change bumps the
// version the lines record), the plan each partner account is on, commission lines (the commission
// journal: one per paying event, bonus or clawback, each with its ledger entry), payout runs (one per
// program, period and currency that is not cancelled), their payouts (one per partner) and the lines
// each payout pays (payout_lines: written by one INSERT … SELECT, so a run never rewrites its lines).
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
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
import type { CommissionPeriod, Statement } from '../../core/partners/commission.ts';
import { accounts } from '../accounts/accounts-tables.ts';
import { programs } from '../programs/programs-tables.ts';

/**
 * What a commission plan pays, as it was written: amounts are decimal strings of its unit (whole
 * numbers for points), volumes and targets of the program's base currency, rates percentages.
 */
export interface CommissionPlanDocument {
  name: string;
  /** "points" or an ISO 4217 currency (a cash wallet of the partner). */
  unit: string;
  /** Lines stay pending this many days before they are posted (and can be paid out). */
  holdingDays: number;
  /** A fixed amount per converted referral, or none. */
  fixed: { amount: string } | null;
  /** A percentage of the referred accounts' revenue, or none. */
  revenue: {
    eventTypes: string[];
    /** A flat percentage ("10"), or null when `tiers` say it. */
    rate: string | null;
    /** Marginal tiers by the partner's referred volume in the period (the first from "0"). */
    tiers: Array<{ from: string; rate: string }> | null;
    period: CommissionPeriod;
    /** Revenue counts for this many months after the attribution; null: for life. */
    months: number | null;
  } | null;
  /** Reach `target` of referred volume in a period: `amount` once for that period. */
  bonus: { period: CommissionPeriod; target: string; amount: string } | null;
}

export const commissionPlans = pgTable(
  'commission_plans',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    code: text('code').notNull(),
    version: integer('version').notNull().default(1),
    active: boolean('active').notNull().default(true),
    document: jsonb('document').$type<CommissionPlanDocument>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.code] })],
);

/** The commission plan a partner account is on (one at a time). */
export const commissionPartners = pgTable(
  'commission_partners',
  {
    programId: text('program_id').notNull(),
    accountId: text('account_id').notNull(),
    planCode: text('plan_code').notNull(),
    actor: text('actor').notNull(),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.accountId] }),
    index('commission_partners_plan_idx').on(t.programId, t.planCode, t.accountId),
    foreignKey({
      name: 'commission_partners_plan_fk',
      columns: [t.programId, t.planCode],
      foreignColumns: [commissionPlans.programId, commissionPlans.code],
    }),
    foreignKey({
      name: 'commission_partners_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
  ],
);

export const COMMISSION_KINDS = ['fixed', 'percentage', 'bonus', 'clawback'] as const;
export type CommissionKind = (typeof COMMISSION_KINDS)[number];

/**
 * A commission line: what one event, bonus or return paid or took back, explained. `key` (unique
 * per program; also its ledger entry's key) derives from the plan and the event, so a resent event
 * never pays twice. A line counts toward what the partner is owed from `dueAt`.
 */
export const commissionLines = pgTable(
  'commission_lines',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    key: text('key').notNull(),
    partnerAccountId: text('partner_account_id').notNull(),
    planCode: text('plan_code').notNull(),
    planVersion: integer('plan_version').notNull(),
    kind: text('kind').$type<CommissionKind>().notNull(),
    referralId: text('referral_id'),
    referredAccountId: text('referred_account_id'),
    /** The client's id of the event that paid (or, for a clawback, of the return). */
    eventId: text('event_id'),
    /** A clawback's line. */
    relatedLineId: text('related_line_id'),
    period: text('period'),
    /** The revenue it is a share of (base currency minor units), and how much of it was returned. */
    revenueMinor: bigint('revenue_minor', { mode: 'number' }),
    returnedMinor: bigint('returned_minor', { mode: 'number' }).notNull().default(0),
    rate: text('rate'),
    unit: text('unit').notNull(),
    /** Minor units (or points); negative for a clawback. */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    /** What is left of it after clawbacks (a clawback line: 0). */
    remaining: bigint('remaining', { mode: 'number' }).notNull(),
    explanation: text('explanation').notNull(),
    /** The ledger entry now standing for it (a pending credit; after a partial void, its replacement). */
    entryId: text('entry_id'),
    /** A clawback: voided while pending, or reversed after it posted. */
    how: text('how').$type<'voided' | 'reversed'>(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('commission_lines_key_uq').on(t.programId, t.key),
    index('commission_lines_partner_idx').on(t.programId, t.partnerAccountId, t.dueAt),
    index('commission_lines_event_idx').on(t.programId, t.eventId),
    foreignKey({
      name: 'commission_lines_partner_fk',
      columns: [t.programId, t.partnerAccountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    check('commission_lines_kind_ck', sql`${t.kind} in ('fixed', 'percentage', 'bonus', 'clawback')`),
  ],
);

export const PAYOUT_RUN_STATUSES = ['proposed', 'approved', 'cancelled'] as const;
export type PayoutRunStatus = (typeof PAYOUT_RUN_STATUSES)[number];

/** A payout run of a period and currency: proposed, then approved by someone else, or cancelled. */
export const payoutRuns = pgTable(
  'payout_runs',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    period: text('period').notNull(),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    periodEnd: timestamp('period_end', { withTimezone: true }).notNull(),
    /** Lines due before this instant are in it (the period's end, or the proposal's time if sooner). */
    cutoff: timestamp('cutoff', { withTimezone: true }).notNull(),
    unit: text('unit').notNull(),
    minimum: bigint('minimum', { mode: 'number' }).notNull(),
    status: text('status').$type<PayoutRunStatus>().notNull(),
    payoutCount: integer('payout_count').notNull(),
    total: bigint('total', { mode: 'number' }).notNull(),
    proposedBy: text('proposed_by').notNull(),
    proposedAt: timestamp('proposed_at', { withTimezone: true }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionReason: text('decision_reason'),
    /** Proposed by the program's due run on its payout schedule (decision 0048), not by a person. */
    scheduled: boolean('scheduled').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    // A period is paid once: concurrent proposals of one period and currency leave one run.
    uniqueIndex('payout_runs_period_uq')
      .on(t.programId, t.period, t.unit)
      .where(sql`${t.status} <> 'cancelled'`),
    // The schedule proposes a period once, even after that run was cancelled (decision 0048).
    uniqueIndex('payout_runs_scheduled_uq').on(t.programId, t.period, t.unit).where(sql`${t.scheduled}`),
    check('payout_runs_status_ck', sql`${t.status} in ('proposed', 'approved', 'cancelled')`),
  ],
);

export const PAYOUT_STATUSES = ['proposed', 'pending', 'sent', 'paid', 'failed', 'cancelled'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/** One partner's payout in a run, with its statement. */
export const partnerPayouts = pgTable(
  'partner_payouts',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    runId: text('run_id').notNull(),
    accountId: text('account_id').notNull(),
    unit: text('unit').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    status: text('status').$type<PayoutStatus>().notNull(),
    statement: jsonb('statement').$type<Statement>().notNull(),
    lineCount: integer('line_count').notNull(),
    /** The payout debit (at approval) and, for a failed payout, the entry that gave it back. */
    entryId: text('entry_id'),
    refundEntryId: text('refund_entry_id'),
    reference: text('reference'),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('partner_payouts_run_account_uq').on(t.programId, t.runId, t.accountId),
    index('partner_payouts_account_idx').on(t.programId, t.accountId, t.id),
    foreignKey({
      name: 'partner_payouts_run_fk',
      columns: [t.programId, t.runId],
      foreignColumns: [payoutRuns.programId, payoutRuns.id],
    }),
    check(
      'partner_payouts_status_ck',
      sql`${t.status} in ('proposed', 'pending', 'sent', 'paid', 'failed', 'cancelled')`,
    ),
  ],
);

/**
 * The lines a payout pays: a row per line, written with the payout in one INSERT … SELECT (a run
 * rewrites no line) and deleted when the payout is cancelled or fails (the lines go to the next run).
 * A line is in one payout at most: the primary key.
 */
export const payoutLines = pgTable(
  'payout_lines',
  {
    programId: text('program_id').notNull(),
    lineId: text('line_id').notNull(),
    payoutId: text('payout_id').notNull(),
  },
  // No index by payout: a run writes a row per line, and each index is a write per row. A payout's
  // rows are reached through its partner's lines (commission_lines_partner_idx) and this key.
  (t) => [primaryKey({ columns: [t.programId, t.lineId] })],
);

/**
 * The partners' due run of a program (decision 0052): how far the commission sweep has read the
 * events (`sweptAt`, `sweptId`: the last event seen, by `received_at` then id), and the first month
 * the payout schedule owes (`scheduleSince`, set when the due run first sees the schedule on,
 * cleared when it sees it off).
 */
export const commissionSweeps = pgTable('commission_sweeps', {
  programId: text('program_id')
    .primaryKey()
    .references(() => programs.id),
  sweptAt: timestamp('swept_at', { withTimezone: true }).notNull(),
  sweptId: text('swept_id').notNull().default(''),
  scheduleSince: text('schedule_since'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A return applied to a commission line (decision 0052): written with the clawback, so a return the
 * hook and the due run's sweep both see is applied once, even when it takes nothing back.
 */
export const commissionLineReturns = pgTable(
  'commission_line_returns',
  {
    programId: text('program_id').notNull(),
    lineId: text('line_id').notNull(),
    /** The client's id of the return. */
    returnEventId: text('return_event_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.lineId, t.returnEventId] })],
);

/**
 * An event the commission sweep failed on (decision 0055): retried by the next due runs while
 * `skippedAt` is null; after `SWEEP_ATTEMPTS` failures it is skipped (the watermark moves past it)
 * until an operator retries it. A success removes the row.
 */
export const commissionSweepSkips = pgTable(
  'commission_sweep_skips',
  {
    programId: text('program_id').notNull(),
    /** Our id of the event (`evt_…`). */
    eventId: text('event_id').notNull(),
    /** The client's id of the event. */
    externalId: text('external_id').notNull(),
    /** Where the event stands in the sweep's order (its `received_at`, as PostgreSQL wrote it). */
    receivedAt: text('received_at').notNull(),
    attempts: integer('attempts').notNull().default(1),
    lastError: text('last_error').notNull(),
    firstFailedAt: timestamp('first_failed_at', { withTimezone: true }).notNull().defaultNow(),
    lastFailedAt: timestamp('last_failed_at', { withTimezone: true }).notNull().defaultNow(),
    skippedAt: timestamp('skipped_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.eventId] }),
    foreignKey({
      name: 'commission_sweep_skips_program_fk',
      columns: [t.programId],
      foreignColumns: [programs.id],
    }),
  ],
);
