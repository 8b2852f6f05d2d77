// Leaderboards: accounts ranked by points earned or qualifying spend in a period (a calendar month,
// quarter or year in the program's time zone, or fixed dates), within an audience (segments,
// countries), leaving out excluded accounts. Ranked at read time by one SQL statement with a window
// function (standard competition ranking, 1, 2, 2, 4): always as fresh as the events.
import type { Actor } from '../../core/access.ts';
import { periodAt } from '../../core/engagement/challenge.ts';
import { type FieldError, fieldError, fieldErrors } from '../../core/errors.ts';
import { formatAmount } from '../../core/money.ts';
import { fetchPage, type PageQuery } from '../../core/pagination.ts';
import { isCountry } from '../../core/reference.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { accountIdsWhere } from '../accounts/accounts-reads.ts';
import { rankedTotals } from '../events/events-reads.ts';
import { type EngagementDeps, existing, toLeaderboard } from './engagement-deps.ts';
import {
  deleteExclusion,
  excludedFrom,
  findLeaderboard,
  insertExclusion,
  insertLeaderboard,
  listLeaderboards,
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
  return deps.database.transaction(async (tx) => {
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
  return deps.database.transaction(async (tx) => {
    if (await deleteExclusion(tx, programId, code, account.id))
      await deps.audit.record(tx, programId, {
        actor,
        action: 'leaderboard.include',
        resourceType: 'leaderboard',
        resourceId: code,
        before: { accountId: account.id },
      });
    return { leaderboard: code, accountId: account.id, excluded: false };
  });
}

const NEIGHBOURS = 2;

/**
 * The standings as of an instant: the top places and, for `account`, its own place with its
 * neighbours. Accounts with nothing in the period are not ranked.
 */
export async function standings(
  deps: EngagementDeps,
  programId: string,
  code: string,
  query: { account?: string; top?: number; asOf?: Date },
) {
  const row = existing(await findLeaderboard(deps.database.db, programId, code), 'leaderboard', code);
  const doc = row.document;
  const program = await deps.programs.get(programId);
  const asOf = query.asOf ?? new Date();
  const period = periodAt(doc.window, asOf, program.timeZone) ?? {
    key: 'fixed',
    start: new Date((doc.window as { from: string }).from),
    end: new Date((doc.window as { to: string }).to),
  };
  const account = query.account === undefined ? null : await deps.accounts.resolve(programId, query.account);
  const audience = doc.audience?.segments?.length || doc.audience?.countries?.length ? doc.audience : null;
  const top = query.top ?? doc.size ?? DEFAULT_SIZE;
  const rows = await rankedTotals(deps.database.db, programId, {
    metric: doc.metric,
    types: doc.eventTypes ?? DEFAULT_SPEND_TYPES,
    from: period.start,
    to: new Date(Math.min(period.end.getTime(), asOf.getTime())),
    audience: audience === null ? null : accountIdsWhere(programId, audience),
    excluded: await excludedFrom(deps.database.db, programId, code),
    top,
    accountId: account?.id ?? null,
    around: NEIGHBOURS,
  });
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
    ranked: rows[0]?.ranked ?? 0,
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
