// SQL of the webhooks module: endpoints, deliveries and the attempt log.
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from './webhooks-tables.ts';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

export const insertEndpoint = async (ex: Executor, row: typeof webhookEndpoints.$inferInsert) =>
  (await ex.insert(webhookEndpoints).values(row).returning())[0]!;

export async function findEndpoint(
  ex: Executor,
  programId: string,
  id: string,
): Promise<EndpointRow | undefined> {
  const [row] = await ex
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.programId, programId), eq(webhookEndpoints.id, id)));
  return row;
}

export async function lockEndpoint(
  ex: Executor,
  programId: string,
  id: string,
): Promise<EndpointRow | undefined> {
  const [row] = await ex
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.programId, programId), eq(webhookEndpoints.id, id)))
    .for('update');
  return row;
}

export async function updateEndpoint(
  ex: Executor,
  programId: string,
  id: string,
  set: Partial<typeof webhookEndpoints.$inferInsert>,
): Promise<EndpointRow> {
  const [row] = await ex
    .update(webhookEndpoints)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(webhookEndpoints.programId, programId), eq(webhookEndpoints.id, id)))
    .returning();
  return row!;
}

export const listEndpoints = (ex: Executor, programId: string, after: string | undefined, limit: number) =>
  ex
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.programId, programId),
        after ? sql`${webhookEndpoints.id} > ${after}` : undefined,
      ),
    )
    .orderBy(webhookEndpoints.id)
    .limit(limit);

export const enabledEndpoints = (ex: Executor, programId: string) =>
  ex
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.programId, programId), eq(webhookEndpoints.enabled, true)));

export const insertDeliveries = async (ex: Executor, rows: (typeof webhookDeliveries.$inferInsert)[]) =>
  rows.length === 0 ? [] : ex.insert(webhookDeliveries).values(rows).returning();

export async function findDelivery(
  ex: Executor,
  programId: string,
  id: string,
): Promise<DeliveryRow | undefined> {
  const [row] = await ex
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.programId, programId), eq(webhookDeliveries.id, id)));
  return row;
}

export const updateDelivery = (
  ex: Executor,
  programId: string,
  id: string,
  set: Partial<typeof webhookDeliveries.$inferInsert>,
) =>
  ex
    .update(webhookDeliveries)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(webhookDeliveries.programId, programId), eq(webhookDeliveries.id, id)));

export const insertAttempt = (ex: Executor, row: typeof webhookAttempts.$inferInsert) =>
  ex.insert(webhookAttempts).values(row);

export const listAttempts = (
  ex: Executor,
  programId: string,
  endpointId: string,
  messageId: string | undefined,
  after: string | undefined,
  limit: number,
) =>
  ex
    .select()
    .from(webhookAttempts)
    .where(
      and(
        eq(webhookAttempts.programId, programId),
        eq(webhookAttempts.endpointId, endpointId),
        messageId ? eq(webhookAttempts.messageId, messageId) : undefined,
        after ? lt(webhookAttempts.id, after) : undefined,
      ),
    )
    .orderBy(desc(webhookAttempts.id))
    .limit(limit);

/** Deliveries whose job is not queued yet, locked for this dispatcher (others skip them). */
export const lockUnqueuedDeliveries = (ex: Executor, limit: number) =>
  ex
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.queued, false))
    .orderBy(webhookDeliveries.createdAt)
    .limit(limit)
    .for('update', { skipLocked: true });
