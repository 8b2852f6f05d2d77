import { foreignKey, index, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { programs } from '../programs/programs-tables.ts';

/**
 * Console users: people who sign in to the console of one program. The password is kept only as
 * an scrypt hash (`scrypt$<log2 N>$<r>$<p>$<salt>$<hash>`). An e-mail address signs in to one
 * program, so it is unique across the installation.
 */
export const consoleUsers = pgTable(
  'console_users',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    email: text('email').notNull(),
    name: text('name'),
    role: text('role').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.programId, t.id] }), uniqueIndex('console_users_email_uq').on(t.email)],
);

/** Console sessions: the cookie's token is kept only as a SHA-256 hash; a session ends at `expiresAt`. */
export const consoleSessions = pgTable(
  'console_sessions',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    userId: text('user_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('console_sessions_token_uq').on(t.tokenHash),
    index('console_sessions_user_idx').on(t.programId, t.userId),
    foreignKey({
      columns: [t.programId, t.userId],
      foreignColumns: [consoleUsers.programId, consoleUsers.id],
    }).onDelete('cascade'),
  ],
);
