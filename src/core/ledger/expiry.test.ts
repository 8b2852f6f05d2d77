import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startOfLocalDay } from '../calendar.ts';
import { expiryFor } from './expiry.ts';

const at = (iso: string) => new Date(iso);

describe('expiry policies', () => {
  it('never expires under none', () => {
    expect(expiryFor({ kind: 'none' }, at('2026-03-01T10:00:00Z'), 'UTC')).toBeNull();
  });

  it('expires at the end of the same day N months later, in the program zone', () => {
    // 2026-01-15 23:30 UTC is already 2026-01-16 in Amsterdam (UTC+1).
    expect(
      expiryFor({ kind: 'months_after_earning', months: 12 }, at('2026-01-15T23:30:00Z'), 'Europe/Amsterdam'),
    ).toEqual(at('2027-01-16T23:00:00Z'));
    // Month ends clamp: 31 January + 1 month = end of 28 February.
    expect(expiryFor({ kind: 'months_after_earning', months: 1 }, at('2026-01-31T12:00:00Z'), 'UTC')).toEqual(
      at('2026-03-01T00:00:00Z'),
    );
  });

  it('expires at the end of the Nth calendar quarter after earning', () => {
    // Earned in Q2 2026; quartersAfter 0 → end of Q2; 2 → end of Q4.
    expect(
      expiryFor({ kind: 'end_of_quarter', quartersAfter: 0 }, at('2026-05-10T12:00:00Z'), 'UTC'),
    ).toEqual(at('2026-07-01T00:00:00Z'));
    expect(
      expiryFor({ kind: 'end_of_quarter', quartersAfter: 2 }, at('2026-05-10T12:00:00Z'), 'Europe/Amsterdam'),
    ).toEqual(at('2026-12-31T23:00:00Z'));
  });

  it('expires at the end of the Nth calendar year after earning', () => {
    expect(
      expiryFor({ kind: 'end_of_year', yearsAfter: 1 }, at('2026-12-31T22:59:00Z'), 'Europe/Amsterdam'),
    ).toEqual(at('2027-12-31T23:00:00Z'));
    // 23:30 UTC on 31 December is already next year in Amsterdam.
    expect(
      expiryFor({ kind: 'end_of_year', yearsAfter: 0 }, at('2026-12-31T23:30:00Z'), 'Europe/Amsterdam'),
    ).toEqual(at('2027-12-31T23:00:00Z'));
  });

  it('finds local midnight across daylight-saving changes', () => {
    expect(startOfLocalDay({ year: 2026, month: 3, day: 29 }, 'Europe/Amsterdam')).toEqual(
      at('2026-03-28T23:00:00Z'),
    );
    expect(startOfLocalDay({ year: 2026, month: 3, day: 30 }, 'Europe/Amsterdam')).toEqual(
      at('2026-03-29T22:00:00Z'),
    );
    expect(startOfLocalDay({ year: 2026, month: 11, day: 2 }, 'America/New_York')).toEqual(
      at('2026-11-02T05:00:00Z'),
    );
  });

  it('always expires after the moment of earning', () => {
    const zones = ['UTC', 'Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata', 'Pacific/Auckland'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        fc.oneof(
          fc.record({
            kind: fc.constant('months_after_earning' as const),
            months: fc.integer({ min: 0, max: 60 }),
          }),
          fc.record({
            kind: fc.constant('end_of_quarter' as const),
            quartersAfter: fc.integer({ min: 0, max: 12 }),
          }),
          fc.record({
            kind: fc.constant('end_of_year' as const),
            yearsAfter: fc.integer({ min: 0, max: 5 }),
          }),
        ),
        (earned, zone, policy) => {
          const expiry = expiryFor(policy, earned, zone)!;
          expect(expiry.getTime()).toBeGreaterThan(earned.getTime());
        },
      ),
    );
  });
});
