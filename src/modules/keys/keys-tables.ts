import { index, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { programs } from '../programs/programs-tables.ts';

/** API keys: stored only as a SHA-256 hash; the secret is shown once at creation. */
export const apiKeys = pgTable(
  'api_keys',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    name: text('name').notNull(),
    /** The first characters of the key, to recognise it in lists. */
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    scopes: text('scopes').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('api_keys_hash_uq').on(t.hash),
    index('api_keys_program_idx').on(t.programId, t.createdAt),
  ],
);
