// Tier SQL, nothing else: ladders, statuses, the history of changes and operator metric values; every
// query filters on the program.
import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, ne, or, sql } from 'drizzle-orm';
import { type Executor, selectRows, textArray } from '../../db/client.ts';
import { programTable } from '../../db/rows.ts';
import { tierChanges, tierLadders, tierMetricValues, tierStatus } from './tiers-tables.ts';

export type LadderRow = typeof tierLadders.$inferSelect;
export type StatusRow = typeof tierStatus.$inferSelect;
export type ChangeRow = typeof tierChanges.$inferSelect;

const ladders = programTable(tierLadders, tierLadders.id);
const statuses = programTable(tierStatus, tierStatus.accountId);

export const insertLadder = ladders.insert;
export const findLadder = ladders.find;

export function updateLadderRow(
  db: Executor,
  programId: string,
  id: string,
  document: LadderRow['document'],
) {
  return ladders.update(db, programId, id, { document, updatedAt: new Date() });
}

export async function listLadders(db: Executor, programId: string): Promise<LadderRow[]> {
  return db
    .select()
    .from(tierLadders)
    .where(eq(tierLadders.programId, programId))
    .orderBy(asc(tierLadders.id));
}

export async function statusesOf(db: Executor, programId: string, accountId: string) {
  return db.select().from(tierStatus).where(statuses.key(programId, accountId));
}

export async function saveStatus(db: Executor, row: typeof tierStatus.$inferInsert): Promise<void> {
  const { programId, ladderId, accountId, ...rest } = row;
  await db
    .insert(tierStatus)
    .values(row)
    .onConflictDoUpdate({
      target: [tierStatus.programId, tierStatus.ladderId, tierStatus.accountId],
      set: { ...rest, updatedAt: new Date() },
    });
}

/**
 * Statuses due for evaluation at `now`, oldest due first, locked for the transaction; rows another
 * run holds are skipped, so several instances share the work.
 */
