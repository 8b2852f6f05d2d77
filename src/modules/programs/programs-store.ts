import { and, asc, eq, gt, isNull, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { programs } from './programs-tables.ts';

export type ProgramRow = typeof programs.$inferSelect;
export type NewProgramRow = typeof programs.$inferInsert;

export async function insertProgram(db: Executor, row: NewProgramRow): Promise<ProgramRow> {
  const [created] = await db.insert(programs).values(row).returning();
  return created!;
}

export async function findProgram(db: Executor, id: string): Promise<ProgramRow | undefined> {
  const [row] = await db.select().from(programs).where(eq(programs.id, id));
  return row;
}

/** Reads a program and locks its row until the transaction ends. */
export async function lockProgram(db: Executor, id: string): Promise<ProgramRow | undefined> {
  const [row] = await db.select().from(programs).where(eq(programs.id, id)).for('update');
  return row;
}

export async function listPrograms(db: Executor): Promise<ProgramRow[]> {
  return db.select().from(programs).orderBy(asc(programs.createdAt), asc(programs.id));
}

export async function updateProgramRow(
  db: Executor,
  id: string,
  patch: Partial<Omit<NewProgramRow, 'id' | 'createdAt'>>,
): Promise<ProgramRow | undefined> {
  const [row] = await db
    .update(programs)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(programs.id, id))
    .returning();
  return row;
}

/** A page of programs in id order after `after`; archived ones only when asked for. */
export async function listProgramPage(
  db: Executor,
  filter: { includeArchived?: boolean },
  after: string | undefined,
  limit: number,
): Promise<ProgramRow[]> {
  const conditions: SQL[] = [];
  if (!filter.includeArchived) conditions.push(isNull(programs.archivedAt));
  if (after !== undefined) conditions.push(gt(programs.id, after));
  return db
    .select()
    .from(programs)
    .where(and(...conditions))
    .orderBy(asc(programs.id))
    .limit(limit);
}
