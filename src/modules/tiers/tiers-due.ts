// The scheduled tier evaluation: statuses due at period ends, grace ends and override ends.
import { atDue, type Change, dueAt, formatMetric, metricDigits } from '../../core/tiers/ladder.ts';
import { duePeriods, joinedAt } from '../../core/tiers/standing.ts';
import { announceDowngrades } from './tiers-notices.ts';
import { changeRows, metricsOf, recordChanges, type TierDeps, toRow, toState } from './tiers-status.ts';
import { listLadders, lockDueStatuses, saveStatuses } from './tiers-store.ts';

const MAX_ROUNDS = 50;

/**
 * The scheduled evaluation: every status due at or before `now` is evaluated as of its own due
 * instant (period end, grace end, override end), page by page, each page one transaction. Running
 * it again, or late, gives the same result; a crash loses at most the page in flight.
 */
export async function runDue(deps: TierDeps, programId: string, now = new Date(), pageSize = 1000) {
  const { database, programs, accounts, outbox } = deps;
  const program = await programs.get(programId);
  let evaluated = 0;
  let changed = 0;
  for (const ladder of await listLadders(database.db, programId)) {
    const doc = ladder.document;
    const digits = metricDigits(doc.metric, program.baseCurrency);
    const periods = duePeriods(doc.window, program.timeZone);
    for (;;) {
      const done = await database.transaction(async (tx) => {
        const page = await lockDueStatuses(tx, programId, ladder.id, now, pageSize);
        if (page.length === 0) return true;
        const joined = new Map<string, Date>();
        if (doc.window.kind === 'program_year')
          for (const [id, j] of await accounts.joinDates(
            programId,
            page.map((r) => r.accountId),
            tx,
          ))
            joined.set(id, joinedAt(j, program.timeZone));
        const ids = page.map((r) => r.accountId);
        const members = doc.groupQualification
          ? await accounts.membersOf(programId, ids, tx)
          : new Map(ids.map((id) => [id, [id]]));
        let pending = page.map((r) => ({
          row: r,
          state: toState(r),
          changes: [] as Array<Change & { metric: string }>,
        }));
        const finished: typeof pending = [];
        for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
          const items = pending.map((p) => {
            const at = dueAt(p.state)!;
            const enrolled = joined.get(p.row.accountId) ?? new Date(0);
            return {
              key: p.row.accountId,
              members: members.get(p.row.accountId)!,
              from: periods.before(at, enrolled),
              to: at,
            };
          });
          const metrics = await metricsOf(tx, programId, ladder, digits, items);
          const next: typeof pending = [];
          for (const p of pending) {
            const at = dueAt(p.state)!;
            const enrolled = joined.get(p.row.accountId) ?? new Date(0);
            const metric = metrics.get(p.row.accountId) ?? 0n;
            const decision = atDue(doc, p.state, {
              at,
              metric,
              digits,
              nextPeriodEnd: periods.after(at, enrolled),
            });
            // Each change keeps the metric its own decision was made on.
            const decided = formatMetric(metric, digits);
            const moved = {
              row: p.row,
              state: decision.state,
              changes: [...p.changes, ...decision.changes.map((c) => ({ ...c, metric: decided }))],
            };
            const again = dueAt(decision.state);
            if (again !== null && again.getTime() <= now.getTime() && again.getTime() > at.getTime())
              next.push(moved);
            else finished.push(moved);
          }
          pending = next;
        }
        finished.push(...pending);
        await saveStatuses(
          tx,
          finished.map((f) => toRow(programId, ladder.id, f.row.accountId, f.state)),
        );
        await recordChanges(
          { outbox },
          tx,
          programId,
          finished.flatMap((f) =>
            f.changes.flatMap((c) =>
              changeRows(programId, ladder, f.row.accountId, [c], {
                metric: c.metric,
                actor: 'job',
                note: null,
              }),
            ),
          ),
        );
        evaluated += finished.length;
        changed += finished.filter((f) => f.changes.some((c) => c.from !== c.to)).length;
        return page.length < pageSize;
      });
      if (done) break;
    }
  }
  // Then what the next evaluations would lower, announced ahead (tiers-notices.ts).
  const downgradesAnnounced = await announceDowngrades(deps, programId, now);
  return { evaluated, changed, downgradesAnnounced };
}