export async function lockDueStatuses(
  db: Executor,
  programId: string,
  ladderId: string,
  now: Date,
  limit: number,
): Promise<StatusRow[]> {
  return db
    .select()
    .from(tierStatus)
    .where(statuses.within(programId, eq(tierStatus.ladderId, ladderId), lte(tierStatus.dueAt, now)))
    .orderBy(asc(tierStatus.dueAt), asc(tierStatus.accountId))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/**
 * Statuses holding a tier whose next evaluation falls in (now, until] and whose downgrade notice
 * for that date is not decided yet, locked for the transaction (rows another run holds are skipped).
 */
export async function lockNoticeDue(
  db: Executor,
  programId: string,
  ladderId: string,
  now: Date,
  until: Date,
  limit: number,
): Promise<StatusRow[]> {
  return db
    .select()
    .from(tierStatus)
    .where(
      statuses.within(
        programId,
        eq(tierStatus.ladderId, ladderId),
        gt(tierStatus.dueAt, now),
        lte(tierStatus.dueAt, until),
        isNotNull(tierStatus.tierCode),
        or(isNull(tierStatus.downgradeNoticeFor), ne(tierStatus.downgradeNoticeFor, tierStatus.dueAt)),
      ),
    )
    .orderBy(asc(tierStatus.dueAt), asc(tierStatus.accountId))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Records that the downgrade notice of each status's current due instant is decided. */
export async function markNoticeDecided(
  db: Executor,
  programId: string,
  ladderId: string,
  accountIds: string[],
): Promise<void> {
  if (accountIds.length === 0) return;
  await db
    .update(tierStatus)
    .set({ downgradeNoticeFor: sql`${tierStatus.dueAt}` })
    .where(
      statuses.within(
        programId,
        eq(tierStatus.ladderId, ladderId),
        inArray(tierStatus.accountId, accountIds),
      ),
    );
}

function statusRowsQuery(db: Executor, programId: string, ladderId: string, accountIds: string[]) {
  return db
    .select()
    .from(tierStatus)
    .where(
      statuses.within(
        programId,
        eq(tierStatus.ladderId, ladderId),
        inArray(tierStatus.accountId, accountIds),
      ),
    );
}

/** The status rows of these accounts (those that exist). */
export async function statusRows(
  db: Executor,
  programId: string,
  ladderId: string,
  accountIds: string[],
): Promise<StatusRow[]> {
  if (accountIds.length === 0) return [];
  return statusRowsQuery(db, programId, ladderId, accountIds);
}

/** The status rows of these accounts (those that exist), locked for the transaction. */
export async function lockStatusRows(
  db: Executor,
  programId: string,
  ladderId: string,
  accountIds: string[],
): Promise<StatusRow[]> {
  if (accountIds.length === 0) return [];
  return statusRowsQuery(db, programId, ladderId, accountIds).for('update');
}

/** Writes statuses that do not exist yet; an existing one (written meanwhile) is left as it is. */
export async function addStatuses(db: Executor, rows: Array<typeof tierStatus.$inferInsert>): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(tierStatus).values(rows).onConflictDoNothing();
}

/** Writes many statuses in one statement. */
export async function saveStatuses(db: Executor, rows: Array<typeof tierStatus.$inferInsert>): Promise<void> {
  if (rows.length === 0) return;
  const excluded = (column: string) => sql.raw(`excluded.${column}`);
  await db
    .insert(tierStatus)
    .values(rows)
    .onConflictDoUpdate({
      target: [tierStatus.programId, tierStatus.ladderId, tierStatus.accountId],
      set: {
        tierCode: excluded('tier_code'),
        since: excluded('since'),
        securedUntil: excluded('secured_until'),
        graceUntil: excluded('grace_until'),
        overrideKind: excluded('override_kind'),
        overrideTier: excluded('override_tier'),
        overrideUntil: excluded('override_until'),
        overrideReason: excluded('override_reason'),
        dueAt: excluded('due_at'),
        updatedAt: sql`now()`,
      },
    });
}

export async function statusPage(
  db: Executor,
  programId: string,
  ladderId: string,
  after: string,
  limit: number,
) {
  return db
    .select()
    .from(tierStatus)
    .where(
      and(
        eq(tierStatus.programId, programId),
        eq(tierStatus.ladderId, ladderId),
        sql`${tierStatus.accountId} > ${after}`,
      ),
    )
    .orderBy(asc(tierStatus.accountId))
    .limit(limit);
}

export async function insertChanges(
  db: Executor,
  rows: Array<typeof tierChanges.$inferInsert>,
): Promise<void> {
  if (rows.length > 0) await db.insert(tierChanges).values(rows);
}

export async function changesOf(db: Executor, programId: string, accountId: string, ladderId?: string) {
  return db
    .select()
    .from(tierChanges)
    .where(
      and(
        eq(tierChanges.programId, programId),
        eq(tierChanges.accountId, accountId),
        ladderId ? eq(tierChanges.ladderId, ladderId) : undefined,
      ),
    )
    .orderBy(asc(tierChanges.at), asc(tierChanges.id));
}

/**
 * The tier each account held at each instant by its history (the last change at or before it), many
 * (account, instant) pairs in one query: the codes in the order asked.
 */
export async function tiersAtInstants(
  db: Executor,
  programId: string,
  ladderId: string,
  asked: Array<{ accountId: string; at: Date }>,
): Promise<Array<string | null>> {
  if (asked.length === 0) return [];
  const rows = await selectRows<{ n: number; code: string | null }>(
    db,
    sql`select q.n, (select c.to_code from tier_changes c
                      where c.program_id = ${programId} and c.ladder_id = ${ladderId}
                        and c.account_id = q.a and c.at <= q.t
                      order by c.at desc, c.id desc limit 1) as code
          from unnest(${textArray(asked.map((q) => q.accountId))}, ${textArray(
            asked.map((q) => q.at.toISOString()),
            'timestamptz',
          )}) with ordinality as q(a, t, n)`,
  );
  const codes: Array<string | null> = asked.map(() => null);
  // (unnest's ordinality counts from 1.)
  for (const r of rows) codes[Number(r.n) - 1] = r.code;
  return codes;
}

export async function insertMetricValues(db: Executor, rows: Array<typeof tierMetricValues.$inferInsert>) {
  if (rows.length === 0) return;
  await db
    .insert(tierMetricValues)
    .values(rows)
    .onConflictDoUpdate({
      target: [
        tierMetricValues.programId,
        tierMetricValues.ladderId,
        tierMetricValues.accountId,
        tierMetricValues.at,
      ],
      set: { value: sql`excluded.value` },
    });
}

/** The latest operator value at or before each window's end, per key (summed over a group's accounts). */
export async function operatorValues(
  db: Executor,
  programId: string,
  ladderId: string,
  windows: Array<{ key: string; accountId: string; to: Date }>,
): Promise<Map<string, string[]>> {
  if (windows.length === 0) return new Map();
  const rows = await selectRows<{ key: string; value: string | null }>(
    db,
    sql`select q.key, (select v.value from tier_metric_values v
                        where v.program_id = ${programId} and v.ladder_id = ${ladderId}
                          and v.account_id = q.account_id and v.at <= q.t
                        order by v.at desc limit 1) as value
          from unnest(${textArray(windows.map((w) => w.key))}, ${textArray(windows.map((w) => w.accountId))},
            ${textArray(
              windows.map((w) => w.to.toISOString()),
              'timestamptz',
            )}) as q(key, account_id, t)`,
  );
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const list = out.get(r.key) ?? [];
    if (r.value !== null) list.push(r.value);
    out.set(r.key, list);
  }
  return out;
}

/** A page of the statuses on one tier of a ladder, in account id order after `after`. */
export async function listTierMembers(
  db: Executor,
  programId: string,
  ladderId: string,
  tierCode: string,
  after: string | undefined,
  limit: number,
): Promise<StatusRow[]> {
  return db
    .select()
    .from(tierStatus)
    .where(
      statuses.within(
        programId,
        eq(tierStatus.ladderId, ladderId),
        eq(tierStatus.tierCode, tierCode),
        after === undefined ? undefined : gt(tierStatus.accountId, after),
      ),
    )
    .orderBy(asc(tierStatus.accountId))
    .limit(limit);
}
