import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { programs } from '../programs/programs-tables.ts';

/**
 * The transactional outbox (decision 0016): what happened, written in the transaction of the change
 * it reports, so no committed change goes unannounced and nothing is announced that did not commit.
 * A dispatcher hands each message to the endpoints subscribed to it (`dispatched_at` then set).
 */
export const outboxMessages = pgTable(
  'outbox_messages',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    /** `msg_…`, sortable by creation: the Standard Webhooks `webhook-id`. */
    id: text('id').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    /** When the mailer turned it into e-mails (decision 0027); set at once for a type nobody mails. */
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    index('outbox_messages_undispatched_idx').on(t.createdAt).where(sql`dispatched_at is null`),
    index('outbox_messages_unnotified_idx').on(t.createdAt).where(sql`notified_at is null`),
    index('outbox_messages_created_idx').on(t.programId, t.createdAt),
  ],
);
