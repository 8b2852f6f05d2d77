import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { programs } from '../programs/programs-tables.ts';

/** Exchange rates into the program's base currency: one `currency` unit is worth `rate` base units from effectiveFrom on. */
export const fxRates = pgTable(
  'fx_rates',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    currency: text('currency').notNull(),
    effectiveFrom: timestamp('effective_from', { withTimezone: true }).notNull(),
    rate: text('rate').notNull(),
    actor: text('actor'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.currency, t.effectiveFrom] })],
);
