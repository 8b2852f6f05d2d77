// SQL of commissions: plans, partner assignments, commission lines, payout runs and payouts.
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import { type Executor, selectRows, textArray } from '../../db/client.ts';
import { equalsIf, programTable } from '../../db/rows.ts';
import {
  commissionLines,
  commissionPartners,
  commissionPlans,
  partnerPayouts,
  payoutLines,
  payoutRuns,
} from './partners-commission-tables.ts';
import { referrals } from './partners-tables.ts';

export type CommissionPlanRow = typeof commissionPlans.$inferSelect;
export type CommissionPartnerRow = typeof commissionPartners.$inferSelect;
export type CommissionLineRow = typeof commissionLines.$inferSelect;
/** A line with the payout it is in (payout_lines), if any. */
export type PaidLineRow = CommissionLineRow & { payoutId: string | null };
export type NewCommissionLineRow = typeof commissionLines.$inferInsert;
export type PayoutRunRow = typeof payoutRuns.$inferSelect;
export type PartnerPayoutRow = typeof partnerPayouts.$inferSelect;
type ReferralRow = typeof referrals.$inferSelect;

const planRows = programTable(commissionPlans, commissionPlans.code);
export const insertPlan = planRows.insert;
export const findPlan = planRows.find;
export const lockPlan = planRows.lock;
export const updatePlan = planRows.update;
export const listPlans = planRows.lister<Record<string, never>>(() => []);

export function activePlans(db: Executor, programId: string): Promise<CommissionPlanRow[]> {
  return db
    .select()
    .from(commissionPlans)
    .where(and(eq(commissionPlans.programId, programId), eq(commissionPlans.active, true)));
}

const partnerRows = programTable(commissionPartners, commissionPartners.accountId);
export const findAssignment = partnerRows.find;
export const lockAssignment = partnerRows.lock;
export const listAssignments = partnerRows.lister((f: { planCode?: string }) => [
  equalsIf(commissionPartners.planCode, f.planCode),
]);

export async function upsertAssignment(
  db: Executor,
  row: typeof commissionPartners.$inferInsert,
): Promise<CommissionPartnerRow> {
  const [saved] = await db
    .insert(commissionPartners)
    .values(row)
    .onConflictDoUpdate({
      target: [commissionPartners.programId, commissionPartners.accountId],
      // The same plan again keeps `assigned_at` (decision 0055): the sweep pays events from then on.
      set: {
        planCode: row.planCode,
        actor: row.actor,
        assignedAt: sql`case when ${commissionPartners.planCode} = excluded.plan_code
                             then ${commissionPartners.assignedAt} else excluded.assigned_at end`,
      },
    })
    .returning();
  return saved!;
}

export async function deleteAssignment(db: Executor, programId: string, accountId: string): Promise<boolean> {
  const gone = await db
    .delete(commissionPartners)
    .where(partnerRows.key(programId, accountId))
    .returning({ id: commissionPartners.accountId });
  return gone.length > 0;
}

