// Downgrade notices: a status whose next evaluation would lower its tier, as the metric stands now,
// is announced (`tier.downgrade_upcoming`) when that date comes within the ladder's notice days —
// once per evaluation date, decided for every status then whether it is announced or not.
import { metricDigits, periodEndAfter, windowStart } from '../../core/tiers/ladder.ts';
import { DOWNGRADE_NOTICE_DAYS, downgradeAhead, joinedAt } from '../../core/tiers/standing.ts';
import { metricsOf, type TierDeps, toState } from './tiers-status.ts';
import { listLadders, lockNoticeDue, markNoticeDecided } from './tiers-store.ts';

const PAGE = 500;

/** Announces the downgrades ahead within each ladder's notice days of `now`; returns how many. */
export async function announceDowngrades(
  { database, programs, accounts, outbox }: TierDeps,
  programId: string,
  now = new Date(),
): Promise<number> {
  const program = await programs.get(programId);
  let announced = 0;
  for (const ladder of await listLadders(database.db, programId)) {
    const doc = ladder.document;
    const days = doc.downgradeNoticeDays ?? DOWNGRADE_NOTICE_DAYS;
    if (days === 0) continue;
    const digits = metricDigits(doc.metric, program.baseCurrency);
    const until = new Date(now.getTime() + days * 86_400_000);
    for (;;) {
      const done = await database.transaction(async (tx) => {
        const page = await lockNoticeDue(tx, programId, ladder.id, now, until, PAGE);
        if (page.length === 0) return true;
        const ids = page.map((r) => r.accountId);
        const joined = new Map<string, Date>();
        if (doc.window.kind === 'program_year')
          for (const [id, j] of await accounts.joinDates(programId, ids, tx))
            joined.set(id, joinedAt(j, program.timeZone));
        const members = doc.groupQualification
          ? await accounts.membersOf(programId, ids, tx)
          : new Map(ids.map((id) => [id, [id]]));
        const enrolled = (id: string) => joined.get(id) ?? new Date(0);
        // The metric as it stands now, over the window the account's progress shows.
        const metrics = await metricsOf(
          tx,
          programId,
          ladder,
          digits,
          ids.map((id) => ({
            key: id,
            members: members.get(id) ?? [id],
            from: windowStart(doc.window, now, program.timeZone, enrolled(id)),
            to: now,
          })),
        );
        const notices = page.flatMap((row) => {
          const due = row.dueAt!;
          const ahead = downgradeAhead(doc, toState(row), {
            due,
            metric: metrics.get(row.accountId) ?? 0n,
            digits,
            periodEnd: periodEndAfter(doc.window, due, program.timeZone, enrolled(row.accountId)),
          });
          return ahead
            ? [
                {
                  type: 'tier.downgrade_upcoming' as const,
                  payload: { ladderId: ladder.id, ladderName: doc.name, accountId: row.accountId, ...ahead },
                },
              ]
            : [];
        });
        await markNoticeDecided(tx, programId, ladder.id, ids);
        if (notices.length > 0) await outbox?.emit(tx, programId, notices);
        announced += notices.length;
        return page.length < PAGE;
      });
      if (done) break;
    }
  }
  return announced;
}
