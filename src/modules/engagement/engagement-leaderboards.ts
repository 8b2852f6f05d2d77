// Leaderboards: accounts ranked by points earned or qualifying spend in a period (a calendar month,
// quarter or year in the program's time zone, or fixed dates), within an audience (segments,
// countries), leaving out excluded accounts, with standard competition ranking (1, 2, 2, 4). The
// current period's standings are kept in a ranking table (`leaderboard_rankings`), replaced whole by
// one INSERT … SELECT with window functions at each refresh (the due run, every minute; the first
// read; an exclusion), so a read is two indexed lookups and says how fresh it is. Standings as of a
// given instant are ranked at read time from the events.
import type { Actor } from '../../core/access.ts';
import { periodAt } from '../../core/engagement/challenge.ts';
import { type FieldError, fieldError, fieldErrors } from '../../core/errors.ts';
import { formatAmount } from '../../core/money.ts';
import { fetchPage, type PageQuery } from '../../core/pagination.ts';
import { isCountry } from '../../core/reference.ts';
import { advisoryLock } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { accountIdsWhere } from '../accounts/accounts-reads.ts';
import { rankedTotals, type TotalsQuery, totalsSql } from '../events/events-reads.ts';
import type { Program } from '../programs/programs-schemas.ts';
import { type EngagementDeps, existing, toLeaderboard } from './engagement-deps.ts';
import {
  deleteExclusion,
  excludedFrom,
  findLeaderboard,
  findRefresh,
  insertExclusion,
  insertLeaderboard,
  type LeaderboardRow,
  listLeaderboards,
  rankingPlaces,
  replaceRanking,
} from './engagement-store.ts';
import type { LeaderboardDocument } from './engagement-tables.ts';

const DEFAULT_SPEND_TYPES = ['purchase', 'invoice.paid'];
const DEFAULT_SIZE = 10;

async function validateLeaderboard(
  deps: EngagementDeps,
  programId: string,
  doc: LeaderboardDocument,
): Promise<LeaderboardDocument> {
  const problems: FieldError[] = [];
  if (doc.window.kind === 'fixed') {
    const from = new Date(doc.window.from).getTime();
    const to = new Date(doc.window.to).getTime();
    if (!(to > from)) problems.push({ path: '/window/to', message: 'ends before it starts' });
  }
  if (doc.metric === 'points_earned' && doc.eventTypes !== undefined)
    problems.push({
      path: '/eventTypes',
      message: 'points_earned counts every earning event: no event types',
    });
  const known = await deps.eventTypes.known(programId);
  for (const [i, type] of (doc.eventTypes ?? []).entries())
    if (!known.has(type)) problems.push({ path: `/eventTypes/${i}`, message: `unknown event type ${type}` });
  for (const [i, country] of (doc.audience?.countries ?? []).entries())
    if (!isCountry(country))
      problems.push({ path: `/audience/countries/${i}`, message: `unknown country ${country}` });
  if (problems.length > 0) throw fieldErrors('validation_failed', problems);
  return doc;
}

