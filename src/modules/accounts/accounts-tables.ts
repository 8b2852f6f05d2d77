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
    foreignKey({
      name: 'accounts_parent_fk',
      columns: [t.programId, t.parentId],
      foreignColumns: [t.programId, t.id] as [AnyPgColumn, AnyPgColumn],
    }),
    check('accounts_status_ck', sql`${t.status} in ('prospect', 'enrolled', 'suspended', 'closed')`),
    check('accounts_not_own_parent_ck', sql`${t.parentId} is null or ${t.parentId} <> ${t.id}`),
  ],
);
