import { foreignKey, index, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { contacts } from '../contacts/contacts-tables.ts';
import { programs } from '../programs/programs-tables.ts';

/**
 * One-time portal links (decision 0019): minted by the operator's site for a contact, opened once
 * within minutes. The token is kept only as a SHA-256 hash; `usedAt` marks the one exchange.
 */
export const portalLinks = pgTable(
  'portal_links',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    contactId: text('contact_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('portal_links_token_uq').on(t.tokenHash),
    foreignKey({
      name: 'portal_links_contact_fk',
      columns: [t.programId, t.contactId],
      foreignColumns: [contacts.programId, contacts.id],
    }),
  ],
);

/** Member sessions of the portal: the cookie's token only as a SHA-256 hash; a session ends at `expiresAt`. */
export const portalSessions = pgTable(
  'portal_sessions',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    contactId: text('contact_id').notNull(),
    linkId: text('link_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('portal_sessions_token_uq').on(t.tokenHash),
    index('portal_sessions_contact_idx').on(t.programId, t.contactId),
    foreignKey({
      name: 'portal_sessions_contact_fk',
      columns: [t.programId, t.contactId],
      foreignColumns: [contacts.programId, contacts.id],
    }),
  ],
);
