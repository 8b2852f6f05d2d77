// RFM scores: refreshed whole per program by the due run (once per local day) or on demand, read per
// account, per segment and as a summary. The scores are computed by core/insight/rfm.ts.
import { localDate } from '../../core/calendar.ts';
import { FidelisError } from '../../core/errors.ts';
import { rfmScores } from '../../core/insight/rfm.ts';
import { fetchPage, type PageQuery } from '../../core/pagination.ts';
import { advisoryLock } from '../../db/client.ts';
import { orderDays } from '../events/events-reads.ts';
import type { InsightDeps } from './insight-kpis.ts';
import { insightSettings } from './insight-settings.ts';
import {
  lastRun,
  listScores,
  type RfmScoreRow,
  replaceScores,
  scoresOf,
  segmentCounts,
} from './insight-store.ts';

const iso = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/**
 * Scores every account with an order as of `asOf` (its local day in the program's time zone), unless
 * the program was already scored for that day (`force` scores again). Several instances may run it at
 * once: a per-program lock serialises the writes, and the second finds the day done.
 */
export async function refreshRfm(
  { database, programs }: InsightDeps,
  programId: string,
  options: { asOf?: Date; force?: boolean } = {},
) {
  const asOf = options.asOf ?? new Date();
  const program = await programs.get(programId);
  const day = iso(localDate(asOf, program.timeZone));
  const previous = await lastRun(database.db, programId, 'rfm');
  if (!options.force && previous && previous.asOf >= day)
    return { asOf: previous.asOf, refreshed: false, accounts: previous.accounts };
  const { purchaseTypes } = insightSettings(program.settings);
  const rows = rfmScores(await orderDays(database.db, programId, purchaseTypes, asOf, program.timeZone), day);
  const refreshed = await database.transaction(async (tx) => {
    await advisoryLock(tx, `rfm:${programId}`);
    const last = await lastRun(tx, programId, 'rfm');
    if (!options.force && last && last.asOf >= day) return false;
    await replaceScores(
      tx,
      programId,
      day,
      rows.map((r) => ({ programId, asOf: day, ...r })),
      new Date(),
    );
    return true;
  });
  return { asOf: day, refreshed, accounts: rows.length };
}

function view(row: RfmScoreRow) {
  return {
    accountId: row.accountId,
    asOf: row.asOf,
    segment: row.segment,
    scores: { r: row.r, f: row.f, m: row.m, rfm: `${row.r}${row.f}${row.m}` },
    recencyDays: row.recencyDays,
    lastOrderDay: row.lastOrderDay,
    frequency: row.frequency,
    monetaryMinor: row.monetary,
    ordersToDate: row.ordersToDate,
    rhythmDays: row.rhythmDays,
    churnRisk: row.churnRisk,
  };
}

/** An account's scores; `segment: null` when it has no order yet (or scores were never refreshed). */
export async function rfmOf({ database }: InsightDeps, programId: string, ref: string) {
  const found = await scoresOf(database.db, programId, ref);
  if (!found) throw new FidelisError('account_not_found', `No account ${ref} in this program`);
  if (!found.scores)
    return {
      accountId: found.accountId,
      asOf: (await lastRun(database.db, programId, 'rfm'))?.asOf ?? null,
      segment: null,
      scores: null,
      recencyDays: null,
      lastOrderDay: null,
      frequency: 0,
      monetaryMinor: 0,
      ordersToDate: 0,
      rhythmDays: null,
      churnRisk: false,
    };
  return view(found.scores);
}

/** Accounts per segment (and how many of them are at risk of churning), as of the last refresh. */
export async function rfmSummary({ database }: InsightDeps, programId: string) {
  const run = await lastRun(database.db, programId, 'rfm');
  return {
    asOf: run?.asOf ?? null,
    refreshedAt: run?.refreshedAt.toISOString() ?? null,
    segments: await segmentCounts(database.db, programId),
  };
}

/** The scored accounts, optionally of one segment, by account id. */
export async function rfmList(
  { database }: InsightDeps,
  programId: string,
  query: PageQuery & { segment?: string },
) {
  return fetchPage(
    query,
    (after, limit) => listScores(database.db, programId, query.segment, after, limit),
    view,
    (r) => r.accountId,
  );
}
