// The SQL of program event types (built-in ones are not stored).
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { eventTypes } from './event-types-tables.ts';

export type EventTypeRow = typeof eventTypes.$inferSelect;

/** The program's own event types, by name. */
export async function listEventTypes(db: Executor, programId: string): Promise<EventTypeRow[]> {
  return db
    .select()
    .from(eventTypes)
    .where(eq(eventTypes.programId, programId))
    .orderBy(asc(eventTypes.type));
}

export async function findEventType(
  db: Executor,
  programId: string,
  type: string,
): Promise<EventTypeRow | undefined> {
  const [row] = await db
    .select()
    .from(eventTypes)
    .where(and(eq(eventTypes.programId, programId), eq(eventTypes.type, type)));
  return row;
}

export async function insertEventType(db: Executor, row: typeof eventTypes.$inferInsert): Promise<void> {
  await db.insert(eventTypes).values(row);
}
