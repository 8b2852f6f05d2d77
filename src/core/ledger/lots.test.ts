import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, type Lot, spendOrder } from './lots.ts';

const lot = (
  id: string,
  remaining: number,
  expiresAt: string | null,
  earnedAt = '2026-01-01T00:00:00Z',
): Lot => ({
  id,
  remaining,
  expiresAt,
  earnedAt,
});

describe('lot allocation', () => {
  it('spends the soonest-expiring lots first and never-expiring ones last', () => {
    const lots = [
      lot('never', 100, null),
      lot('late', 50, '2027-06-01T00:00:00Z'),
      lot('soon', 30, '2026-12-01T00:00:00Z'),
    ];
    expect(allocate(lots, 60)).toEqual({
      allocations: [
        { lotId: 'soon', amount: 30 },
        { lotId: 'late', amount: 30 },
      ],
      uncovered: 0,
    });
  });

  it('orders lots by expiry (never-expiring last), then age, then id', () => {
    const order = (...lots: Lot[]) => [...lots].sort(spendOrder).map((l) => l.id);
    const old = '2025-01-01T00:00:00Z';
    const young = '2025-06-01T00:00:00Z';
    expect(order(lot('b', 1, '2027-01-01'), lot('a', 1, '2026-01-01'))).toEqual(['a', 'b']);
    expect(order(lot('a', 1, '2026-01-01'), lot('b', 1, '2027-01-01'))).toEqual(['a', 'b']);
    expect(order(lot('n', 1, null), lot('e', 1, '2099-01-01'))).toEqual(['e', 'n']);
    expect(order(lot('e', 1, '2099-01-01'), lot('n', 1, null))).toEqual(['e', 'n']);
    // Older first, whatever the ids say.
    expect(order(lot('a', 1, null, young), lot('b', 1, null, old))).toEqual(['b', 'a']);
    expect(order(lot('b', 1, '2026-01-01', old), lot('a', 1, '2026-01-01', young))).toEqual(['b', 'a']);
    expect(order(lot('b', 1, null), lot('a', 1, null))).toEqual(['a', 'b']);
    expect(order(lot('a', 1, null), lot('b', 1, null))).toEqual(['a', 'b']);
    expect(spendOrder(lot('a', 1, null), lot('a', 2, null))).toBe(0);
    expect(spendOrder(lot('a', 1, null, old), lot('b', 1, null, young))).toBe(-1);
    expect(spendOrder(lot('b', 1, null, young), lot('a', 1, null, old))).toBe(1);
    expect(spendOrder(lot('b', 1, null), lot('a', 1, null))).toBe(1);
    expect(spendOrder(lot('a', 1, null), lot('b', 1, null))).toBe(-1);
  });

  it('skips spent lots', () => {
    expect(allocate([lot('spent', 0, '2026-01-01'), lot('full', 9, null)], 4)).toEqual({
      allocations: [{ lotId: 'full', amount: 4 }],
      uncovered: 0,
    });
  });

  it('reports what the lots cannot cover', () => {
    expect(allocate([lot('a', 5, null)], 8)).toEqual({
      allocations: [{ lotId: 'a', amount: 5 }],
      uncovered: 3,
    });
  });

  it('rejects amounts that are not positive whole numbers', () => {
    expect(() => allocate([], 0)).toThrow(RangeError);
    expect(() => allocate([], 1.5)).toThrow(
      new RangeError('an amount must be a positive whole number of units, got 1.5'),
    );
  });

  it('takes exactly the amount, never more than a lot holds', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            remaining: fc.integer({ min: 0, max: 1000 }),
            expiresAt: fc.option(fc.constantFrom('2026-01-01', '2026-06-01', '2027-01-01'), { nil: null }),
          }),
          { maxLength: 12 },
        ),
        fc.integer({ min: 1, max: 5000 }),
        (specs, amount) => {
          const lots = specs.map((s, i) => lot(`l${i}`, s.remaining, s.expiresAt));
          const { allocations, uncovered } = allocate(lots, amount);
          const taken = allocations.reduce((sum, a) => sum + a.amount, 0);
          const available = lots.reduce((sum, l) => sum + l.remaining, 0);
          expect(taken + uncovered).toBe(amount);
          expect(uncovered).toBe(Math.max(0, amount - available));
          for (const a of allocations) {
            expect(a.amount).toBeLessThanOrEqual(lots.find((l) => l.id === a.lotId)!.remaining);
          }
        },
      ),
    );
  });
});
