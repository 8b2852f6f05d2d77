import { describe, expect, it } from 'vitest';
import { assertBalanced, type Posting, unbalancedUnits } from './journal.ts';

const post = (walletId: string, unit: string, amount: number): Posting => ({ walletId, unit, amount });

describe('journal entries', () => {
  it('balances when every unit sums to zero', () => {
    const postings = [
      post('a', 'points', -40),
      post('b', 'points', 40),
      post('c', 'EUR', -5),
      post('d', 'EUR', 5),
    ];
    expect(unbalancedUnits(postings)).toEqual([]);
    expect(() => assertBalanced(postings)).not.toThrow();
    expect(() => assertBalanced([])).not.toThrow();
  });

  it('names the units that do not balance', () => {
    const postings = [
      post('a', 'points', -40),
      post('b', 'points', 40),
      post('c', 'EUR', 5),
      post('d', 'USD', -1),
    ];
    expect(unbalancedUnits(postings)).toEqual(['EUR', 'USD']);
    expect(() => assertBalanced(postings)).toThrow('entry does not balance in EUR, USD');
  });

  it('refuses fractional amounts', () => {
    expect(() => unbalancedUnits([post('a', 'points', 0.5)])).toThrow(RangeError);
    expect(() => unbalancedUnits([post('a', 'points', 0.5)])).toThrow(
      'posting amount 0.5 is not a whole number',
    );
  });
});