/** The referrals (not rejected) of these referred accounts. */
export function referralsOfReferred(
  db: Executor,
  programId: string,
  referredAccountIds: string[],
): Promise<ReferralRow[]> {
  if (referredAccountIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(referrals)
    .where(
      and(
        eq(referrals.programId, programId),
        inArray(referrals.referredAccountId, referredAccountIds),
        inArray(referrals.status, ['pending', 'converted']),
      ),
    );
}

const lineRows = programTable(commissionLines, commissionLines.id);
export const findLine = lineRows.find;
export const lockLine = lineRows.lock;
export const updateLine = lineRows.update;
const pageOfLines = lineRows.lister(
  (f: { partnerAccountId?: string; payoutId?: string; kind?: string; eventId?: string }) => [
    equalsIf(commissionLines.partnerAccountId, f.partnerAccountId),
    // A payout's lines: its partner's (by their index), each in payout_lines with it.
    f.payoutId
      ? sql`${commissionLines.partnerAccountId} = (select p.account_id from partner_payouts p
                where p.program_id = ${commissionLines.programId} and p.id = ${f.payoutId})
            and exists (select 1 from payout_lines pl where pl.program_id = ${commissionLines.programId}
                         and pl.line_id = ${commissionLines.id} and pl.payout_id = ${f.payoutId})`
      : undefined,
    equalsIf(commissionLines.kind, f.kind),
    equalsIf(commissionLines.eventId, f.eventId),
  ],
);

/** A page of lines (of a partner, a payout, a kind, an event), each with the payout it is in. */
export async function listLines(
  db: Executor,
  programId: string,
  filters: Parameters<typeof pageOfLines>[2],
  cursor: string | undefined,
  limit: number,
): Promise<PaidLineRow[]> {
  const rows = await pageOfLines(db, programId, filters, cursor, limit);
  if (rows.length === 0) return [];
  const paid = await db
    .select({ lineId: payoutLines.lineId, payoutId: payoutLines.payoutId })
    .from(payoutLines)
    .where(
      and(
        eq(payoutLines.programId, programId),
        inArray(
          payoutLines.lineId,
          rows.map((r) => r.id),
        ),
      ),
    );
  const payoutOf = new Map(paid.map((p) => [p.lineId, p.payoutId]));
  return rows.map((r) => ({ ...r, payoutId: payoutOf.get(r.id) ?? null }));
}

export function lineByKey(db: Executor, programId: string, key: string) {
  return lineRows.findWhere(db, programId, eq(commissionLines.key, key));
}

export async function insertLine(db: Executor, row: NewCommissionLineRow): Promise<CommissionLineRow> {
  const [created] = await db.insert(commissionLines).values(row).returning();
  return created!;
}

/** The paying lines (not clawbacks) of these events, locked, oldest first. */
export function lockLinesOfEvent(db: Executor, programId: string, eventId: string) {
  return db
    .select()
    .from(commissionLines)
    .where(
      and(
        eq(commissionLines.programId, programId),
        eq(commissionLines.eventId, eventId),
        inArray(commissionLines.kind, ['fixed', 'percentage']),
      ),
    )
    .orderBy(asc(commissionLines.id))
    .for('update');
}

/** The partner's referred revenue in a period so far (what tiers and targets count). */
export async function volumeIn(
  db: Executor,
  programId: string,
  partnerAccountId: string,
  planCode: string,
  period: string,
): Promise<bigint> {
  const [row] = await db
    .select({ v: sql<string>`coalesce(sum(${commissionLines.revenueMinor}), 0)::text` })
    .from(commissionLines)
    .where(
      and(
        eq(commissionLines.programId, programId),
        eq(commissionLines.partnerAccountId, partnerAccountId),
        eq(commissionLines.planCode, planCode),
        eq(commissionLines.period, period),
        eq(commissionLines.kind, 'percentage'),
      ),
    );
  return BigInt(row?.v ?? '0');
}

export interface OwedRow {
  accountId: string;
  carried: number;
  commissions: number;
  clawbacks: number;
}

/**
 * Per partner with lines in `unit` due before `cutoff`: what lines due before `start` add up to
 * less every payout not failed or cancelled (carried), and the period's commissions and clawbacks.
 */
export async function owedBefore(
  db: Executor,
  programId: string,
  unit: string,
  start: Date,
  cutoff: Date,
): Promise<OwedRow[]> {
  const l = commissionLines;
  const rows = await db
    .select({
      accountId: l.partnerAccountId,
      carried: sql<string>`coalesce(sum(${l.amount}) filter (where ${l.dueAt} < ${start}), 0)::text`,
      commissions: sql<string>`coalesce(sum(${l.amount}) filter (where ${l.dueAt} >= ${start} and ${l.amount} > 0), 0)::text`,
      clawbacks: sql<string>`coalesce(-sum(${l.amount}) filter (where ${l.dueAt} >= ${start} and ${l.amount} < 0), 0)::text`,
    })
    .from(l)
    .where(and(eq(l.programId, programId), eq(l.unit, unit), lt(l.dueAt, cutoff)))
    .groupBy(l.partnerAccountId)
    .orderBy(l.partnerAccountId);
  const paid = await db
    .select({ accountId: partnerPayouts.accountId, total: sql<string>`sum(${partnerPayouts.amount})::text` })
    .from(partnerPayouts)
    .where(
      and(
        eq(partnerPayouts.programId, programId),
        eq(partnerPayouts.unit, unit),
        inArray(partnerPayouts.status, ['proposed', 'pending', 'sent', 'paid']),
      ),
    )
    .groupBy(partnerPayouts.accountId);
  const paidBy = new Map(paid.map((p) => [p.accountId, Number(p.total)]));
  return rows.map((r) => ({
    accountId: r.accountId,
    carried: Number(r.carried) - (paidBy.get(r.accountId) ?? 0),
    commissions: Number(r.commissions),
    clawbacks: Number(r.clawbacks),
  }));
}

/** The ledger entries of the partners' unpaid paying lines due before `cutoff` (to post before paying). */
export async function dueEntriesOf(
  db: Executor,
  programId: string,
  accountIds: string[],
  unit: string,
  cutoff: Date,
): Promise<string[]> {
  if (accountIds.length === 0) return [];
  const rows = await selectRows<{ entry_id: string }>(
    db,
    sql`select entry_id from commission_lines
         where program_id = ${programId} and partner_account_id = any(${textArray(accountIds)})
           and unit = ${unit} and due_at < ${cutoff} and remaining > 0 and entry_id is not null
           and not exists (select 1 from payout_lines pl
                            where pl.program_id = commission_lines.program_id and pl.line_id = commission_lines.id)`,
  );
  return rows.map((r) => r.entry_id);
}

/**
 * Records each partner's unpaid lines due before `cutoff` as its payout's (payout_lines), in one
 * INSERT … SELECT that rewrites no line; answers how many lines each payout got.
 */
export async function attachLines(
  db: Executor,
  programId: string,
  unit: string,
  cutoff: Date,
  payouts: ReadonlyArray<{ accountId: string; payoutId: string }>,
): Promise<Map<string, number>> {
  if (payouts.length === 0) return new Map();
  const rows = await selectRows<{ payout_id: string; n: string }>(
    db,
    sql`with v as (select unnest(${textArray(payouts.map((p) => p.accountId))}) as account_id,
                          unnest(${textArray(payouts.map((p) => p.payoutId))}) as payout_id),
             attached as (
               insert into payout_lines (program_id, line_id, payout_id)
               select l.program_id, l.id, v.payout_id from v
                 join commission_lines l
                   on l.program_id = ${programId} and l.partner_account_id = v.account_id
                  and l.unit = ${unit} and l.due_at < ${cutoff}
               -- A line already in a payout (its primary key) stays there. No anti-join on
               -- payout_lines here: it would rescan the rows this very statement inserts.
               on conflict (program_id, line_id) do nothing
               returning payout_id)
        select payout_id, count(*)::text as n from attached group by payout_id`,
  );
  return new Map(rows.map((r) => [r.payout_id, Number(r.n)]));
}

/** Frees the lines of a payout (failed): a later run takes them. Reached through its partner's lines. */
export async function detachLines(db: Executor, programId: string, payoutId: string): Promise<void> {
  await db.execute(
    sql`delete from payout_lines pl using partner_payouts p, commission_lines l
         where p.program_id = ${programId} and p.id = ${payoutId}
           and l.program_id = ${programId} and l.partner_account_id = p.account_id and l.unit = p.unit
           and pl.program_id = ${programId} and pl.line_id = l.id and pl.payout_id = p.id`,
  );
}

/** Frees the lines of every payout of a run (cancelled), in one statement. */
export async function detachRunLines(db: Executor, programId: string, runId: string): Promise<void> {
  await db.execute(
    sql`delete from payout_lines pl using partner_payouts p, commission_lines l
         where p.program_id = ${programId} and p.run_id = ${runId}
           and l.program_id = ${programId} and l.partner_account_id = p.account_id and l.unit = p.unit
           and pl.program_id = ${programId} and pl.line_id = l.id and pl.payout_id = p.id`,
  );
}

const runRows = programTable(payoutRuns, payoutRuns.id);
export const insertRun = runRows.insert;
export const findRun = runRows.find;
export const lockRun = runRows.lock;
export const updateRun = runRows.update;
export const listRuns = runRows.lister(
  (f: { status?: string; period?: string }) => [
    equalsIf(payoutRuns.status, f.status),
    equalsIf(payoutRuns.period, f.period),
  ],
  'desc',
);

export function openRunOf(db: Executor, programId: string, period: string, unit: string) {
  return runRows.findWhere(
    db,
    programId,
    eq(payoutRuns.period, period),
    eq(payoutRuns.unit, unit),
    sql`${payoutRuns.status} <> 'cancelled'`,
  );
}

/** The runs of a period and unit, cancelled ones included (the payout schedule's once-only check). */
export function runsOfPeriod(db: Executor, programId: string, period: string, unit: string) {
  return selectRows<{ id: string; status: string; scheduled: boolean }>(
    db,
    sql`select id, status, scheduled from payout_runs
        where program_id = ${programId} and period = ${period} and unit = ${unit}`,
  );
}

const payoutRows = programTable(partnerPayouts, partnerPayouts.id);
export const insertPayouts = payoutRows.insertMany;
export const findPayout = payoutRows.find;
export const lockPayout = payoutRows.lock;
export const updatePayout = payoutRows.update;

export function payoutsOfRun(db: Executor, programId: string, runId: string): Promise<PartnerPayoutRow[]> {
  return db
    .select()
    .from(partnerPayouts)
    .where(and(eq(partnerPayouts.programId, programId), eq(partnerPayouts.runId, runId)))
    .orderBy(asc(partnerPayouts.accountId));
}

export async function setPayoutsOfRun(
  db: Executor,
  programId: string,
  runId: string,
  patch: Partial<typeof partnerPayouts.$inferInsert>,
): Promise<void> {
  await db
    .update(partnerPayouts)
    .set(patch)
    .where(and(eq(partnerPayouts.programId, programId), eq(partnerPayouts.runId, runId)));
}
