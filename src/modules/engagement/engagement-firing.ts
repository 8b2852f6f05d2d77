// Firing lifecycle automations (defined in engagement-automations.ts). The module's due run fires them
// as of its `asOf`, in the program's time zone. Each occurrence has a key (automation, subject,
// occurrence: the year of a birthday or anniversary, the milestone, the instant a lapse began): under
// an advisory lock on it, the firing row, the ledger credit (same key) and the badge award (same key)
// are written once, however late, often or concurrently the run looks.
import { type Actor, actorName } from '../../core/access.ts';
import { type LocalDate, localDate } from '../../core/calendar.ts';
import {
  explanation,
  firstName,
  formatLocalDate,
  monthDaysDue,
  yearlyOccurrence,
} from '../../core/engagement/automation.ts';
import { formatAmount, minorDigits, parseDecimal } from '../../core/money.ts';
import { advisoryLock } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { anniversariesOn } from '../accounts/accounts-reads.ts';
import { birthdaysOn } from '../contacts/contacts-reads.ts';
import { lastActiveBetween, totalsAtLeast } from '../events/events-reads.ts';
import type { Program } from '../programs/programs-schemas.ts';
import { expiryOf } from './engagement-badges.ts';
import type { EngagementDeps } from './engagement-deps.ts';
import {
  type AutomationRow,
  allAutomations,
  findBadge,
  findFiring,
  insertAwardOnce,
  insertFiring,
} from './engagement-store.ts';

const DEFAULT_SPEND_TYPES = ['purchase', 'invoice.paid'];

/** A decimal in a currency ("25.5" in EUR) as minor units (2550); validated when the automation was written. */
function toMinor(amount: string, currency: string): number {
  const { numerator, denominator } = parseDecimal(amount);
  return Number((numerator * 10n ** BigInt(minorDigits(currency))) / denominator);
}

interface Occurrence {
  subjectId: string;
  occurrence: string;
  accountId: string;
  contactId: string | null;
  occurredOn: string;
  explanation: string;
}

/**
 * Fires one occurrence once: under an advisory lock on its key, the firing is written with its
 * ledger credit (same key) and its badge award (same key) unless it exists already. Answers whether
 * it was new.
 */
async function fire(
  deps: EngagementDeps,
  programId: string,
  automation: AutomationRow,
  o: Occurrence,
  actor: Actor,
  now: Date,
): Promise<boolean> {
  const { database, ledger } = deps;
  const doc = automation.document;
  const key = `automation:${automation.code}:${o.subjectId}:${o.occurrence}`;
  if (await findFiring(database.db, programId, automation.code, o.subjectId, o.occurrence)) return false;
  const points = doc.effect.points ?? null;
  const prepared =
    points === null
      ? null
      : await ledger.prepareCredit(programId, {
          key,
          account: o.accountId,
          contactId: o.contactId ?? undefined,
          amount: points,
          type: 'earn',
          reasonCode: `automation_${doc.trigger.kind}`,
          explanation: o.explanation,
          sourceType: 'job',
          sourceId: automation.code,
          actor: actorName(actor),
        });
  // Cashback in the base currency, as its own credit of the cash wallet (key: the occurrence's).
  const currency =
    doc.effect.cashback === undefined ? null : (await deps.programs.get(programId)).baseCurrency;
  const cashback = currency === null ? null : toMinor(doc.effect.cashback!, currency);
  const cash =
    cashback === null
      ? null
      : await ledger.prepareCredit(programId, {
          key: `${key}:cashback`,
          account: o.accountId,
          contactId: o.contactId ?? undefined,
          amount: cashback,
          unit: currency!,
          type: 'earn',
          reasonCode: `automation_${doc.trigger.kind}`,
          explanation: o.explanation,
          sourceType: 'job',
          sourceId: automation.code,
          actor: actorName(actor),
        });
  const badge =
    doc.effect.badge === undefined ? undefined : await findBadge(database.db, programId, doc.effect.badge);
  return database.transaction(async (tx) => {
    await advisoryLock(tx, `engagement:${programId}:${key}`);
    if (await findFiring(tx, programId, automation.code, o.subjectId, o.occurrence)) return false;
    const entry = prepared === null ? null : (await ledger.writePrepared(tx, prepared)).entry;
    const cashEntry = cash === null ? null : (await ledger.writePrepared(tx, cash)).entry;
    const award = badge
      ? await insertAwardOnce(tx, {
          programId,
          id: newId('bga'),
          badgeCode: badge.code,
          accountId: o.accountId,
          contactId: o.contactId,
          awardedAt: now,
          expiresAt: expiryOf(badge, undefined, now),
          source: 'automation',
          sourceKey: key,
          note: o.explanation,
          actor: actorName(actor),
        })
      : undefined;
    await insertFiring(tx, {
      programId,
      automationCode: automation.code,
      subjectId: o.subjectId,
      occurrence: o.occurrence,
      accountId: o.accountId,
      contactId: o.contactId,
      occurredOn: o.occurredOn,
      firedAt: now,
      explanation: o.explanation,
      points,
      entryId: entry?.id ?? null,
      cashback,
      cashbackEntryId: cashEntry?.id ?? null,
      badgeAwardId: award?.id ?? null,
    });
    return true;
  });
}

const PAGE = 500;

