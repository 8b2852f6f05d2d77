// SQL of the insight module's own tables: RFM scores and the refresh record.
import { and, asc, eq, sql } from 'drizzle-orm';
import { type Executor, selectRows } from '../../db/client.ts';
import { accountByRef } from '../accounts/accounts-reads.ts';
import { insightRuns, rfmScores } from './insight-tables.ts';

export type RfmScoreRow = typeof rfmScores.$inferSelect;

export async function lastRun(db: Executor, programId: string, kind: string) {
  const [row] = await db
    .select()
    .from(insightRuns)
    .where(and(eq(insightRuns.programId, programId), eq(insightRuns.kind, kind)));
  return row;
}

/** Replaces the program's scores and its refresh record (inside the caller's transaction). */
export async function replaceScores(
  tx: Executor,
  programId: string,
  asOf: string,
  rows: Array<typeof rfmScores.$inferInsert>,
  now: Date,
): Promise<void> {
  await tx.delete(rfmScores).where(eq(rfmScores.programId, programId));
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(rfmScores).values(rows.slice(i, i + 1000));
  await tx
    .insert(insightRuns)
    .values({ programId, kind: 'rfm', asOf, refreshedAt: now, accounts: rows.length })
    .onConflictDoUpdate({
      target: [insightRuns.programId, insightRuns.kind],
      set: { asOf, refreshedAt: now, accounts: rows.length },
    });
}

/** The account a reference names (id or externalId) and its scores, if it was scored. */
export async function scoresOf(db: Executor, programId: string, ref: string) {
  const [row] = await selectRows<{ id: string; account_id: string | null }>(
    db,
    sql`select a.id, s.account_id from ${accountByRef(programId, ref)} a
          left join rfm_scores s on s.program_id = a.program_id and s.account_id = a.id`,
  );
  if (!row) return undefined;
  const [scores] = row.account_id
    ? await db
        .select()
        .from(rfmScores)
        .where(and(eq(rfmScores.programId, programId), eq(rfmScores.accountId, row.id)))
    : [];
  return { accountId: row.id, scores };
}

export async function segmentCounts(db: Executor, programId: string) {
  const rows = await selectRows<{ segment: string; accounts: string; churn_risk: string }>(
    db,
    sql`select segment, count(*)::text as accounts, count(*) filter (where churn_risk)::text as churn_risk
          from rfm_scores where program_id = ${programId} group by segment order by segment`,
  );
  return rows.map((r) => ({
    segment: r.segment,
    accounts: Number(r.accounts),
    churnRisk: Number(r.churn_risk),
  }));
}

export async function listScores(
  db: Executor,
  programId: string,
  segment: string | undefined,
  after: string | undefined,
  limit: number,
) {
  const conditions = [eq(rfmScores.programId, programId)];
  if (segment) conditions.push(eq(rfmScores.segment, segment));
  if (after) conditions.push(sql`${rfmScores.accountId} > ${after}`);
  return db
    .select()
    .from(rfmScores)
    .where(and(...conditions))
    .orderBy(asc(rfmScores.accountId))
    .limit(limit);
}
