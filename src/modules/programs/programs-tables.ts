import { sql } from 'drizzle-orm';
import { bigint, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** One loyalty program of one operator. Its id is the tenant key (`program_id`) of every other table. */
export const programs = pgTable(
  'programs',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    baseCurrency: text('base_currency').notNull(),
    timeZone: text('time_zone').notNull(),
    defaultLocale: text('default_locale').notNull(),
    /** Policies of each module, keyed by module name. */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set when an operator archived the program: its keys and console sessions no longer act for it. */
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [
    // The member portal's address, /portal/{slug} (settings.portal.slug, else the program id in lower
    // case), is one program's: unique across programs, whatever writes at once (decision 0022).
    uniqueIndex('programs_portal_slug_uq').on(
      sql`(coalesce(${t.settings} #>> '{portal,slug}', lower(${t.id})))`,
    ),
  ],
);

/**
 * Per program, a counter that every change to what the hot path caches (the program row, rule
 * versions, tier ladders) bumps in the same transaction, by trigger (decision 0014). A program
 * without a row has never changed since it was created (version 0).
 */
export const cacheVersions = pgTable('cache_versions', {
  programId: text('program_id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
});
