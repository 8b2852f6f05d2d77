import { type LocalDate, localDate } from '../../core/calendar.ts';
import {
  explanation,
  firstName,
  formatLocalDate,
  monthDaysDue,
  yearlyOccurrence,
} from '../../core/engagement/automation.ts';
import { formatAmount, minorDigits, parseDecimal } from '../../core/money.ts';
import { anniversariesOn } from '../accounts/accounts-reads.ts';
import { birthdaysOn } from '../contacts/contacts-reads.ts';
import { lastActiveBetween, totalsAtLeast } from '../events/events-reads.ts';
import { membershipAnniversariesOn } from '../memberships/memberships-reads.ts';
import type { Program } from '../programs/programs-schemas.ts';
import { tierAnniversariesOn } from '../tiers/tiers-reads.ts';
import type { EngagementDeps } from './engagement-deps.ts';
import type { AutomationRow } from './engagement-store.ts';

const DEFAULT_SPEND_TYPES = ['purchase', 'invoice.paid'];

export interface Occurrence {
  subjectId: string;
  occurrence: string;
  accountId: string;
  contactId: string | null;
  occurredOn: string;
  explanation: string;
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
export async function occurrences(
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
  } else if (t.kind === 'membership_anniversary' || t.kind === 'tier_anniversary') {
    await datedAnniversaries(deps, program, doc, today, from, found);
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
 * Membership anniversaries (each active membership, the yearly date its first term started) and tier
 * anniversaries (each account holding the tier, the yearly date it first reached it), both as local
 * dates in the program's time zone, from the first year, like the client anniversary.
 */
async function datedAnniversaries(
  deps: EngagementDeps,
  program: Program,
  doc: AutomationRow['document'],
  today: LocalDate,
  from: LocalDate,
  found: (o: Occurrence) => Promise<void>,
): Promise<void> {
  const db = deps.database.db;
  const t = doc.trigger;
  const on = { monthDays: monthDaysDue(today), timeZone: program.timeZone };
  const each = async (rows: Array<{ subjectId: string; accountId: string; date: string; label: string }>) => {
    const names = await deps.accounts.resolveMany(
      program.id,
      rows.map((r) => r.accountId),
    );
    for (const r of rows) {
      const due = yearlyOccurrence(r.date, today, from, 1);
      if (!due) continue;
      await found({
        subjectId: r.subjectId,
        occurrence: String(due.year),
        accountId: r.accountId,
        contactId: null,
        occurredOn: formatLocalDate(due.on),
        explanation: explanation(doc, {
          name: names.get(r.accountId)?.name ?? null,
          year: due.year,
          years: due.years,
          label: r.label,
        }),
      });
    }
  };
  if (t.kind === 'membership_anniversary') {
    await eachPage(
      (after) => membershipAnniversariesOn(db, program.id, { ...on, plans: t.plans }, after, PAGE),
      (m) => m.id,
      (rows) =>
        each(
          rows.map((m) => ({
            subjectId: m.id,
            accountId: m.accountId,
            date: m.startedOn,
            label: m.planName,
          })),
        ),
    );
  } else if (t.kind === 'tier_anniversary') {
    const ladders = (await deps.tiers.listLadders(program.id)).filter(
      (l) => t.ladder === undefined || l.id === t.ladder,
    );
    const tierName = ladders.flatMap((l) => l.document.tiers).find((x) => x.code === t.tier)?.name ?? t.tier;
    await eachPage(
      (after) =>
        tierAnniversariesOn(db, program.id, { ...on, tier: t.tier, ladderId: t.ladder }, after, PAGE),
      (r) => r.accountId,
      (rows) =>
        each(
          rows.map((r) => ({
            subjectId: r.accountId,
            accountId: r.accountId,
            date: r.firstOn,
            label: tierName,
          })),
        ),
    );
  }
}
