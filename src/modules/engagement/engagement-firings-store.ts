// The program's automation firings across automations (decision 0051): newest first, filtered by
// automation, account and a range of firing instants, a keyset page after a position (the last row's
// fired-at instant, automation, subject and occurrence: the firing's key, so rows fired at the same
// instant are neither skipped nor repeated).
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import type { FiringRow } from './engagement-store.ts';
import { automationFirings as f } from './engagement-tables.ts';

export interface FiringFilters {
  automation?: string;
  accountId?: string;
  since?: Date;
  until?: Date;
}

/** Where a page continues: the last row's (fired at, automation, subject, occurrence). */
export type FiringPosition = [firedAt: string, automation: string, subjectId: string, occurrence: string];

export function firingPosition(row: FiringRow): FiringPosition {
  return [row.firedAt.toISOString(), row.automationCode, row.subjectId, row.occurrence];
}

export function listProgramFirings(
  db: Executor,
  programId: string,
  filters: FiringFilters,
  after: FiringPosition | undefined,
  limit: number,
): Promise<FiringRow[]> {
  return db
    .select()
    .from(f)
    .where(
      and(
        eq(f.programId, programId),
        filters.automation === undefined ? undefined : eq(f.automationCode, filters.automation),
        filters.accountId === undefined ? undefined : eq(f.accountId, filters.accountId),
        filters.since === undefined ? undefined : gte(f.firedAt, filters.since),
        filters.until === undefined ? undefined : lt(f.firedAt, filters.until),
        // Newest first: after the position is before it in time, then after it in key order.
        after === undefined
          ? undefined
          : sql`(${f.firedAt} < ${after[0]}::timestamptz or (${f.firedAt} = ${after[0]}::timestamptz and (${f.automationCode}, ${f.subjectId}, ${f.occurrence}) > (${after[1]}, ${after[2]}, ${after[3]})))`,
      ),
    )
    .orderBy(desc(f.firedAt), f.automationCode, f.subjectId, f.occurrence)
    .limit(limit);
}
