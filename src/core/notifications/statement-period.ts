// Statement periods (decision 0037): a month `YYYY-MM` or a quarter `YYYY-Qn`, as instants in the
// program's time zone, the period before an instant for a cadence, and the periods that follow one.
// Pure: the caller passes the instant and the zone.
import { addMonths, type LocalDate, localDate, startOfLocalDay } from '../calendar.ts';

export const STATEMENT_CADENCES = ['monthly', 'quarterly'] as const;
export type StatementCadence = (typeof STATEMENT_CADENCES)[number];

/** The pattern both kinds of period match (for request schemas). */
export const PERIOD_PATTERN = '^\\d{4}-((0[1-9]|1[0-2])|Q[1-4])$';

export interface StatementPeriod {
  /** As written: `2026-03` or `2026-Q1`. */
  id: string;
  cadence: StatementCadence;
  /** The first local day of the period. */
  first: LocalDate;
  /** How many months it spans (1 or 3). */
  months: 1 | 3;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;

/** A period as written, or null when it is neither a month nor a quarter. */
export function parsePeriod(period: string): StatementPeriod | null {
  const m = MONTH.exec(period);
  if (m) return { id: period, cadence: 'monthly', first: { year: +m[1]!, month: +m[2]!, day: 1 }, months: 1 };
  const q = QUARTER.exec(period);
  if (q)
    return {
      id: period,
      cadence: 'quarterly',
      first: { year: +q[1]!, month: (+q[2]! - 1) * 3 + 1, day: 1 },
      months: 3,
    };
  return null;
}

const idOf = (first: LocalDate, cadence: StatementCadence) =>
  cadence === 'monthly'
    ? `${first.year}-${String(first.month).padStart(2, '0')}`
    : `${first.year}-Q${Math.floor((first.month - 1) / 3) + 1}`;

/** The period as the instants [start, end) in the time zone. */
export function periodRange(p: StatementPeriod, timeZone: string): { start: Date; end: Date } {
  return {
    start: startOfLocalDay(p.first, timeZone),
    end: startOfLocalDay(addMonths(p.first, p.months), timeZone),
  };
}

/** The last period of the cadence that ended at or before `asOf` in the time zone. */
export function periodBefore(asOf: Date, timeZone: string, cadence: StatementCadence): string {
  const local = localDate(asOf, timeZone);
  const months = cadence === 'monthly' ? 1 : 3;
  // The first month of the period `asOf` falls in, then one period back.
  const current = { year: local.year, month: local.month - ((local.month - 1) % months), day: 1 };
  return idOf(addMonths(current, -months), cadence);
}

/** The `count` periods of the same cadence that follow `p` (`step` -1: that precede it, newest first). */
export function periodsAfter(p: StatementPeriod, count: number, step: 1 | -1 = 1): StatementPeriod[] {
  return Array.from({ length: count }, (_, i) => {
    const first = addMonths(p.first, p.months * (i + 1) * step);
    return { ...p, id: idOf(first, p.cadence), first };
  });
}