export async function createLeaderboard(
  deps: EngagementDeps,
  programId: string,
  input: LeaderboardDocument & { code: string },
  actor: Actor,
) {
  const { code, ...doc } = input;
  await validateLeaderboard(deps, programId, doc);
  try {
    return await deps.database.transaction(async (tx) => {
      const board = toLeaderboard(await insertLeaderboard(tx, { programId, code, document: doc }));
      await deps.audit.record(tx, programId, {
        actor,
        action: 'leaderboard.create',
        resourceType: 'leaderboard',
        resourceId: code,
        after: board,
      });
      return board;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw fieldError('leaderboard_exists', `The program already has a leaderboard ${code}`, {
        code: 'is taken',
      });
    throw error;
  }
}

export async function getLeaderboard(deps: EngagementDeps, programId: string, code: string) {
  return toLeaderboard(
    existing(await findLeaderboard(deps.database.db, programId, code), 'leaderboard', code),
  );
}

export function leaderboardsOf(deps: EngagementDeps, programId: string, query: PageQuery) {
  return fetchPage(
    query,
    (after, limit) => listLeaderboards(deps.database.db, programId, {}, after, limit),
    toLeaderboard,
    (r) => r.code,
  );
}

/** Leaves an account out of a leaderboard (it opted out, staff); audited. */
export async function exclude(
  deps: EngagementDeps,
  programId: string,
  code: string,
  accountRef: string,
  reason: string | undefined,
  actor: Actor,
) {
  existing(await findLeaderboard(deps.database.db, programId, code), 'leaderboard', code);
  const account = await deps.accounts.resolve(programId, accountRef);
  return deps.database
    .transaction(async (tx) => {
      const added = await insertExclusion(tx, {
        programId,
        leaderboardCode: code,
        accountId: account.id,
        reason: reason ?? null,
      });
      if (added)
        await deps.audit.record(tx, programId, {
          actor,
          action: 'leaderboard.exclude',
          resourceType: 'leaderboard',
          resourceId: code,
          after: { accountId: account.id, reason: reason ?? null },
        });
      return { leaderboard: code, accountId: account.id, excluded: true };
    })
    .then(async (answer) => {
      await refreshLeaderboard(deps, programId, code, new Date());
      return answer;
    });
}

/** Takes an account back into a leaderboard; audited. */
export async function include(
  deps: EngagementDeps,
  programId: string,
  code: string,
  accountRef: string,
  actor: Actor,
) {
  existing(await findLeaderboard(deps.database.db, programId, code), 'leaderboard', code);
  const account = await deps.accounts.resolve(programId, accountRef);
  return deps.database
    .transaction(async (tx) => {
      if (await deleteExclusion(tx, programId, code, account.id))
        await deps.audit.record(tx, programId, {
          actor,
          action: 'leaderboard.include',
          resourceType: 'leaderboard',
          resourceId: code,
          before: { accountId: account.id },
        });
      return { leaderboard: code, accountId: account.id, excluded: false };
    })
    .then(async (answer) => {
      await refreshLeaderboard(deps, programId, code, new Date());
      return answer;
    });
}

const NEIGHBOURS = 2;

function periodOf(doc: LeaderboardDocument, asOf: Date, timeZone: string) {
  return (
    periodAt(doc.window, asOf, timeZone) ?? {
      key: 'fixed',
      start: new Date((doc.window as { from: string }).from),
      end: new Date((doc.window as { to: string }).to),
    }
  );
}

async function totalsQuery(
  deps: EngagementDeps,
  programId: string,
  code: string,
  doc: LeaderboardDocument,
  period: { start: Date; end: Date },
  asOf: Date,
): Promise<TotalsQuery> {
  const audience = doc.audience?.segments?.length || doc.audience?.countries?.length ? doc.audience : null;
  return {
    metric: doc.metric,
    types: doc.eventTypes ?? DEFAULT_SPEND_TYPES,
    from: period.start,
    to: new Date(Math.min(period.end.getTime(), asOf.getTime())),
    audience: audience === null ? null : accountIdsWhere(programId, audience),
    excluded: await excludedFrom(deps.database.db, programId, code),
  };
}

async function refreshRow(deps: EngagementDeps, program: Program, row: LeaderboardRow, asOf: Date) {
  const period = periodOf(row.document, asOf, program.timeZone);
  const query = await totalsQuery(deps, program.id, row.code, row.document, period, asOf);
  return deps.database.transaction(async (tx) => {
    // Refreshes of the same standings (instances' due runs, a read, an exclusion) queue: each replaces
    // the table whole, so two at once would collide on the positions.
    await advisoryLock(tx, `leaderboard:${program.id}:${row.code}:${period.key}`);
    const refresh = {
      programId: program.id,
      leaderboardCode: row.code,
      periodKey: period.key,
      periodStart: period.start,
      periodEnd: period.end,
      refreshedAt: asOf,
      ranked: 0,
    };
    const ranked = await replaceRanking(tx, refresh, totalsSql(program.id, query));
    return { ...refresh, ranked };
  });
}

/** Recomputes a leaderboard's ranking table for the period of `asOf`, counting events up to it. */
export async function refreshLeaderboard(
  deps: EngagementDeps,
  programId: string,
  code: string,
  asOf = new Date(),
) {
  const row = existing(await findLeaderboard(deps.database.db, programId, code), 'leaderboard', code);
  const refresh = await refreshRow(deps, await deps.programs.get(programId), row, asOf);
  return {
    leaderboard: code,
    period: {
      key: refresh.periodKey,
      start: refresh.periodStart.toISOString(),
      end: refresh.periodEnd.toISOString(),
    },
    refreshedAt: refresh.refreshedAt.toISOString(),
    ranked: refresh.ranked,
  };
}

/** Refreshes every leaderboard of the program (the due run). Answers how many. */
export async function refreshLeaderboards(deps: EngagementDeps, program: Program, asOf: Date) {
  const rows = await listLeaderboards(deps.database.db, program.id, {}, undefined, 1000);
  for (const row of rows) await refreshRow(deps, program, row, asOf);
  return rows.length;
}

/**
 * The standings: the top places and, for `account`, its own place with its neighbours. Without
 * `asOf`, from the ranking table of the current period (refreshed by the due run every minute, or
 * now when the period has none yet), saying when it was refreshed; with `asOf`, ranked now from the
 * events up to that instant. Accounts with nothing in the period are not ranked.
 */
export async function standings(
  deps: EngagementDeps,
  programId: string,
  code: string,
  query: { account?: string; top?: number; asOf?: Date },
  now = new Date(),
) {
  const row = existing(await findLeaderboard(deps.database.db, programId, code), 'leaderboard', code);
  const doc = row.document;
  const program = await deps.programs.get(programId);
  const live = query.asOf !== undefined;
  const asOf = query.asOf ?? now;
  const period = periodOf(doc, asOf, program.timeZone);
  const account = query.account === undefined ? null : await deps.accounts.resolve(programId, query.account);
  const top = query.top ?? doc.size ?? DEFAULT_SIZE;
  let refreshedAt = asOf;
  let ranked = 0;
  let rows: Array<{ accountId: string; total: bigint; rank: number; position: number }>;
  if (live) {
    const found = await rankedTotals(deps.database.db, programId, {
      ...(await totalsQuery(deps, programId, code, doc, period, asOf)),
      top,
      accountId: account?.id ?? null,
      around: NEIGHBOURS,
    });
    ranked = found[0]?.ranked ?? 0;
    rows = found;
  } else {
    const refresh =
      (await findRefresh(deps.database.db, programId, code, period.key)) ??
      (await refreshRow(deps, program, row, now));
    refreshedAt = refresh.refreshedAt;
    ranked = refresh.ranked;
    rows = await rankingPlaces(
      deps.database.db,
      programId,
      code,
      period.key,
      top,
      account?.id ?? null,
      NEIGHBOURS,
    );
  }
  const names = await deps.accounts.resolveMany(programId, [...new Set(rows.map((r) => r.accountId))]);
  const unit = doc.metric === 'points_earned' ? 'points' : program.baseCurrency;
  const place = (r: (typeof rows)[number]) => {
    const a = names.get(r.accountId);
    return {
      rank: r.rank,
      accountId: r.accountId,
      externalId: a?.externalId ?? null,
      name: a?.name ?? null,
      value: unit === 'points' ? r.total.toString() : formatAmount(r.total, unit),
    };
  };
  const mine = account ? rows.find((r) => r.accountId === account.id) : undefined;
  return {
    leaderboard: code,
    name: doc.name,
    metric: doc.metric,
    unit,
    period: { key: period.key, start: period.start.toISOString(), end: period.end.toISOString() },
    asOf: asOf.toISOString(),
    freshness: {
      source: live ? ('live' as const) : ('ranking' as const),
      refreshedAt: refreshedAt.toISOString(),
      ageSeconds: Math.max(0, Math.floor((now.getTime() - refreshedAt.getTime()) / 1000)),
    },
    ranked,
    top: rows.filter((r) => r.position <= top).map(place),
    account: account
      ? {
          accountId: account.id,
          rank: mine?.rank ?? null,
          value: mine ? place(mine).value : null,
          neighbours: mine
            ? rows.filter((r) => Math.abs(r.position - mine.position) <= NEIGHBOURS && r !== mine).map(place)
            : [],
        }
      : null,
  };
}
