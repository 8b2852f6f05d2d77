import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { programs } from '../programs/programs-tables.ts';

/**
 * One e-mail to one contact (decision 0027): a notice about an outbox message, or a statement of a
 * period. `key` makes it once only (`<messageId>:<contactId>`, `statement:<period>:<contactId>`);
 * it is rendered and sent by a job of the queue (`queued` once its job is written).
 */
export const notificationMails = pgTable(
  'notification_mails',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    contactId: text('contact_id').notNull(),
    accountId: text('account_id').notNull(),
    /** The outbox message it reports, or null for a statement. */
    messageId: text('message_id'),
    /** `YYYY-MM` for a statement. */
    period: text('period'),
    /** pending, sent, skipped (opted out or no longer a contact) or failed (every attempt failed). */
    state: text('state').notNull().default('pending'),
    queued: boolean('queued').notNull().default(false),
    attempts: integer('attempts').notNull().default(0),
    toAddress: text('to_address'),
    subject: text('subject'),
    locale: text('locale'),
    lastError: text('last_error'),
    /** The secret of the mail's unsubscribe link (random, 144 bits): who holds the mail may opt out. */
    unsubscribeToken: text('unsubscribe_token'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('notification_mails_key_uq').on(t.programId, t.key),
    uniqueIndex('notification_mails_unsubscribe_uq').on(t.unsubscribeToken),
    index('notification_mails_unqueued_idx').on(t.createdAt).where(sql`queued = false`),
    check('notification_mails_state_ck', sql`${t.state} in ('pending', 'sent', 'skipped', 'failed')`),
  ],
);

/** A contact who asked for no e-mail from the program. */
export const notificationOptOuts = pgTable(
  'notification_opt_outs',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    contactId: text('contact_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.contactId] })],
);

/** Lots already announced as expiring soon (once per lot and expiry date). */
export const expiryNotices = pgTable(
  'expiry_notices',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    lotId: text('lot_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.lotId, t.expiresAt] })],
);

/** Statement runs already done (once per program and period). */
export const statementRuns = pgTable(
  'statement_runs',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    period: text('period').notNull(),
    mails: integer('mails').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.period] })],
);
