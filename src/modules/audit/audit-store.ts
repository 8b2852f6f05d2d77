import { gte, lt } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { equalsIf, programTable } from '../../db/rows.ts';
import { auditLog } from './audit-tables.ts';

export type AuditRow = typeof auditLog.$inferSelect;

export const insertAudit = (db: Executor, rows: Array<typeof auditLog.$inferInsert>) =>
  auditRows.insertMany(db, rows);

export interface AuditFilters {
  resourceType?: string;
  resourceId?: string;
  actor?: string;
  action?: string;
  from?: Date;
  to?: Date;
}

const auditRows = programTable(auditLog, auditLog.id);

/** Newest first; `before` continues after the last id of the previous page. */
export const listAudit = auditRows.lister(
  (f: AuditFilters) => [
    equalsIf(auditLog.resourceType, f.resourceType),
    equalsIf(auditLog.resourceId, f.resourceId),
    equalsIf(auditLog.actor, f.actor),
    equalsIf(auditLog.action, f.action),
    f.from ? gte(auditLog.at, f.from) : undefined,
    f.to ? lt(auditLog.at, f.to) : undefined,
  ],
  'desc',
);
