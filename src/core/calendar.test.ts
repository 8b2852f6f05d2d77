import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDate, type Period, periodOf, startOfLocalDay } from './calendar.ts';

const at = (iso: string) => new Date(iso);
const iso = (p: { start: Date; end: Date }) => ({ start: p.start.toISOString(), end: p.end.toISOString() });
const HOUR = 3_600_000;

describe('periodOf', () => {
  it('gives the UTC day for UTC', () => {
    expect(iso(periodOf(at('2026-03-10T12:34:56Z'), 'day', 'UTC'))).toEqual({
      start: '2026-03-10T00:00:00.000Z',
      end: '2026-03-11T00:00:00.000Z',
    });
    // Midnight itself starts its day.
    expect(iso(periodOf(at('2026-03-10T00:00:00Z'), 'day', 'UTC'))).toEqual({
      start: '2026-03-10T00:00:00.000Z',
      end: '2026-03-11T00:00:00.000Z',
    });
  });

  it('uses the local day of the program zone', () => {
    // 23:30 UTC on 9 March is already 10 March in Amsterdam (UTC+1).
    expect(iso(periodOf(at('2026-03-09T23:30:00Z'), 'day', 'Europe/Amsterdam'))).toEqual({
      start: '2026-03-09T23:00:00.000Z',
      end: '2026-03-10T23:00:00.000Z',
    });
    expect(iso(periodOf(at('2026-03-09T22:59:59.999Z'), 'day', 'Europe/Amsterdam'))).toEqual({
      start: '2026-03-08T23:00:00.000Z',
      end: '2026-03-09T23:00:00.000Z',
    });
    // Half-hour zone.
    expect(iso(periodOf(at('2026-06-15T12:00:00Z'), 'day', 'Asia/Kolkata'))).toEqual({
      start: '2026-06-14T18:30:00.000Z',
      end: '2026-06-15T18:30:00.000Z',
    });
  });

  it('gives a 23-hour day when Amsterdam springs forward and a 25-hour one when it falls back', () => {
    // 29 March 2026: 02:00 CET → 03:00 CEST.
    const spring = periodOf(at('2026-03-29T12:00:00Z'), 'day', 'Europe/Amsterdam');
    expect(iso(spring)).toEqual({ start: '2026-03-28T23:00:00.000Z', end: '2026-03-29T22:00:00.000Z' });
    expect(spring.end.getTime() - spring.start.getTime()).toBe(23 * HOUR);
    // An instant in the skipped-over hour's neighbourhood belongs to the same day.
    expect(iso(periodOf(at('2026-03-29T00:59:59Z'), 'day', 'Europe/Amsterdam'))).toEqual(iso(spring));
    expect(iso(periodOf(at('2026-03-29T01:00:00Z'), 'day', 'Europe/Amsterdam'))).toEqual(iso(spring));
    // 25 October 2026: 03:00 CEST → 02:00 CET.
    const autumn = periodOf(at('2026-10-25T12:00:00Z'), 'day', 'Europe/Amsterdam');
    expect(iso(autumn)).toEqual({ start: '2026-10-24T22:00:00.000Z', end: '2026-10-25T23:00:00.000Z' });
    expect(autumn.end.getTime() - autumn.start.getTime()).toBe(25 * HOUR);
    // Both 02:30 local times (00:30 and 01:30 UTC) are 25 October.
    expect(iso(periodOf(at('2026-10-25T00:30:00Z'), 'day', 'Europe/Amsterdam'))).toEqual(iso(autumn));
    expect(iso(periodOf(at('2026-10-25T01:30:00Z'), 'day', 'Europe/Amsterdam'))).toEqual(iso(autumn));
  });

  it('gives months that start and end in different offsets across DST', () => {
    // March 2026 in Amsterdam starts in CET and ends in CEST: 31 days minus an hour.
    const march = periodOf(at('2026-03-15T00:30:00Z'), 'month', 'Europe/Amsterdam');
    expect(iso(march)).toEqual({ start: '2026-02-28T23:00:00.000Z', end: '2026-03-31T22:00:00.000Z' });
    expect(march.end.getTime() - march.start.getTime()).toBe((31 * 24 - 1) * HOUR);
    const october = periodOf(at('2026-10-15T00:30:00Z'), 'month', 'Europe/Amsterdam');
    expect(iso(october)).toEqual({ start: '2026-09-30T22:00:00.000Z', end: '2026-10-31T23:00:00.000Z' });
    expect(october.end.getTime() - october.start.getTime()).toBe((31 * 24 + 1) * HOUR);
  });

  it('handles month ends and leap years', () => {
    // 23:30 UTC on 31 January is 1 February in Amsterdam.
    expect(iso(periodOf(at('2026-01-31T23:30:00Z'), 'month', 'Europe/Amsterdam'))).toEqual({
      start: '2026-01-31T23:00:00.000Z',
      end: '2026-02-28T23:00:00.000Z',
    });
    expect(iso(periodOf(at('2026-01-31T22:30:00Z'), 'month', 'Europe/Amsterdam'))).toEqual({
      start: '2025-12-31T23:00:00.000Z',
      end: '2026-01-31T23:00:00.000Z',
    });
    expect(iso(periodOf(at('2028-02-29T12:00:00Z'), 'month', 'UTC'))).toEqual({
      start: '2028-02-01T00:00:00.000Z',
      end: '2028-03-01T00:00:00.000Z',
    });
    expect(iso(periodOf(at('2028-02-29T12:00:00Z'), 'day', 'UTC'))).toEqual({
      start: '2028-02-29T00:00:00.000Z',
      end: '2028-03-01T00:00:00.000Z',
    });
    // December rolls into the next year.
    expect(iso(periodOf(at('2026-12-31T12:00:00Z'), 'month', 'Europe/Amsterdam'))).toEqual({
      start: '2026-11-30T23:00:00.000Z',
      end: '2026-12-31T23:00:00.000Z',
    });
  });

  it('handles year ends in the program zone', () => {
    expect(iso(periodOf(at('2026-12-31T22:59:59.999Z'), 'year', 'Europe/Amsterdam'))).toEqual({
      start: '2025-12-31T23:00:00.000Z',
      end: '2026-12-31T23:00:00.000Z',
    });
    // 23:30 UTC on 31 December is already 2027 in Amsterdam.
    expect(iso(periodOf(at('2026-12-31T23:30:00Z'), 'year', 'Europe/Amsterdam'))).toEqual({
      start: '2026-12-31T23:00:00.000Z',
      end: '2027-12-31T23:00:00.000Z',
    });
    expect(iso(periodOf(at('2026-12-31T23:30:00Z'), 'year', 'UTC'))).toEqual({
      start: '2026-01-01T00:00:00.000Z',
      end: '2027-01-01T00:00:00.000Z',
    });
    // New York is behind: 03:00 UTC on 1 January is still the old year there.
    expect(iso(periodOf(at('2027-01-01T03:00:00Z'), 'year', 'America/New_York'))).toEqual({
      start: '2026-01-01T05:00:00.000Z',
      end: '2027-01-01T05:00:00.000Z',
    });
  });

  const zones = [
    'UTC',
    'Europe/Amsterdam',
    'Europe/London',
    'America/New_York',
    'America/Los_Angeles',
    'Asia/Kolkata',
    'Asia/Tokyo',
    'Australia/Sydney',
    'Pacific/Chatham',
    'Australia/Lord_Howe',
  ];

  it('gives intervals that contain the instant and line up with their neighbours (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.constantFrom(...zones),
        fc.constantFrom<Period>('day', 'month', 'year'),
        (ms, zone, period) => {
          const instant = new Date(ms);
          const { start, end } = periodOf(instant, period, zone);
          expect(start.getTime()).toBeLessThanOrEqual(ms);
          expect(end.getTime()).toBeGreaterThan(ms);
          // The start is a local midnight of the instant's period; the end starts the next period.
          const local = localDate(instant, zone);
          const first = localDate(start, zone);
          expect(first.day).toBe(period === 'day' ? local.day : 1);
          expect(first.month).toBe(period === 'year' ? 1 : local.month);
          expect(first.year).toBe(local.year);
          expect(localDate(new Date(start.getTime() - 1), zone)).not.toEqual(first);
          expect(iso(periodOf(new Date(end.getTime() - 1), period, zone))).toEqual(iso({ start, end }));
          expect(periodOf(end, period, zone).start.getTime()).toBe(end.getTime());
          const hours = (end.getTime() - start.getTime()) / HOUR;
          const days = {
            day: [23, 25],
            month: [28 * 24 - 1, 31 * 24 + 1],
            year: [365 * 24 - 1, 366 * 24 + 1],
          };
          expect(hours).toBeGreaterThanOrEqual(days[period][0]!);
          expect(hours).toBeLessThanOrEqual(days[period][1]!);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is nested: the day lies in the month, the month in the year (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const day = periodOf(new Date(ms), 'day', zone);
          const month = periodOf(new Date(ms), 'month', zone);
          const year = periodOf(new Date(ms), 'year', zone);
          expect(month.start <= day.start && day.end <= month.end).toBe(true);
          expect(year.start <= month.start && month.end <= year.end).toBe(true);
        },
      ),
    );
  });
});

