// Leaderboard ranking tables' SQL: the standings of a period replaced whole at each refresh, the top
// and a subject's own place read by position, and standings ranked live. Every ranking is over a
// totals subquery `(subject_id, account_id, total)` — the subject is the account, or the contact on a
// contact challenge's leaderboard (decision 0062) — ranked the standard way (1, 2, 2, 4) in the database.
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { type Executor, selectRows, textArray } from '../../db/client.ts';
import { programTable } from '../../db/rows.ts';
import { leaderboardRankings, leaderboardRefreshes } from './engagement-tables.ts';

export type RefreshRow = typeof leaderboardRefreshes.$inferSelect;

export interface RankedPlace {
  subjectId: string;
  accountId: string;
  /** Points, minor units of the base currency, or a goal's value (millionths for sums). */
  total: bigint;
  rank: number;
  position: number;
}

/** Per-account totals `(account_id, total)` as subject totals: the account is the subject. */
export function accountSubjects(totals: SQL): SQL {
  return sql`select account_id as subject_id, account_id, total from (${totals}) a`;
}

/**
 * Subject totals computed elsewhere (a challenge's progress), as a subquery, within the audience (a
 * subquery of account ids, or null) and leaving out the excluded accounts (with their contacts) and contacts.
 */
export function givenSubjects(
  rows: ReadonlyArray<{ subjectId: string; accountId: string; total: bigint }>,
  audience: SQL | null,
  excluded: { accounts: string[]; contacts: string[] },
): SQL {
  return sql`select subject_id, account_id, total
      from unnest(${textArray(rows.map((r) => r.subjectId))}, ${textArray(rows.map((r) => r.accountId))},
                  ${textArray(
                    rows.map((r) => r.total.toString()),
                    'bigint',
                  )}) as g(subject_id, account_id, total)
     where account_id <> all(${textArray(excluded.accounts)})
       and subject_id <> all(${textArray(excluded.contacts)})
       ${audience === null ? sql`` : sql`and account_id in ${audience}`}`;
}

/**
 * Replaces a leaderboard's standings of a period by those of `totals` (a subquery `(subject_id,
 * account_id, total)`), ranked in the database in one statement, and records the refresh. Runs in the
 * caller's transaction.
 */
export async function replaceRanking(tx: Executor, refresh: RefreshRow, totals: SQL): Promise<number> {
  const { programId, leaderboardCode: code, periodKey } = refresh;
  await tx
    .delete(leaderboardRankings)
    .where(
      and(
        eq(leaderboardRankings.programId, programId),
        eq(leaderboardRankings.leaderboardCode, code),
        eq(leaderboardRankings.periodKey, periodKey),
      ),
    );
  const inserted = await selectRows<{ n: string | number }>(
    tx,
    sql`with ins as (
          insert into leaderboard_rankings (program_id, leaderboard_code, period_key, position, subject_id, account_id, rank, total)
          select ${programId}, ${code}, ${periodKey},
                 row_number() over (order by total desc, subject_id),
                 subject_id, account_id, rank() over (order by total desc), total
            from (${totals}) t where total > 0
          returning 1)
        select count(*) as n from ins`,
  );
  const ranked = Number(inserted[0]?.n ?? 0);
  await tx
    .insert(leaderboardRefreshes)
    .values({ ...refresh, ranked })
    .onConflictDoUpdate({
      target: [
        leaderboardRefreshes.programId,
        leaderboardRefreshes.leaderboardCode,
        leaderboardRefreshes.periodKey,
      ],
      set: {
        refreshedAt: refresh.refreshedAt,
        ranked,
        periodStart: refresh.periodStart,
        periodEnd: refresh.periodEnd,
      },
    });
  return ranked;
}

const refreshRows = programTable(leaderboardRefreshes, leaderboardRefreshes.periodKey);

export function findRefresh(
  db: Executor,
  programId: string,
  code: string,
  periodKey: string,
): Promise<RefreshRow | undefined> {
  return refreshRows.findWhere(
    db,
    programId,
    eq(leaderboardRefreshes.leaderboardCode, code),
    eq(leaderboardRefreshes.periodKey, periodKey),
  );
}

type PlaceRow = { subject_id: string; account_id: string; total: string; rank: number; position: number };

const toPlace = (r: PlaceRow): RankedPlace => ({
  subjectId: r.subject_id,
  accountId: r.account_id,
  total: BigInt(r.total),
  rank: Number(r.rank),
  position: Number(r.position),
});

/** The top places and the places around a subject's (by position), from the stored ranking. */
export async function rankingPlaces(
  db: Executor,
  programId: string,
  code: string,
  periodKey: string,
  top: number,
  subjectId: string | null,
  around: number,
): Promise<RankedPlace[]> {
  const mine = sql`(select position from leaderboard_rankings
                     where program_id = ${programId} and leaderboard_code = ${code}
                       and period_key = ${periodKey} and subject_id = ${subjectId})`;
  const rows = await selectRows<PlaceRow>(
    db,
    sql`select subject_id, account_id, total::text as total, rank, position from leaderboard_rankings
         where program_id = ${programId} and leaderboard_code = ${code} and period_key = ${periodKey}
           and (position <= ${top} or position between ${mine} - ${around} and ${mine} + ${around})
         order by position`,
  );
  return rows.map(toPlace);
}

/** Standings ranked now over `totals` (`(subject_id, account_id, total)`): the top, a subject's place and its neighbours. */
export async function rankLive(
  db: Executor,
  totals: SQL,
  top: number,
  subjectId: string | null,
  around: number,
): Promise<{ places: RankedPlace[]; ranked: number }> {
  const rows = await selectRows<PlaceRow & { ranked: string | number }>(
    db,
    sql`with ranked as (
          select subject_id, account_id, total,
                 rank() over (order by total desc) as rank,
                 row_number() over (order by total desc, subject_id) as position,
                 count(*) over () as ranked
            from (${totals}) t where total > 0)
        select subject_id, account_id, total::text as total, rank, position, ranked from ranked
         where position <= ${top}
            or position between (select position from ranked where subject_id = ${subjectId}) - ${around}
                            and (select position from ranked where subject_id = ${subjectId}) + ${around}
         order by position`,
  );
  return { places: rows.map(toPlace), ranked: Number(rows[0]?.ranked ?? 0) };
}
