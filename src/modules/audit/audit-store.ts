import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { auditLog } from './audit-tables.ts';

export type AuditRow = typeof auditLog.$inferSelect;

export async function insertAudit(db: Executor, rows: Array<typeof auditLog.$inferInsert>): Promise<void> {
  if (rows.length > 0) await db.insert(auditLog).values(rows);
}

export interface AuditFilters {
  resourceType?: string;
  resourceId?: string;
  actor?: string;
  action?: string;
  from?: Date;
  to?: Date;
}

/** Newest first; `before` continues after the last id of the previous page. */
export async function listAudit(
  db: Executor,
  programId: string,
  f: AuditFilters,
  before: string | undefined,
  limit: number,
): Promise<AuditRow[]> {
  const where: SQL[] = [eq(auditLog.programId, programId)];
  if (f.resourceType) where.push(eq(auditLog.resourceType, f.resourceType));
  if (f.resourceId) where.push(eq(auditLog.resourceId, f.resourceId));
  if (f.actor) where.push(eq(auditLog.actor, f.actor));
  if (f.action) where.push(eq(auditLog.action, f.action));
  if (f.from) where.push(gte(auditLog.at, f.from));
  if (f.to) where.push(lt(auditLog.at, f.to));
  if (before) where.push(lt(auditLog.id, before));
  return db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
