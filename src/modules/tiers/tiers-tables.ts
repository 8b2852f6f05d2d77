// Tier tables: ladders, each account's status per ladder, the history of changes, operator metric values.
import { foreignKey, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { LadderDocument } from '../../core/tiers/ladder.ts';
import { accounts } from '../accounts/accounts-tables.ts';
import { programs } from '../programs/programs-tables.ts';

/** A tier ladder: its document (tiers by stable code, metric, window, grace, soft landing). */
export const tierLadders = pgTable(
  'tier_ladders',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    document: jsonb('document').$type<LadderDocument>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.id] })],
);

/**
 * Where each account stands on a ladder now (a projection of tier_changes plus its dates).
 * `dueAt` is when the scheduled evaluation must look at it next (period end, grace end, override end).
 */
export const tierStatus = pgTable(
  'tier_status',
  {
    programId: text('program_id').notNull(),
    ladderId: text('ladder_id').notNull(),
    accountId: text('account_id').notNull(),
    tierCode: text('tier_code'),
    since: timestamp('since', { withTimezone: true }),
    securedUntil: timestamp('secured_until', { withTimezone: true }),
    graceUntil: timestamp('grace_until', { withTimezone: true }),
    overrideKind: text('override_kind').$type<'set' | 'freeze'>(),
    overrideTier: text('override_tier'),
    overrideUntil: timestamp('override_until', { withTimezone: true }),
    overrideReason: text('override_reason'),
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** The due instant whose downgrade notice was decided (announced or not needed): once per date. */
    downgradeNoticeFor: timestamp('downgrade_notice_for', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.ladderId, t.accountId] }),
    // The due run pages through (due_at, account_id): this index serves it without a sort.
    index('tier_status_due_idx').on(t.programId, t.ladderId, t.dueAt, t.accountId),
    // The members of a tier (the console's list, the memberships' tier filter) in account order.
    index('tier_status_tier_idx').on(t.programId, t.ladderId, t.tierCode, t.accountId),
    foreignKey({
      name: 'tier_status_ladder_fk',
      columns: [t.programId, t.ladderId],
      foreignColumns: [tierLadders.programId, tierLadders.id],
    }),
    foreignKey({
      name: 'tier_status_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
  ],
);

/** Every tier change, with its reason, append-only: the account's history and the domain events of tiers. */
export const tierChanges = pgTable(
  'tier_changes',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    ladderId: text('ladder_id').notNull(),
    accountId: text('account_id').notNull(),
    fromCode: text('from_code'),
    toCode: text('to_code'),
    fromName: text('from_name'),
    toName: text('to_name'),
    reason: text('reason').notNull(),
    /** The metric value the decision was made on, in metric units. */
    metric: text('metric'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actor: text('actor'),
    note: text('note'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    index('tier_changes_account_idx').on(t.programId, t.ladderId, t.accountId, t.at),
    foreignKey({
      name: 'tier_changes_ladder_fk',
      columns: [t.programId, t.ladderId],
      foreignColumns: [tierLadders.programId, tierLadders.id],
    }),
    foreignKey({
      name: 'tier_changes_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
  ],
);

/** Values the operator sends for the operator_value metric (e.g. combined balance), latest by `at` counts. */
export const tierMetricValues = pgTable(
  'tier_metric_values',
  {
    programId: text('program_id').notNull(),
    ladderId: text('ladder_id').notNull(),
    accountId: text('account_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    value: text('value').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.ladderId, t.accountId, t.at] }),
    foreignKey({
      name: 'tier_metric_values_ladder_fk',
      columns: [t.programId, t.ladderId],
      foreignColumns: [tierLadders.programId, tierLadders.id],
    }),
    foreignKey({
      name: 'tier_metric_values_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
  ],
);
