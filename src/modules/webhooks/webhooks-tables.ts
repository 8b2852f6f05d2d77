import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { programs } from '../programs/programs-tables.ts';

/**
 * Where a program's webhooks go (decision 0016). The signing secret is kept (it signs every
 * message, so it cannot be a hash) and shown once; during a rotation's overlap the previous secret
 * signs too. Changes bump the program's cache_versions counter by trigger (the outbox's cache).
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    url: text('url').notNull(),
    description: text('description'),
    /** The message types it receives; empty: every type. */
    eventTypes: text('event_types').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Why it was disabled by Fidelis (`failing`), null when enabled or disabled by an operator. */
    disabledReason: text('disabled_reason'),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretUntil: timestamp('previous_secret_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.id] })],
);

/** One message to one endpoint: delivered by a job of the queue, retried with back-off. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    messageId: text('message_id').notNull(),
    /** pending, succeeded, failed (every attempt failed), skipped (the endpoint was disabled). */
    state: text('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** A replay's delivery says so (the operator asked for it again). */
    replay: boolean('replay').notNull().default(false),
    /**
     * Its job is in the queue (written in the same transaction). A delivery written where no queue
     * runs (the CLI, a test without workers) waits here until an instance's dispatcher queues it.
     */
    queued: boolean('queued').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    index('webhook_deliveries_endpoint_idx').on(t.programId, t.endpointId, t.id),
    index('webhook_deliveries_unqueued_idx').on(t.createdAt).where(sql`not queued`),
  ],
);

/** The delivery log: every attempt with its status, latency and the start of the response. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    deliveryId: text('delivery_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    messageId: text('message_id').notNull(),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** The HTTP status, null when no response came (refused, timed out, blocked). */
    status: integer('status'),
    succeeded: boolean('succeeded').notNull(),
    latencyMs: integer('latency_ms').notNull(),
    /** The first 1,000 characters of the response body, or the error. */
    response: text('response').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    index('webhook_attempts_endpoint_idx').on(t.programId, t.endpointId, t.id),
  ],
);