describe('startOfLocalDay where DST starts at midnight', () => {
  // BUG (src/core/calendar.ts, startOfLocalDay): in zones that spring forward at local midnight
  // (America/Santiago, America/Asuncion, formerly America/Sao_Paulo), local midnight does not exist
  // and the day starts at 01:00. The second pass lands an hour early, on 23:00 of the previous day.
  // Santiago, 6 September 2026: 00:00 -04 (04:00Z) → 01:00 -03. The day starts at 04:00Z.
  it('starts the day at the first local instant of that date', () => {
    const start = startOfLocalDay({ year: 2026, month: 9, day: 6 }, 'America/Santiago');
    expect(localDate(start, 'America/Santiago')).toEqual({ year: 2026, month: 9, day: 6 });
    expect(start.toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('gives a day interval that contains an instant late on the day before', () => {
    // 03:30Z on 6 September is 23:30 on 5 September in Santiago.
    const instant = at('2026-09-06T03:30:00Z');
    expect(localDate(instant, 'America/Santiago')).toEqual({ year: 2026, month: 9, day: 5 });
    const day = periodOf(instant, 'day', 'America/Santiago');
    expect(iso(day)).toEqual({ start: '2026-09-05T04:00:00.000Z', end: '2026-09-06T04:00:00.000Z' });
  });
});

describe('startOfLocalDay at other midnight transitions', () => {
  it('starts a day at the second midnight when the clocks fall back at midnight', () => {
    // Santiago, 5 April 2026: 00:00 -03 (03:00Z) goes back to 23:00 on the 4th; the 5th starts at 00:00 -04.
    const start = startOfLocalDay({ year: 2026, month: 4, day: 5 }, 'America/Santiago');
    expect(start.toISOString()).toBe('2026-04-05T04:00:00.000Z');
    const day = periodOf(at('2026-04-04T12:00:00Z'), 'day', 'America/Santiago');
    expect(iso(day)).toEqual({ start: '2026-04-04T03:00:00.000Z', end: '2026-04-05T04:00:00.000Z' });
  });

  it('starts a day east of UTC at its first instant when the clocks spring forward at midnight', () => {
    // Cairo, 24 April 2026: 00:00 +02 (22:00Z) jumps to 01:00 +03, which starts the day.
    const start = startOfLocalDay({ year: 2026, month: 4, day: 24 }, 'Africa/Cairo');
    expect(start.toISOString()).toBe('2026-04-23T22:00:00.000Z');
    expect(localDate(start, 'Africa/Cairo')).toEqual({ year: 2026, month: 4, day: 24 });
    expect(localDate(new Date(start.getTime() - 1), 'Africa/Cairo')).toEqual({
      year: 2026,
      month: 4,
      day: 23,
    });
  });

  it('starts a skipped day where the next day starts', () => {
    // Samoa skipped 30 December 2011 (UTC-10 to UTC+14): 29 December ended at 10:00Z, 31 December began.
    const zone = 'Pacific/Apia';
    const skipped = startOfLocalDay({ year: 2011, month: 12, day: 30 }, zone);
    expect(skipped.toISOString()).toBe('2011-12-30T10:00:00.000Z');
    expect(startOfLocalDay({ year: 2011, month: 12, day: 31 }, zone)).toEqual(skipped);
    expect(localDate(skipped, zone)).toEqual({ year: 2011, month: 12, day: 31 });
    expect(iso(periodOf(at('2011-12-29T12:00:00Z'), 'day', zone))).toEqual({
      start: '2011-12-29T10:00:00.000Z',
      end: '2011-12-30T10:00:00.000Z',
    });
    // Kiribati's Line Islands skipped the last day of 1994 (UTC-10 to UTC+14).
    expect(startOfLocalDay({ year: 1994, month: 12, day: 31 }, 'Pacific/Kiritimati').toISOString()).toBe(
      '1994-12-31T10:00:00.000Z',
    );
  });
});

describe('localDate (memoised offsets)', () => {
  const zones = [
    'UTC',
    'Europe/Amsterdam',
    'America/New_York',
    'America/St_Johns',
    'Asia/Kathmandu',
    'Australia/Lord_Howe',
    'Pacific/Apia',
    'Asia/Tehran',
  ];
  const byIntl = (instant: Date, timeZone: string) => {
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).formatToParts(instant);
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return { year: get('year'), month: get('month'), day: get('day') };
  };

  it('agrees with Intl at every instant, around clock changes and at odd offsets too', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }),
        (zone, t) => {
          expect(localDate(new Date(t), zone)).toEqual(byIntl(new Date(t), zone));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees with Intl second by second across a spring-forward and a fall-back hour', () => {
    for (const [zone, from] of [
      ['Europe/Amsterdam', Date.UTC(2026, 2, 29, 0, 30)],
      ['Europe/Amsterdam', Date.UTC(2026, 9, 25, 0, 30)],
      ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 14, 0)],
      ['America/St_Johns', Date.UTC(2026, 2, 8, 4, 0)],
    ] as const)
      for (let t = from; t < from + 2 * HOUR; t += 37_000)
        expect(localDate(new Date(t), zone)).toEqual(byIntl(new Date(t), zone));
  });
});
