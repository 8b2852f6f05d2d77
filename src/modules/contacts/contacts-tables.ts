import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { accounts } from '../accounts/accounts-tables.ts';

export const CONTACT_ROLES = ['owner', 'admin', 'buyer', 'approver', 'viewer'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];

/** A person at an account. The email is stored lower-cased and is unique per program. */
export const contacts = pgTable(
  'contacts',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    accountId: text('account_id').notNull(),
    email: text('email').notNull(),
    name: text('name'),
    role: text('role').$type<ContactRole>().notNull().default('buyer'),
    birthday: date('birthday', { mode: 'string' }),
    locale: text('locale'),
    marketingOptIn: boolean('marketing_opt_in').notNull().default(false),
    statementOptIn: boolean('statement_opt_in').notNull().default(false),
    /** Set when the person left or may no longer take part: no portal, no mail, kept for history. */
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('contacts_email_uq').on(t.programId, t.email),
    index('contacts_account_idx').on(t.programId, t.accountId),
    foreignKey({
      name: 'contacts_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    check('contacts_role_ck', sql`${t.role} in ('owner', 'admin', 'buyer', 'approver', 'viewer')`),
  ],
);