/** Pages through a read by id until it answers less than a page. */
async function eachPage<T>(
  read: (after: string | null) => Promise<T[]>,
  idOf: (row: T) => string,
  each: (rows: T[]) => Promise<void>,
): Promise<void> {
  let after: string | null = null;
  for (;;) {
    const rows = await read(after);
    if (rows.length > 0) await each(rows);
    if (rows.length < PAGE) return;
    after = idOf(rows[rows.length - 1]!);
  }
}

/** The occurrences of one automation due as of `asOf`, each handed to `found`. */
async function occurrences(
  deps: EngagementDeps,
  program: Program,
  automation: AutomationRow,
  asOf: Date,
  found: (o: Occurrence) => Promise<void>,
): Promise<void> {
  const db = deps.database.db;
  const doc = automation.document;
  const t = doc.trigger;
  const startsAt = new Date(doc.startsAt);
  const today: LocalDate = localDate(asOf, program.timeZone);
  const from: LocalDate = localDate(startsAt, program.timeZone);
  if (t.kind === 'birthday') {
    await eachPage(
      (after) => birthdaysOn(db, program.id, monthDaysDue(today), after, PAGE),
      (c) => c.id,
      async (contacts) => {
        for (const c of contacts) {
          const due = yearlyOccurrence(c.birthday, today, from, 0);
          if (!due) continue;
          await found({
            subjectId: c.id,
            occurrence: String(due.year),
            accountId: c.accountId,
            contactId: c.id,
            occurredOn: formatLocalDate(due.on),
            explanation: explanation(doc, { name: firstName(c.name), year: due.year }),
          });
        }
      },
    );
  } else if (t.kind === 'anniversary') {
    await eachPage(
      (after) => anniversariesOn(db, program.id, monthDaysDue(today), after, PAGE),
      (a) => a.id,
      async (accounts) => {
        for (const a of accounts) {
          const due = yearlyOccurrence(a.customerSince, today, from, 1);
          if (!due) continue;
          await found({
            subjectId: a.id,
            occurrence: String(due.year),
            accountId: a.id,
            contactId: null,
            occurredOn: formatLocalDate(due.on),
            explanation: explanation(doc, { name: a.name, year: due.year, years: due.years }),
          });
        }
      },
    );
  } else if (t.kind === 'milestone') {
    const spend = t.metric === 'lifetime_spend';
    const digits = minorDigits(program.baseCurrency);
    const threshold = spend
      ? (() => {
          const { numerator, denominator } = parseDecimal(t.threshold);
          const scaled = numerator * 10n ** BigInt(digits);
          return (scaled + denominator - 1n) / denominator;
        })()
      : BigInt(t.threshold);
    const label = spend ? formatAmount(threshold, program.baseCurrency) : t.threshold;
    await eachPage(
      (after) =>
        totalsAtLeast(
          db,
          program.id,
          {
            metric: spend ? 'qualifying_spend' : 'points_earned',
            types: t.eventTypes ?? DEFAULT_SPEND_TYPES,
            threshold,
            to: asOf,
          },
          after,
          PAGE,
        ),
      (r) => r.accountId,
      async (rows) => {
        const names = await deps.accounts.resolveMany(
          program.id,
          rows.map((r) => r.accountId),
        );
        for (const r of rows)
          await found({
            subjectId: r.accountId,
            occurrence: `reached:${t.threshold}`,
            accountId: r.accountId,
            contactId: null,
            occurredOn: formatLocalDate(today),
            explanation: explanation(doc, {
              name: names.get(r.accountId)?.name ?? null,
              threshold: label,
              unit: spend ? program.baseCurrency : 'points',
            }),
          });
      },
    );
  } else {
    // A lapse begins `days` after the last qualifying event; one firing per lapse (a new event and a
    // new lapse fire again). Lapses that began before the automation's start do not fire.
    const day = 86_400_000;
    const cutoff = new Date(asOf.getTime() - t.days * day);
    const since = new Date(startsAt.getTime() - t.days * day);
    await eachPage(
      (after) => lastActiveBetween(db, program.id, { types: t.eventTypes, since, cutoff, asOf }, after, PAGE),
      (r) => r.accountId,
      async (rows) => {
        const names = await deps.accounts.resolveMany(
          program.id,
          rows.map((r) => r.accountId),
        );
        for (const r of rows) {
          const lastOn = formatLocalDate(localDate(r.lastAt, program.timeZone));
          await found({
            subjectId: r.accountId,
            occurrence: `lapsed-after:${r.lastAt.toISOString()}`,
            accountId: r.accountId,
            contactId: null,
            occurredOn: formatLocalDate(
              localDate(new Date(r.lastAt.getTime() + t.days * day), program.timeZone),
            ),
            explanation: explanation(doc, { name: names.get(r.accountId)?.name ?? null, lastOn }),
          });
        }
      },
    );
  }
}

/**
 * Fires every enabled automation's occurrences due as of `asOf` (birthdays and anniversaries up to
 * LOOKBACK_DAYS late). Repeated or concurrent runs fire nothing twice. Answers how many fired.
 */
export async function runAutomations(
  deps: EngagementDeps,
  program: Program,
  asOf: Date,
  actor: Actor,
): Promise<number> {
  let fired = 0;
  for (const automation of await allAutomations(deps.database.db, program.id)) {
    if (!automation.document.enabled || asOf < new Date(automation.document.startsAt)) continue;
    await occurrences(deps, program, automation, asOf, async (o) => {
      if (await fire(deps, program.id, automation, o, actor, asOf)) fired++;
    });
  }
  return fired;
}
