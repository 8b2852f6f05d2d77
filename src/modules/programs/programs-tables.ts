import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** One loyalty program of one operator. Its id is the tenant key (`program_id`) of every other table. */
export const programs = pgTable('programs', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  baseCurrency: text('base_currency').notNull(),
  timeZone: text('time_zone').notNull(),
  defaultLocale: text('default_locale').notNull(),
  /** Policies of each module, keyed by module name. */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
