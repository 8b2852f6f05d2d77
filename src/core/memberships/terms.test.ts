import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, cancelledAt, feeToMinor, minorToFee, termEnd, termsDue } from './terms.ts';

const at = (s: string) => new Date(s);

describe('termEnd', () => {
  it('counts months on the calendar from the anchor, clamping the day without drifting', () => {
    const anchor = at('2025-01-31T09:30:00.000Z');
    expect(termEnd(anchor, { months: 1 }, 1).toISOString()).toBe('2025-02-28T09:30:00.000Z');
    expect(termEnd(anchor, { months: 1 }, 2).toISOString()).toBe('2025-03-31T09:30:00.000Z');
    expect(termEnd(at('2024-01-31T00:00:00Z'), { months: 1 }, 1).toISOString()).toBe(
      '2024-02-29T00:00:00.000Z',
    );
    expect(termEnd(anchor, { months: 12 }, 1).toISOString()).toBe('2026-01-31T09:30:00.000Z');
    expect(termEnd(at('2024-02-29T00:00:00Z'), { months: 12 }, 1).toISOString()).toBe(
      '2025-02-28T00:00:00.000Z',
    );
    expect(termEnd(at('2024-02-29T00:00:00Z'), { months: 12 }, 4).toISOString()).toBe(
      '2028-02-29T00:00:00.000Z',
    );
  });

  it('counts days as whole 24-hour days', () => {
    expect(termEnd(at('2025-03-01T00:00:00Z'), { days: 30 }, 2).toISOString()).toBe(
      '2025-04-30T00:00:00.000Z',
    );
  });

  it('is the anchor at n = 0 and grows with n', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.oneof(
          fc.integer({ min: 1, max: 120 }).map((months) => ({ months })),
          fc.integer({ min: 1, max: 3650 }).map((days) => ({ days })),
        ),
        fc.integer({ min: 0, max: 50 }),
        (anchor, term, n) => {
          expect(termEnd(anchor, term, 0).getTime()).toBe(anchor.getTime());
          expect(termEnd(anchor, term, n + 1).getTime()).toBeGreaterThan(termEnd(anchor, term, n).getTime());
        },
      ),
    );
  });
});

describe('termsDue', () => {
  const anchor = at('2025-01-15T00:00:00Z');
  it('lists every term that ended by asOf, from the current one', () => {
    expect(termsDue(anchor, { months: 1 }, 1, at('2025-02-14T23:59:59Z'))).toEqual([]);
    expect(termsDue(anchor, { months: 1 }, 1, at('2025-02-15T00:00:00Z'))).toEqual([1]);
    expect(termsDue(anchor, { months: 1 }, 1, at('2025-05-01T00:00:00Z'))).toEqual([1, 2, 3]);
    expect(termsDue(anchor, { months: 1 }, 3, at('2025-05-01T00:00:00Z'))).toEqual([3]);
    // At most `max` terms in one go.
    expect(termsDue(anchor, { months: 1 }, 1, at('2025-05-01T00:00:00Z'), 2)).toEqual([1, 2]);
  });

  it('gives a late run the same renewals as runs on time', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 10 }), (offsets) => {
        const runs = [...offsets]
          .sort((x, y) => x - y)
          .map((d) => new Date(anchor.getTime() + d * 86_400_000));
        let current = 1;
        const onTime: number[] = [];
        for (const asOf of runs) {
          const due = termsDue(anchor, { days: 30 }, current, asOf);
          onTime.push(...due);
          current += due.length;
        }
        expect(onTime).toEqual(termsDue(anchor, { days: 30 }, 1, runs[runs.length - 1]!));
      }),
    );
  });
});

describe('fees', () => {
  it('parses decimal fees into minor units and refuses negatives and extra decimals', () => {
    expect(feeToMinor('490.00', 2)).toEqual({ ok: true, minor: 49000 });
    expect(feeToMinor('490', 2)).toEqual({ ok: true, minor: 49000 });
    expect(feeToMinor('0.5', 2)).toEqual({ ok: true, minor: 50 });
    expect(feeToMinor('1000', 0)).toEqual({ ok: true, minor: 1000 });
    expect(feeToMinor('-1', 2)).toEqual({ ok: false, reason: 'must not be negative' });
    expect(feeToMinor('1.001', 2)).toEqual({
      ok: false,
      reason: 'has more than 2 decimals for this currency',
    });
    expect(feeToMinor('1e3', 2)).toEqual({ ok: false, reason: 'must be a decimal number such as "49.90"' });
    expect(feeToMinor('', 2).ok).toBe(false);
  });

  it('formats minor units back', () => {
    expect(minorToFee(49000, 2)).toBe('490.00');
    expect(minorToFee(5, 2)).toBe('0.05');
    expect(minorToFee(1234, 3)).toBe('1.234');
    expect(minorToFee(7, 0)).toBe('7');
    fc.assert(
      // Fees have at most 12 integer digits, so up to 999,999,999,999 in any currency.
      fc.property(
        fc.integer({ min: 0, max: 999_999_999_999 }),
        fc.integer({ min: 0, max: 3 }),
        (minor, digits) => {
          expect(feeToMinor(minorToFee(minor, digits), digits)).toEqual({ ok: true, minor });
        },
      ),
    );
  });

  it('refuses term numbers that are not whole and non-negative', () => {
    for (const n of [-1, 1.5, Number.NaN])
      expect(() => termEnd(at('2025-01-01T00:00:00Z'), { days: 1 }, n)).toThrow(
        new RangeError(`term number must be a whole number, got ${n}`),
      );
  });

  it('adds months for free periods', () => {
    expect(addMonths(at('2025-11-30T12:00:00Z'), 3).toISOString()).toBe('2026-02-28T12:00:00.000Z');
  });
});

describe('cancelledAt', () => {
  const starts = at('2026-01-01T00:00:00Z');
  const ends = at('2026-02-01T00:00:00Z');
  it('ends a membership now, within its term', () => {
    expect(cancelledAt(starts, ends, at('2026-01-15T00:00:00Z'))).toEqual(at('2026-01-15T00:00:00Z'));
  });
  it('ends it at its term end when the due run has not handled that yet', () => {
    expect(cancelledAt(starts, ends, at('2026-03-01T00:00:00Z'))).toEqual(ends);
  });
  it('never ends it before it began (a future start), and not at all when it never started', () => {
    expect(cancelledAt(starts, ends, at('2025-12-01T00:00:00Z'))).toEqual(starts);
    expect(cancelledAt(null, null, at('2026-01-15T00:00:00Z'))).toBeNull();
    expect(cancelledAt(starts, null, at('2026-01-15T00:00:00Z'))).toBeNull();
    expect(cancelledAt(null, ends, at('2026-01-15T00:00:00Z'))).toBeNull();
  });
});
