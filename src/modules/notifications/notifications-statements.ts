// Statements and expiring-soon notices (decisions 0027, 0037): an account's month or quarter from the
// journal up to the period's end (opening, earned by reason, adjusted, redeemed, expired, other,
// closing, what expires next), its tier then and the rewards within reach; the statement run of a
// period (once per program and period: a statement_runs row); and the lots expiring soon announced
// once each through the outbox (`points.expiring_soon`).
import type { Actor } from '../../core/access.ts';
import { FidelisError, invalid } from '../../core/errors.ts';
import type { MailLocale } from '../../core/notifications/mail.ts';
import { REACH, statementLine, withinReach } from '../../core/notifications/statement.ts';
import type { TierStanding } from '../../core/notifications/statement-mail.ts';
import {
  parsePeriod,
  periodBefore,
  periodRange,
  periodsAfter,
  type StatementCadence,
} from '../../core/notifications/statement-period.ts';
import type { Database } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { statementContacts } from '../contacts/contacts-reads.ts';
import { accountExpiringAt, accountStatementSums, lotsExpiringBetween } from '../ledger/ledger-reads.ts';
import { rewardsPricedUpTo } from '../rewards/rewards-reads.ts';
import type { NotificationDeps, Statement } from './notifications-service.ts';
import { notificationPolicy } from './notifications-settings.ts';
import {
  claimStatementRun,
  insertExpiryNotices,
  insertMails,
  optedOutAmong,
  setStatementRunMails,
} from './notifications-store.ts';

/** How many periods after the statement's its "expiring next" figures cover. */
const NEXT_PERIODS = 3;
/** The rewards closest to the balance read before eligibility is checked. */
const REWARD_CANDIDATES = 20;
const DAY = 86_400_000;

