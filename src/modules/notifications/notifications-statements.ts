// Statements and expiring-soon notices (decision 0027): an account's month from its ledger postings
// (opening, earned, spent, expired, closing, expiring soon), the statement run of a period (once per
// program and period: a statement_runs row), and the lots expiring soon announced once each through
// the outbox (`points.expiring_soon`).
import type { Actor } from '../../core/access.ts';
import { addMonths, localDate, startOfLocalDay } from '../../core/calendar.ts';
import { FidelisError, invalid } from '../../core/errors.ts';
import type { Database } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { statementContacts } from '../contacts/contacts-reads.ts';
import { accountExpiringSums, accountStatementSums, lotsExpiringBetween } from '../ledger/ledger-reads.ts';
import type { NotificationDeps, Statement } from './notifications-service.ts';
import { notificationPolicy } from './notifications-settings.ts';
import {
  claimStatementRun,
  insertExpiryNotices,
  insertMails,
  optedOutAmong,
  setStatementRunMails,
} from './notifications-store.ts';

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function createStatements(database: Database, deps: NotificationDeps) {
  /** The local month `YYYY-MM` as the instants [start, end) in the program's time zone. */
  function periodRange(period: string, timeZone: string): { start: Date; end: Date } {
    const m = PERIOD.exec(period);
    if (!m)
      throw invalid(`The period ${period} is not a month (YYYY-MM)`, {
        period: 'must be a month as YYYY-MM',
      });
    const first = { year: Number(m[1]), month: Number(m[2]), day: 1 };
    return { start: startOfLocalDay(first, timeZone), end: startOfLocalDay(addMonths(first, 1), timeZone) };
  }

  /** The statement of an account for a month that has ended, from its ledger postings. */
  async function statement(programId: string, accountRef: string, period: string, asOf = new Date()) {
    const program = await deps.programs.get(programId);
    const account = await deps.accounts.resolve(programId, accountRef);
    const { start, end } = periodRange(period, program.timeZone);
    if (end > asOf)
      throw new FidelisError(
        'statement_period_open',
        `The period ${period} has not ended in the program's time zone (${program.timeZone})`,
      );
    const { expiringWithinDays } = notificationPolicy(program);
    const sums = await accountStatementSums(database.db, programId, account.id, start, end);
    const expiring = await accountExpiringSums(
      database.db,
      programId,
      account.id,
      end,
      new Date(end.getTime() + expiringWithinDays * 86_400_000),
    );
    return {
      program,
      figures: {
        accountId: account.id,
        accountName: account.name,
        period,
        start: start.toISOString(),
        end: end.toISOString(),
        expiringWithinDays,
        lines: sums.map((s) => ({ ...s, expiringSoon: expiring.get(s.unit) ?? 0 })),
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

  /** The month before the one `asOf` falls in, in the time zone, as `YYYY-MM`. */
  function previousPeriod(asOf: Date, timeZone: string): string {
    const prev = addMonths({ ...localDate(asOf, timeZone), day: 1 }, -1);
    return `${prev.year}-${String(prev.month).padStart(2, '0')}`;
  }

  /** Schedules the statements of the month before `asOf` to its opted-in contacts, once per period. */
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
