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
import type { Evaluation } from '../../core/rules/evaluate.ts';
import { accounts } from '../accounts/accounts-tables.ts';

export interface EventItem {
  sku: string;
  category: string;
  quantity: number;
  unitPrice: string | null;
  amount: string | null;
  attributes: Record<string, unknown>;
}

/** Something that happened to an account, stored once per client event id and never changed. */
export const events = pgTable(
  'events',
  {
    /** No foreign key to programs: every event would share-lock the program's row (decision 0020). */
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    /** The client's id of the event: an event is ingested once per program and external id. */
    externalId: text('external_id').notNull(),
    type: text('type').notNull(),
    accountId: text('account_id').notNull(),
    contactId: text('contact_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    currency: text('currency'),
    amount: text('amount'),
    baseCurrency: text('base_currency').notNull(),
    /** The amount in minor units of the base currency, converted at fxRate. */
    baseAmount: bigint('base_amount', { mode: 'bigint' }),
    fxRate: text('fx_rate'),
    items: jsonb('items').$type<EventItem[]>().notNull().default([]),
    references: jsonb('references').$type<Record<string, string>>().notNull().default({}),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    /** For a return: the event (our id) it returns part of. */
    originalEventId: text('original_event_id'),
    fingerprint: text('fingerprint').notNull(),
    evaluation: jsonb('evaluation').$type<Evaluation & { notes?: string[] }>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('events_external_id_uq').on(t.programId, t.externalId),
    index('events_account_idx').on(t.programId, t.accountId, t.occurredAt),
    index('events_original_idx').on(t.programId, t.originalEventId),
    // The partners' commission sweep reads events in the order they were recorded (decision 0052).
    index('events_received_idx').on(t.programId, t.receivedAt, t.id),
    // The KPI rollup reads the orders of a month directly (its partial months, decision 0059).
    index('events_occurred_idx').on(t.programId, t.occurredAt),
    foreignKey({
      name: 'events_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
  ],
);

export const AWARD_KINDS = ['points', 'cashback', 'tier_credit'] as const;
export type AwardKind = (typeof AWARD_KINDS)[number];

/**
 * What each event awarded, rule by rule, and what returns took back (negative rows pointing at the
 * award they reverse). Append-only. Caps, budgets and returns are computed from it.
 */
export const eventAwards = pgTable(
  'event_awards',
  {
    programId: text('program_id').notNull(),
    eventId: text('event_id').notNull(),
    seq: integer('seq').notNull(),
    ruleId: text('rule_id').notNull(),
    ruleVersion: integer('rule_version').notNull(),
    accountId: text('account_id').notNull(),
    kind: text('kind').$type<AwardKind>().notNull(),
    unit: text('unit').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    /** When the earning event occurred: cap windows are counted by it. */
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** The ledger entry written (null for tier credits): the credit, or for a reversal the reverse/void entry. */
    entryId: text('entry_id'),
    /** A reversal of a still-pending credit voids it and re-credits the rest as this new pending entry. */
    replacementEntryId: text('replacement_entry_id'),
    reversesEventId: text('reverses_event_id'),
    reversesSeq: integer('reverses_seq'),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.eventId, t.seq] }),
    // No foreign key to events: the award is written by the same statement as its event
    // (fidelis_write_events), and the check's plan, cached per connection while the table was
    // small, scanned the program's events once per award (decision 0028).
    index('event_awards_rule_account_idx').on(t.programId, t.ruleId, t.accountId, t.occurredAt),
    index('event_awards_reverses_idx').on(t.programId, t.reversesEventId),
    check('event_awards_kind_ck', sql`${t.kind} in ('points', 'cashback', 'tier_credit')`),
    check(
      'event_awards_sign_ck',
      sql`(${t.reversesEventId} is null and ${t.amount} > 0) or (${t.reversesEventId} is not null and ${t.amount} < 0)`,
    ),
  ],
);
