// Lifecycle automations as data: what fires (a contact's birthday, the client anniversary of the
// account's customerSince, a milestone of lifetime spend or points, a win-back after N days without
// a qualifying event, the anniversary of a membership or of reaching a tier), what it gives (points,
// cashback, a badge, a catalog reward issued free), and from when. Pure: which occurrence is due
// on a local date, its stable key (so it fires once however often, late or concurrently the due run
// looks), and the words the ledger shows. What needs the store is in the engagement module.
import type { LocalDate } from '../calendar.ts';
import { explanationText } from './automation-words.ts';

export type AutomationTrigger =
  | { kind: 'birthday' }
  | { kind: 'anniversary' }
  | {
      kind: 'milestone';
      /** lifetime_spend: amounts of `eventTypes` net of returns, in the base currency; lifetime_points: points rules awarded. */
      metric: 'lifetime_spend' | 'lifetime_points';
      /** A decimal in the base currency (spend) or a whole number of points. */
      threshold: string;
      eventTypes?: string[];
    }
  | { kind: 'win_back'; days: number; eventTypes: string[] }
  /** The yearly date an active membership's first term started (of these plans, or any). */
  | { kind: 'membership_anniversary'; plans?: string[] }
  /** The yearly date an account first reached a tier it still holds (on this ladder, or any). */
  | { kind: 'tier_anniversary'; tier: string; ladder?: string };

export interface AutomationDocument {
  name: string;
  trigger: AutomationTrigger;
  /** cashback: a decimal in the program's base currency, credited to its cash wallet; catalogReward: a reward's id, issued free. */
  effect: { points?: number; cashback?: string; badge?: string; catalogReward?: string };
  /** Occurrences from this instant fire (earlier birthdays, anniversaries or lapses do not). */
  startsAt: string;
  /** Paused automations fire nothing. */
  enabled: boolean;
}

/** How many days late the due run still fires a dated occurrence (a birthday, an anniversary). */
export const LOOKBACK_DAYS = 31;

const WHOLE = /^[1-9][0-9]{0,14}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?$/;

/** The document's own faults, by JSON pointer into it (empty when it is sound). */
export function automationProblems(doc: AutomationDocument): Record<string, string> {
  const problems: Record<string, string> = {};
  const t = doc.trigger;
  if (t.kind === 'milestone') {
    const ok =
      t.metric === 'lifetime_points'
        ? WHOLE.test(t.threshold)
        : DECIMAL.test(t.threshold) && !/^0(\.0*)?$/.test(t.threshold);
    if (!ok)
      problems['trigger/threshold'] =
        t.metric === 'lifetime_points'
          ? 'a whole number of points, at least 1'
          : 'a positive decimal with at most 6 decimals';
    if (t.metric === 'lifetime_points' && t.eventTypes !== undefined)
      problems['trigger/eventTypes'] = 'lifetime_points counts every rule award: no event types';
  }
  if (t.kind === 'membership_anniversary' && t.plans !== undefined && t.plans.length === 0)
    problems['trigger/plans'] = 'at least one plan, or leave it out for every plan';
  if (t.kind === 'win_back') {
    if (!Number.isInteger(t.days) || t.days < 1 || t.days > 3660)
      problems['trigger/days'] = 'a whole number of days from 1 to 3660';
    if (t.eventTypes.length === 0) problems['trigger/eventTypes'] = 'at least one event type';
  }
  if (
    doc.effect.points === undefined &&
    doc.effect.cashback === undefined &&
    doc.effect.badge === undefined &&
    doc.effect.catalogReward === undefined
  )
    problems['effect'] = 'points, cashback, a badge, a catalog reward or several';
  if (
    doc.effect.cashback !== undefined &&
    (!DECIMAL.test(doc.effect.cashback) || /^0(\.0*)?$/.test(doc.effect.cashback))
  )
    problems['effect/cashback'] = 'a positive decimal in the base currency';
  if (doc.effect.points !== undefined && (!Number.isInteger(doc.effect.points) || doc.effect.points < 1))
    problems['effect/points'] = 'a whole number of points, at least 1';
  if (Number.isNaN(new Date(doc.startsAt).getTime())) problems['startsAt'] = 'not a date-time';
  return problems;
}

const dayNumber = (d: LocalDate) => Date.UTC(d.year, d.month - 1, d.day) / 86_400_000;
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** The date a month-day falls on in a year (29 February on the 28th in other years). */
function onYear(year: number, month: number, day: number): LocalDate {
  return month === 2 && day === 29 && !isLeap(year) ? { year, month, day: 28 } : { year, month, day };
}

export const formatLocalDate = (d: LocalDate) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

export function parseLocalDate(text: string): LocalDate {
  const [year, month, day] = text.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
}

/**
 * The yearly occurrence of a date (a birthday, the customerSince anniversary) that is due on
 * `today`: the latest one on or before it, unless it is more than LOOKBACK_DAYS old or before
 * `from` (the automation's start, a local date). `minYears`: how many years after the date the
 * first occurrence is (0 for birthdays, 1 for anniversaries). Answers the year and the date it fell on.
 */
export function yearlyOccurrence(
  date: string,
  today: LocalDate,
  from: LocalDate,
  minYears: number,
): { year: number; on: LocalDate; years: number } | null {
  const origin = parseLocalDate(date);
  let on = onYear(today.year, origin.month, origin.day);
  if (dayNumber(on) > dayNumber(today)) on = onYear(today.year - 1, origin.month, origin.day);
  const years = on.year - origin.year;
  if (years < minYears) return null;
  if (dayNumber(today) - dayNumber(on) > LOOKBACK_DAYS) return null;
  if (dayNumber(on) < dayNumber(from)) return null;
  return { year: on.year, on, years };
}

/** The month-days ("MM-DD") whose yearly occurrence may be due on `today` (the store's filter). */
export function monthDaysDue(today: LocalDate): string[] {
  const found = new Set<string>();
  const base = dayNumber(today);
  for (let i = 0; i <= LOOKBACK_DAYS; i++) {
    const d = new Date((base - i) * 86_400_000);
    const month = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    found.add(`${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
    // 29 February falls on the 28th in other years.
    if (month === 2 && day === 28 && !isLeap(d.getUTCFullYear())) found.add('02-29');
  }
  return [...found].sort();
}

/** The first name of a contact's name (for "Happy birthday, Inge"), or the whole name. */
export function firstName(name: string | null): string | null {
  if (name === null) return null;
  return name.trim().split(/\s+/)[0] ?? null;
}

/** What the ledger and the firing say of an occurrence. */
export function explanation(
  doc: AutomationDocument,
  facts: {
    name: string | null;
    year?: number;
    years?: number;
    threshold?: string;
    unit?: string;
    lastOn?: string;
    /** The plan's name (membership anniversaries) or the tier's (tier anniversaries). */
    label?: string;
  },
): string {
  // In English, as the ledger keeps it; the portal shows it in the member's language (automation-words.ts).
  const trigger = doc.trigger;
  return explanationText('en', trigger.kind, {
    ...facts,
    automation: doc.name,
    ...(trigger.kind === 'milestone' && {
      metric: trigger.metric === 'lifetime_points' ? 'earned' : 'spent',
    }),
  });
}
