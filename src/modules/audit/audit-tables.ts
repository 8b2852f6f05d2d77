import { index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { programs } from '../programs/programs-tables.ts';

/**
 * Every write of program data or money: who, what, when, before and after. Immutable (a trigger
 * refuses UPDATE and DELETE).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    /** Who acted (core/access.ts actorName): an API key id `key_…`, `cli`, or `job:<job>`. */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    index('audit_log_resource_idx').on(t.programId, t.resourceType, t.resourceId),
  ],
);
