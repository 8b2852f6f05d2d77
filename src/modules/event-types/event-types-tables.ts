// A program's own event types (built-in ones are not stored).
import { jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { programs } from '../programs/programs-tables.ts';

/** A program's own event type, with a JSON schema for its attributes. Built-in types are not stored. */
export const eventTypes = pgTable(
  'event_types',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    type: text('type').notNull(),
    description: text('description'),
    attributesSchema: jsonb('attributes_schema').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.type] })],
);
