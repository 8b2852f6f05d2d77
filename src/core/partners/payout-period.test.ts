import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePeriod } from './commission.ts';
import {
  indexOfKey,
  isoWeekday,
  lastDuePeriod,
  owedPeriodKeys,
  periodIndex,
  periodKey,
  periodStartDate,
} from './payout-period.ts';

const d = (year: number, month: number, day: number) => ({ year, month, day });

describe('payout periods', () => {
  it('names ISO weeks by the year of their Thursday', () => {
    expect(periodKey(periodIndex(d(2026, 12, 7), 'weekly'), 'weekly')).toBe('2026-W50');
    expect(periodKey(periodIndex(d(2026, 12, 6), 'weekly'), 'weekly')).toBe('2026-W49');
    // 2027-01-01 is a Friday: it is in the last week of 2026, which has 53.
    expect(periodKey(periodIndex(d(2027, 1, 1), 'weekly'), 'weekly')).toBe('2026-W53');
    expect(periodKey(periodIndex(d(2027, 1, 4), 'weekly'), 'weekly')).toBe('2027-W01');
    // 2024-12-30 is a Monday in week 1 of 2025.
    expect(periodKey(periodIndex(d(2024, 12, 30), 'weekly'), 'weekly')).toBe('2025-W01');
    expect(periodStartDate(periodIndex(d(2026, 12, 10), 'weekly'), 'weekly')).toEqual(d(2026, 12, 7));
    expect(isoWeekday(d(2026, 12, 7))).toBe(1);
    expect(isoWeekday(d(2026, 12, 13))).toBe(7);
  });

  it('reads back every key it writes, and refuses a week 53 the year lacks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000 * 12, max: 2100 * 12 }),
        fc.constantFrom('monthly', 'quarterly', 'weekly'),
        (i, f) => {
          const frequency = f as 'monthly' | 'quarterly' | 'weekly';
          const index = frequency === 'weekly' ? i - 2000 * 12 + 1_500 : i; // weeks of 1998–2021
          expect(indexOfKey(periodKey(index, frequency), frequency)).toBe(index);
        },
      ),
    );
    expect(indexOfKey('2025-W53', 'weekly')).toBeNull();
    expect(indexOfKey('2026-W53', 'weekly')).not.toBeNull();
    expect(indexOfKey('2026-11', 'weekly')).toBeNull();
    expect(indexOfKey('2026-Q4', 'quarterly')).toBe(2026 * 4 + 3);
  });

  it('parses a week as Monday to Monday in the time zone', () => {
    const w = parsePeriod('2026-W49', 'Europe/Amsterdam')!;
    expect(w.start.toISOString()).toBe('2026-11-29T23:00:00.000Z');
    expect(w.end.toISOString()).toBe('2026-12-06T23:00:00.000Z');
    expect(parsePeriod('2025-W53', 'Europe/Amsterdam')).toBeNull();
  });

  it('is due from the weekday, or the day of the quarter’s first month', () => {
    const friday = { frequency: 'weekly' as const, weekday: 'friday' as const };
    // Thursday 2026-12-10: week 49 is not due yet; Friday it is.
    expect(periodKey(lastDuePeriod(d(2026, 12, 10), friday), 'weekly')).toBe('2026-W48');
    expect(periodKey(lastDuePeriod(d(2026, 12, 11), friday), 'weekly')).toBe('2026-W49');
    const quarterly = { frequency: 'quarterly' as const, dayOfMonth: 5 };
    expect(periodKey(lastDuePeriod(d(2027, 1, 4), quarterly), 'quarterly')).toBe('2026-Q3');
    expect(periodKey(lastDuePeriod(d(2027, 1, 5), quarterly), 'quarterly')).toBe('2026-Q4');
    // The quarter's later months are past its day.
    expect(periodKey(lastDuePeriod(d(2027, 2, 1), quarterly), 'quarterly')).toBe('2026-Q4');
    expect(periodKey(lastDuePeriod(d(2027, 3, 31), quarterly), 'quarterly')).toBe('2026-Q4');
  });

  it('owes every period from since, at most max, oldest first', () => {
    const monday = { frequency: 'weekly' as const, weekday: 'monday' as const };
    const since = indexOfKey('2026-W47', 'weekly')!;
    expect(owedPeriodKeys(d(2026, 12, 7), monday, since, 12)).toEqual(['2026-W47', '2026-W48', '2026-W49']);
    expect(owedPeriodKeys(d(2026, 12, 7), monday, since, 2)).toEqual(['2026-W48', '2026-W49']);
    expect(owedPeriodKeys(d(2026, 12, 7), monday, since + 3, 12)).toEqual([]);
  });
});
