import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { programs } from '../programs/programs-tables.ts';

/** One row per (program, Idempotency-Key): the request's fingerprint and, once done, its response. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    state: text('state').$type<'in_flight' | 'done'>().notNull(),
    statusCode: integer('status_code'),
    responseBody: jsonb('response_body'),
    /** Headers of the first response that a replay repeats (location). */
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.programId, t.key] })],
);
