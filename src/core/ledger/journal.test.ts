import { describe, expect, it } from 'vitest';
import { assertBalanced, movement, unbalancedUnits } from './journal.ts';

describe('journal entries', () => {
  it('balances a movement in one unit', () => {
    expect(unbalancedUnits(movement('a', 'b', 'points', 40))).toEqual([]);
  });
  it('names the units that do not balance', () => {
    const postings = [...movement('a', 'b', 'points', 40), { walletId: 'c', unit: 'EUR', amount: 5 }];
    expect(unbalancedUnits(postings)).toEqual(['EUR']);
    expect(() => assertBalanced(postings)).toThrow(/EUR/);
  });
  it('refuses fractional amounts', () => {
    expect(() => unbalancedUnits([{ walletId: 'a', unit: 'points', amount: 0.5 }])).toThrow(RangeError);
  });
});
