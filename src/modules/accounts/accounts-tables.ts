import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  check,
  date,
  foreignKey,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { programs } from '../programs/programs-tables.ts';

export const ACCOUNT_STATUSES = ['prospect', 'enrolled', 'suspended', 'closed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** A member company. The parent link builds the group → subsidiary → site hierarchy. */
export const accounts = pgTable(
  'accounts',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    externalId: text('external_id'),
    name: text('name').notNull(),
    parentId: text('parent_id'),
    segment: text('segment'),
    country: text('country'),
    preferredCurrency: text('preferred_currency'),
    status: text('status').$type<AccountStatus>().notNull().default('enrolled'),
    customerSince: date('customer_since', { mode: 'string' }),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('accounts_external_id_uq').on(t.programId, t.externalId),
    index('accounts_parent_idx').on(t.programId, t.parentId),
    // The console's sorted lists (`?sort=name|createdAt`, keyset on (key, id)): a page is read from
    // the index in order, not sorted from the whole program.
    index('accounts_name_idx').on(t.programId, sql`lower(${t.name})`, t.id),
    index('accounts_created_idx').on(t.programId, t.createdAt, t.id),
    foreignKey({
      name: 'accounts_parent_fk',
      columns: [t.programId, t.parentId],
      foreignColumns: [t.programId, t.id] as [AnyPgColumn, AnyPgColumn],
    }),
    check('accounts_status_ck', sql`${t.status} in ('prospect', 'enrolled', 'suspended', 'closed')`),
    check('accounts_not_own_parent_ck', sql`${t.parentId} is null or ${t.parentId} <> ${t.id}`),
  ],
);

/**
 * Typed relationships between accounts, separate from ownership (decision 0024): `manages` (an agency
 * and its client businesses, a distributor and its dealers). A managed account inherits nothing from
 * its manager. Active from `startsAt` until `endsAt` (open-ended when null).
 */
export const accountRelationships = pgTable(
  'account_relationships',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    type: text('type').$type<'manages'>().notNull(),
    fromAccountId: text('from_account_id').notNull(),
    toAccountId: text('to_account_id').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    index('account_relationships_from_idx').on(t.programId, t.fromAccountId, t.type),
    index('account_relationships_to_idx').on(t.programId, t.toAccountId, t.type),
    foreignKey({
      name: 'account_relationships_from_fk',
      columns: [t.programId, t.fromAccountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    foreignKey({
      name: 'account_relationships_to_fk',
      columns: [t.programId, t.toAccountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    check('account_relationships_self_ck', sql`${t.fromAccountId} <> ${t.toAccountId}`),
    check('account_relationships_dates_ck', sql`${t.endsAt} is null or ${t.endsAt} > ${t.startsAt}`),
  ],
);
