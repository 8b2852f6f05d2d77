// Payout periods of a schedule (decisions 0048, 0052, 0060): calendar months ("2026-11"), quarters
// ("2026-Q4") and ISO weeks ("2026-W49", Monday to Sunday) of a program's local calendar, numbered so
// that consecutive periods are consecutive integers; when a schedule's period is due, and which periods
// a schedule owes. Pure: the caller passes the local date.
import type { LocalDate } from '../calendar.ts';

export type Frequency = 'monthly' | 'quarterly' | 'weekly';

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A schedule that is on: the day of the period after the one it pays from which the run is proposed. */
export type PayoutScheduleOn = (
  | { frequency: 'monthly'; dayOfMonth: number }
  | { frequency: 'quarterly'; dayOfMonth: number }
  | { frequency: 'weekly'; weekday: Weekday }
) & { currencies?: string[] };

const DAY = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** Days since 1970-01-01 of a local date (a calendar date, no zone). */
const epochDay = (d: LocalDate) => Math.floor(Date.UTC(d.year, d.month - 1, d.day) / DAY);

function dateOfEpochDay(n: number): LocalDate {
  const d = new Date(n * DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 1 (Monday) … 7 (Sunday). */
export const isoWeekday = (d: LocalDate) => ((new Date(epochDay(d) * DAY).getUTCDay() + 6) % 7) + 1;

/** Week index: 1970-01-01 was a Thursday, so week 0 starts Monday 1969-12-29 (epoch day −3). */
const weekIndex = (d: LocalDate) => Math.floor((epochDay(d) + 3) / 7);

/** The period's number: consecutive periods of one frequency are consecutive integers. */
export function periodIndex(d: LocalDate, frequency: Frequency): number {
  if (frequency === 'monthly') return d.year * 12 + d.month - 1;
  if (frequency === 'quarterly') return d.year * 4 + Math.floor((d.month - 1) / 3);
  return weekIndex(d);
}

/** The first local date of a period number. */
export function periodStartDate(index: number, frequency: Frequency): LocalDate {
  if (frequency === 'monthly') return { year: Math.floor(index / 12), month: (index % 12) + 1, day: 1 };
  if (frequency === 'quarterly') return { year: Math.floor(index / 4), month: (index % 4) * 3 + 1, day: 1 };
  return dateOfEpochDay(index * 7 - 3);
}

/** The key of a period number: "2026-11", "2026-Q4" or "2026-W49" (the ISO year of its Thursday). */
export function periodKey(index: number, frequency: Frequency): string {
  if (frequency === 'monthly') return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
  if (frequency === 'quarterly') return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
  const thursday = dateOfEpochDay(index * 7);
  const week = Math.floor((epochDay(thursday) - epochDay({ year: thursday.year, month: 1, day: 1 })) / 7) + 1;
  return `${thursday.year}-W${pad(week)}`;
}

/** The frequency whose keys look like `key`, or null. */
export function frequencyOfKey(key: string): Frequency | null {
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(key)) return 'monthly';
  if (/^\d{4}-Q[1-4]$/.test(key)) return 'quarterly';
  if (/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/.test(key)) return 'weekly';
  return null;
}

/** The number of a period key of the frequency, or null (another shape, or a week 53 the year lacks). */
export function indexOfKey(key: string, frequency: Frequency): number | null {
  if (frequencyOfKey(key) !== frequency) return null;
  const year = Number(key.slice(0, 4));
  if (frequency === 'monthly') return year * 12 + Number(key.slice(5)) - 1;
  if (frequency === 'quarterly') return year * 4 + Number(key.slice(6)) - 1;
  // Week 1 is the week that holds 4 January.
  const index = weekIndex({ year, month: 1, day: 4 }) + Number(key.slice(6)) - 1;
  return periodKey(index, 'weekly') === key ? index : null;
}

/** Where `today` is in its period, on the schedule's scale: the day of the month, or the ISO weekday. */
function dayWithin(today: LocalDate, schedule: PayoutScheduleOn): { day: number; due: number } {
  if (schedule.frequency === 'weekly')
    return { day: isoWeekday(today), due: WEEKDAYS.indexOf(schedule.weekday) + 1 };
  if (schedule.frequency === 'monthly') return { day: today.day, due: schedule.dayOfMonth };
  // Quarterly: due on the day of the quarter's first month; the later months are past it.
  const first = (today.month - 1) % 3 === 0;
  return { day: first ? today.day : 99, due: schedule.dayOfMonth };
}

/** The number of the last period whose run is due on `today` (the one before the current period, once its day came). */
export function lastDuePeriod(today: LocalDate, schedule: PayoutScheduleOn): number {
  const current = periodIndex(today, schedule.frequency);
  const { day, due } = dayWithin(today, schedule);
  return day < due ? current - 2 : current - 1;
}

/**
 * The periods the schedule owes on `today`, oldest first: from `since` (a period number) to the last
 * one due, at most `max` of them (the latest).
 */
export function owedPeriodKeys(
  today: LocalDate,
  schedule: PayoutScheduleOn,
  since: number,
  max: number,
): string[] {
  const last = lastDuePeriod(today, schedule);
  const owed: string[] = [];
  for (let i = Math.max(since, last - max + 1); i <= last; i++) owed.push(periodKey(i, schedule.frequency));
  return owed;
}
