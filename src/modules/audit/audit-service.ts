// The audit log: every admin write recorded in its own transaction, and read back newest first.
import { afterCursor, DEFAULT_LIMIT, type Page, toPage } from '../../core/pagination.ts';
import type { Database, Executor } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { type AuditFilters, type AuditRow, insertAudit, listAudit } from './audit-store.ts';

export interface AuditRecord {
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string;
  before?: unknown;
  after?: unknown;
}

export function toAuditEntry(row: AuditRow) {
  return {
    id: row.id,
    actor: row.actor,
    action: row.action,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    before: row.before ?? null,
    after: row.after ?? null,
    at: row.at.toISOString(),
  };
}

export function createAuditService(database: Database) {
  return {
    /** Records an admin write; call it inside the write's own transaction so both land or neither. */
    record: (db: Executor, programId: string, r: AuditRecord) =>
      insertAudit(db, {
        programId,
        id: newId('aud'),
        actor: r.actor,
        action: r.action,
        resourceType: r.resourceType,
        resourceId: r.resourceId,
        before: r.before ?? null,
        after: r.after ?? null,
      }),

    /** A callback that records an admin write of `resourceType` (the resource is the written row). */
    recorder(programId: string, actor: string, action: string, resourceType: string) {
      return async (db: Executor, after: { id: string }, before?: unknown) => {
        await this.record(db, programId, {
          actor,
          action,
          resourceType,
          resourceId: after.id,
          before,
          after,
        });
      };
    },

    async list(
      programId: string,
      query: AuditFilters & { limit?: number; cursor?: string },
    ): Promise<Page<ReturnType<typeof toAuditEntry>>> {
      const limit = query.limit ?? DEFAULT_LIMIT;
      const rows = await listAudit(database.db, programId, query, afterCursor(query.cursor), limit + 1);
      return toPage(rows, limit, toAuditEntry);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