export function createStatements(database: Database, deps: NotificationDeps) {
  /**
   * The rewards within reach of the points balance: the catalog's rewards (as it is at `asOf`: the one
   * part of a statement not from the journal) the account may redeem as far as its segment, country
   * and tier at the period's end tell (a reward for some roles or
   * memberships only is left out), closest to the balance first.
   */
  async function rewardsInReach(
    programId: string,
    account: { segment: string | null; country: string | null },
    tiers: TierStanding[],
    balance: number,
    asOf: Date,
    locale: string,
  ) {
    if (balance <= 0) return [];
    const held = new Set(tiers.map((t) => t.tier).filter((t) => t !== null));
    const candidates = await rewardsPricedUpTo(database.db, programId, {
      unit: 'points',
      maxPrice: Math.floor(balance * REACH),
      near: balance,
      at: asOf,
      locale,
      limit: REWARD_CANDIDATES,
    });
    const eligible = candidates.filter(({ eligibility: e }) => {
      if (e.roles?.length || e.memberships?.length) return false;
      if (e.tiers?.length && !e.tiers.some((t) => held.has(t))) return false;
      if (e.segments?.length && !e.segments.includes(account.segment ?? '')) return false;
      if (e.countries?.length && !e.countries.includes(account.country ?? '')) return false;
      return true;
    });
    return withinReach(balance, eligible);
  }

  /**
   * The statement of an account for a period that has ended (`YYYY-MM` or `YYYY-Qn`), from the
   * journal up to the period's end only: the same period always gives the same figures.
   */
  async function statement(
    programId: string,
    accountRef: string,
    period: string,
    asOf = new Date(),
    locale?: MailLocale,
  ) {
    const program = await deps.programs.get(programId);
    const account = await deps.accounts.resolve(programId, accountRef);
    const p = parsePeriod(period);
    if (!p)
      throw invalid(`The period ${period} is neither a month (YYYY-MM) nor a quarter (YYYY-Qn)`, {
        period: 'must be a month as YYYY-MM or a quarter as YYYY-Qn',
      });
    const { start, end } = periodRange(p, program.timeZone);
    if (end > asOf)
      throw new FidelisError(
        'statement_period_open',
        `The period ${period} has not ended in the program's time zone (${program.timeZone})`,
      );
    const { expiringWithinDays } = notificationPolicy(program);
    const next = periodsAfter(p, NEXT_PERIODS);
    const sums = await accountStatementSums(database.db, programId, account.id, start, end);
    const soon = await accountExpiringAt(database.db, programId, account.id, end, [
      end,
      new Date(end.getTime() + expiringWithinDays * DAY),
    ]);
    const ahead = await accountExpiringAt(database.db, programId, account.id, end, [
      end,
      ...next.map((n) => periodRange(n, program.timeZone).end),
    ]);
    const lines = sums.map((u) =>
      statementLine(u.unit, u.opening, u.closing, u.movements, {
        soon: soon.get(u.unit)?.[0] ?? 0,
        next: next.map((n, i) => ({ period: n.id, amount: ahead.get(u.unit)?.[i] ?? 0 })),
      }),
    );
    const tiers: TierStanding[] = (await deps.tiers.standingAt(programId, account.id, end)).map((t) => ({
      ladderName: t.ladderName,
      tier: t.tier,
      tierName: t.tierName,
      metric: t.metric,
      next: t.next,
    }));
    const points = lines.find((l) => l.unit === 'points')?.closing ?? 0;
    const rewards = await rewardsInReach(
      programId,
      account,
      tiers,
      points,
      asOf,
      locale ?? program.defaultLocale,
    );
    return {
      program,
      figures: {
        accountId: account.id,
        accountName: account.name,
        period,
        cadence: p.cadence,
        start: start.toISOString(),
        end: end.toISOString(),
        expiringWithinDays,
        lines,
        tiers,
        rewards,
      } satisfies Statement,
    };
  }

  /** Lots expiring within the program's window, not announced before, become `points.expiring_soon`. */
  async function announceExpiring(programId: string, asOf: Date, days: number): Promise<number> {
    const until = new Date(asOf.getTime() + days * 86_400_000);
    let after: string | null = null;
    let announced = 0;
    for (;;) {
      const lots = await lotsExpiringBetween(database.db, programId, asOf, until, after, 200);
      if (lots.length === 0) break;
      after = lots[lots.length - 1]!.lotId;
      announced += await database.transaction(async (tx) => {
        const fresh = await insertExpiryNotices(tx, programId, lots);
        const news = lots.filter((l) => fresh.has(l.lotId));
        await deps.outbox.emit(
          tx,
          programId,
          news.map((l) => ({
            type: 'points.expiring_soon' as const,
            payload: {
              lotId: l.lotId,
              walletId: l.walletId,
              accountId: l.accountId,
              unit: l.unit,
              amount: l.remaining,
              expiresAt: l.expiresAt.toISOString(),
            },
          })),
        );
        return news.length;
      });
    }
    return announced;
  }

  /** The last period of the cadence that ended before `asOf` (`YYYY-MM` or `YYYY-Qn`). */
  const previousPeriod = (asOf: Date, timeZone: string, cadence: StatementCadence) =>
    periodBefore(asOf, timeZone, cadence);

  /** Schedules the statements of a period to the account contacts who opted in, once per period. */
  async function scheduleStatements(programId: string, period: string, actor: Actor): Promise<number | null> {
    return database.transaction(async (tx) => {
      if (!(await claimStatementRun(tx, programId, period, 0))) return null;
      let after: string | null = null;
      let mails = 0;
      for (;;) {
        const contacts = await statementContacts(tx, programId, after, 500);
        if (contacts.length === 0) break;
        after = contacts[contacts.length - 1]!.id;
        const out = await optedOutAmong(
          tx,
          programId,
          contacts.map((c) => c.id),
        );
        const written = await insertMails(
          tx,
          contacts
            .filter((c) => !out.has(c.id))
            .map((c) => ({
              programId,
              id: newId('ntm'),
              key: `statement:${period}:${c.id}`,
              kind: 'statement',
              contactId: c.id,
              accountId: c.accountId,
              period,
            })),
        );
        mails += written.length;
      }
      await setStatementRunMails(tx, programId, period, mails);
      await deps.audit.record(tx, programId, {
        actor,
        action: 'statement_run.create',
        resourceType: 'statement_run',
        resourceId: period,
        after: { period, mails },
      });
      return mails;
    });
  }

  return { statement, announceExpiring, previousPeriod, scheduleStatements };
}
