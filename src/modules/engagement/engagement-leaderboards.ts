// Leaderboards: accounts ranked by points earned or qualifying spend, or accounts or contacts by a
// challenge's progress (decision 0062: engagement-leaderboard-progress.ts), in a period (a calendar month,
// quarter or year in the program's time zone, or fixed dates), within an audience (segments,
// countries), leaving out excluded accounts, with standard competition ranking (1, 2, 2, 4). The
// current period's standings are kept in a ranking table (`leaderboard_rankings`), replaced whole by
// one INSERT … SELECT with window functions at each refresh (the due run, every minute; the first
// read; an exclusion), so a read is two indexed lookups and says how fresh it is. Standings as of a
// given instant are ranked at read time from the events. Exclusions: engagement-leaderboard-exclusions.ts.
import type { SQL } from 'drizzle-orm';
import type { Actor } from '../../core/access.ts';
import { periodAt } from '../../core/engagement/challenge.ts';
import { type FieldError, fieldError, fieldErrors } from '../../core/errors.ts';
import { formatAmount } from '../../core/money.ts';
import { fetchPage, type PageQuery } from '../../core/pagination.ts';
import { isCountry } from '../../core/reference.ts';
import { advisoryLock } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { accountIdsWhere } from '../accounts/accounts-reads.ts';
import { contactsByIds } from '../contacts/contacts-reads.ts';
import { totalsSql } from '../events/events-reads.ts';
import type { Program } from '../programs/programs-schemas.ts';
import { type EngagementDeps, existing, toLeaderboard } from './engagement-deps.ts';
import {
  boardChallenge,
  challengeProblems,
  goalUnit,
  goalValue,
  progressTotals,
  rankedGoal,
  subjectOfBoard,
} from './engagement-leaderboard-progress.ts';
import {
  accountSubjects,
  findRefresh,
  givenSubjects,
  type RankedPlace,
  rankingPlaces,
  rankLive,
  replaceRanking,
} from './engagement-ranking-store.ts';
import {
  excludedFrom,
  findLeaderboard,
  insertLeaderboard,
  type LeaderboardRow,
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
  problems.push(...(await challengeProblems(deps, programId, doc)));
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

/**
 * The subquery `(subject_id, account_id, total)` a leaderboard ranks over the period up to `asOf`:
 * the events module's totals per account, or the challenge's progress per subject; within the audience,
 * without the excluded accounts (and their contacts) and contacts.
 */
async function totalsOf(
  deps: EngagementDeps,
  program: Program,
  code: string,
  doc: LeaderboardDocument,
  period: { key: string; start: Date; end: Date },
  asOf: Date,
): Promise<SQL> {
  const audience = doc.audience?.segments?.length || doc.audience?.countries?.length ? doc.audience : null;
  const audienceSql = audience === null ? null : accountIdsWhere(program.id, audience);
  const excluded = await excludedFrom(deps.database.db, program.id, code);
  const to = new Date(Math.min(period.end.getTime(), asOf.getTime()));
  if (doc.metric === 'challenge_progress') {
    const challenge = (await boardChallenge(deps, program.id, doc))!;
    const totals = await progressTotals(deps, program, doc, challenge, period, to);
    return givenSubjects(totals, audienceSql, excluded);
  }
  return accountSubjects(
    totalsSql(program.id, {
      metric: doc.metric,
      types: doc.eventTypes ?? DEFAULT_SPEND_TYPES,
      from: period.start,
      to,
      audience: audienceSql,
      excluded: excluded.accounts,
    }),
  );
}

async function refreshRow(deps: EngagementDeps, program: Program, row: LeaderboardRow, asOf: Date) {
  const period = periodOf(row.document, asOf, program.timeZone);
  const totals = await totalsOf(deps, program, row.code, row.document, period, asOf);
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
    const ranked = await replaceRanking(tx, refresh, totals);
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

/** The place a `?account=` or `?contact=` asks for must be of the leaderboard's subjects. */
function askedMismatch(
  code: string,
  subject: 'account' | 'contact',
  query: { account?: string; contact?: string },
) {
  if (subject === 'contact' && query.account !== undefined)
    return fieldError('leaderboard_subject_mismatch', `${code} ranks contacts: ask by contact`, {
      account: 'this leaderboard ranks contacts (ask with contact)',
    });
  if (subject === 'account' && query.contact !== undefined)
    return fieldError('leaderboard_subject_mismatch', `${code} ranks accounts: ask by account`, {
      contact: 'this leaderboard ranks accounts (ask with account)',
    });
  return null;
}

/**
 * The standings: the top places and, for `account` (or `contact` on a contact challenge's leaderboard),
 * its own place with its neighbours. Without `asOf`, from the ranking table of the current period
 * (refreshed by the due run every minute, or now when the period has none yet), saying when it was
 * refreshed; with `asOf`, ranked now from the events up to that instant. Subjects with nothing in the
 * period are not ranked.
 */
export async function standings(
  deps: EngagementDeps,
  programId: string,
  code: string,
  query: { account?: string; contact?: string; top?: number; asOf?: Date },
  now = new Date(),
) {
  const row = existing(await findLeaderboard(deps.database.db, programId, code), 'leaderboard', code);
  const doc = row.document;
  const challenge = await boardChallenge(deps, programId, doc);
  const subject = subjectOfBoard(challenge);
  const mismatch = askedMismatch(code, subject, query);
  if (mismatch) throw mismatch;
  const program = await deps.programs.get(programId);
  const live = query.asOf !== undefined;
  const asOf = query.asOf ?? now;
  const period = periodOf(doc, asOf, program.timeZone);
  const account = query.account === undefined ? null : await deps.accounts.resolve(programId, query.account);
  const contact = query.contact === undefined ? null : await deps.contacts.get(programId, query.contact);
  const asked = contact?.id ?? account?.id ?? null;
  const top = query.top ?? doc.size ?? DEFAULT_SIZE;
  let refreshedAt = asOf;
  let ranked = 0;
  let rows: RankedPlace[];
  if (live) {
    const totals = await totalsOf(deps, program, code, doc, period, asOf);
    const found = await rankLive(deps.database.db, totals, top, asked, NEIGHBOURS);
    ranked = found.ranked;
    rows = found.places;
  } else {
    const refresh =
      (await findRefresh(deps.database.db, programId, code, period.key)) ??
      (await refreshRow(deps, program, row, now));
    refreshedAt = refresh.refreshedAt;
    ranked = refresh.ranked;
    rows = await rankingPlaces(deps.database.db, programId, code, period.key, top, asked, NEIGHBOURS);
  }
  const names = await deps.accounts.resolveMany(programId, [...new Set(rows.map((r) => r.accountId))]);
  const people =
    subject === 'contact'
      ? new Map(
          (
            await contactsByIds(
              deps.database.db,
              programId,
              rows.map((r) => r.subjectId),
            )
          ).map((c) => [c.id, c]),
        )
      : null;
  const goal = challenge ? rankedGoal(doc, challenge.document) : null;
  const unit = challenge
    ? goalUnit(goal, program.baseCurrency)
    : doc.metric === 'points_earned'
      ? 'points'
      : program.baseCurrency;
  const shown = (total: bigint) =>
    challenge ? goalValue(goal, total) : unit === 'points' ? total.toString() : formatAmount(total, unit);
  const place = (r: RankedPlace) => {
    const a = names.get(r.accountId);
    return {
      rank: r.rank,
      accountId: r.accountId,
      externalId: a?.externalId ?? null,
      name: a?.name ?? null,
      ...(people ? { contactId: r.subjectId, contactName: people.get(r.subjectId)?.name ?? null } : {}),
      value: shown(r.total),
    };
  };
  const mine = asked === null ? undefined : rows.find((r) => r.subjectId === asked);
  const own = {
    rank: mine?.rank ?? null,
    value: mine ? place(mine).value : null,
    neighbours: mine
      ? rows.filter((r) => Math.abs(r.position - mine.position) <= NEIGHBOURS && r !== mine).map(place)
      : [],
  };
  return {
    leaderboard: code,
    name: doc.name,
    metric: doc.metric,
    ...(challenge ? { challenge: challenge.code, subject } : {}),
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
    account: account ? { accountId: account.id, ...own } : null,
    ...(contact ? { contact: { contactId: contact.id, accountId: contact.accountId, ...own } } : {}),
  };
}
