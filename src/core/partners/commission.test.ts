import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clawbackOf,
  isRate,
  parsePeriod,
  percentOf,
  periodContaining,
  reachesTarget,
  statementOf,
  tieredLine,
  tieredTotal,
} from './commission.ts';

const TZ = 'Europe/Amsterdam';

describe('periods in the time zone', () => {
  it('a month and a quarter start at local midnight', () => {
    // 2026-11-30 23:30 UTC is already December in Amsterdam.
    const at = new Date('2026-11-30T23:30:00Z');
    expect(periodContaining(at, 'month', TZ)).toEqual({
      key: '2026-12',
      start: new Date('2026-11-30T23:00:00Z'),
      end: new Date('2026-12-31T23:00:00Z'),
    });
    expect(periodContaining(at, 'quarter', TZ).key).toBe('2026-Q4');
    expect(parsePeriod('2026-Q2', TZ)).toEqual({
      key: '2026-Q2',
      start: new Date('2026-03-31T22:00:00Z'),
      end: new Date('2026-06-30T22:00:00Z'),
    });
    expect(parsePeriod('2026-13', TZ)).toBeNull();
    expect(parsePeriod('2026-Q5', TZ)).toBeNull();
  });
});

describe('rates and tiers', () => {
  it('checks percentages', () => {
    expect(['0', '10', '2.5', '100', '0.000000000001'].map(isRate)).toEqual([true, true, true, true, true]);
    expect(['-5', '100.01', 'ten', '', '1e2'].map(isRate)).toEqual([false, false, false, false, false]);
  });

  it('takes a percentage of minor units exactly, rounding half away from zero', () => {
    expect(percentOf(120000n, '10')).toBe(12000n);
    expect(percentOf(5n, '10')).toBe(1n); // 0.5 → 1
    expect(percentOf(4n, '10')).toBe(0n);
    expect(percentOf(999_999_999_999_99n, '33.333333333333')).toBe(33_333_333_333_333n);
    // In points: a point per euro (100 cents).
    expect(percentOf(120000n, '10', 100n)).toBe(120n);
  });

  it('splits volume across marginal tiers, lines adding up to the whole', () => {
    const tiers = [
      { from: 0n, rate: '5' },
      { from: 100000n, rate: '10' },
    ];
    expect(tieredTotal(160000n, tiers)).toBe(5000n + 6000n);
    expect(tieredLine(80000n, 80000n, tiers)).toBe(1000n + 6000n);
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 1n, max: 10_000_000n }), { maxLength: 20 }), (revenues) => {
        let volume = 0n;
        let sum = 0n;
        for (const r of revenues) {
          sum += tieredLine(volume, r, tiers);
          volume += r;
        }
        expect(sum).toBe(tieredTotal(volume, tiers));
      }),
      { numRuns: 200 },
    );
  });

  it('reaches a target once', () => {
    expect(reachesTarget(90n, 110n, 100n)).toBe(true);
    expect(reachesTarget(100n, 110n, 100n)).toBe(false);
    expect(reachesTarget(0n, 99n, 100n)).toBe(false);
  });
});

describe('clawbacks', () => {
  it('partial returns take back shares that add up exactly to the line', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 1_000_000n }),
        fc.bigInt({ min: 1n, max: 10_000_000n }),
        fc.array(fc.bigInt({ min: 1n, max: 2_000_000n }), { maxLength: 10 }),
        (amount, revenue, returns) => {
          let returned = 0n;
          let taken = 0n;
          for (const r of returns) {
            const take = clawbackOf({ amount, revenue }, returned, r);
            expect(take).toBeGreaterThanOrEqual(0n);
            taken += take;
            returned += r;
          }
          expect(taken).toBeLessThanOrEqual(amount);
          if (returned >= revenue) expect(taken).toBe(amount);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('statements', () => {
  it('pays what is owed, capped by the wallet, at or above the minimum', () => {
    expect(
      statementOf({ carried: 0, commissions: 17000, clawbacks: 3000, available: 14000, minimum: 0 }),
    ).toEqual({
      openingBalance: 0,
      commissions: 17000,
      clawbacks: 3000,
      payout: 14000,
      closingBalance: 0,
    });
    expect(
      statementOf({ carried: 500, commissions: 1000, clawbacks: 0, available: 1200, minimum: 0 }),
    ).toMatchObject({ payout: 1200, closingBalance: 300 });
    expect(
      statementOf({ carried: -2000, commissions: 1000, clawbacks: 0, available: 0, minimum: 0 }),
    ).toMatchObject({
      payout: 0,
      closingBalance: -1000,
    });
    expect(
      statementOf({ carried: 0, commissions: 1000, clawbacks: 0, available: 1000, minimum: 2500 }).payout,
    ).toBe(0);
  });
});
