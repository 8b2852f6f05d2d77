// The audit log: every write of program data or money, recorded by the service that writes it in the
// write's own transaction (so writes from the API, the CLI and the server's jobs are all recorded),
// and read back newest first.
import { type Actor, actorName } from '../../core/access.ts';
import { fetchPage, type Page } from '../../core/pagination.ts';
import type { Database, Executor } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { type AuditFilters, type AuditRow, insertAudit, listAudit } from './audit-store.ts';

export interface AuditRecord {
  /** Who wrote: recorded by name (`key_…`, `cli`, `job:<job>`, see actorName). */
  actor: Actor;
  /** `<resource type>.<verb>`: `account.create`, `import.accounts`, `membership.join`. */
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

const rowOf = (programId: string, r: AuditRecord) => ({
  programId,
  id: newId('aud'),
  actor: actorName(r.actor),
  action: r.action,
  resourceType: r.resourceType,
  resourceId: r.resourceId,
  before: r.before ?? null,
  after: r.after ?? null,
});

/**
 * The port to the users module (wired in app/compose.ts): the display names of the console users
 * among `actors` (`usr_…`), read in one query; the others are left out.
 */
export type ActorNames = (
  db: Executor,
  programId: string,
  actors: ReadonlyArray<string | null>,
) => Promise<Map<string, string>>;

export function createAuditService(database: Database, actorNames?: ActorNames) {
  return {
    /** Records a write; call it inside the write's own transaction so both land or neither. */
    record: (db: Executor, programId: string, r: AuditRecord) => insertAudit(db, [rowOf(programId, r)]),

    /** Records several writes of one transaction in one statement (in the order given). */
    recordAll: (db: Executor, programId: string, records: AuditRecord[]) =>
      insertAudit(
        db,
        records.map((r) => rowOf(programId, r)),
      ),

    /** A page of entries, each with `actorName`: a console user's name (or e-mail), else null. */
    async list(
      programId: string,
      query: AuditFilters & { limit?: number; cursor?: string },
    ): Promise<Page<ReturnType<typeof toAuditEntry> & { actorName: string | null }>> {
      const page = await fetchPage(
        query,
        (after, limit) => listAudit(database.db, programId, query, after, limit),
        toAuditEntry,
      );
      const names = actorNames
        ? await actorNames(
            database.db,
            programId,
            page.data.map((e) => e.actor),
          )
        : new Map<string, string>();
      return { ...page, data: page.data.map((e) => ({ ...e, actorName: names.get(e.actor) ?? null })) };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
