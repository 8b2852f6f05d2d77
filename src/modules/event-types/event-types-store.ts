// The SQL of program event types (built-in ones are not stored).
import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { programTable } from '../../db/rows.ts';
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

const typeRows = programTable(eventTypes, eventTypes.type);

export const findEventType = typeRows.find;

export const insertEventType = typeRows.insert;
