// Journal entries: sets of postings that balance to zero per unit.

export interface Posting {
  walletId: string;
  unit: string;
  /** Positive credits the wallet, negative debits it. Whole minor units or points. */
  amount: number;
}

/** Units whose postings do not sum to zero (empty when the entry balances). */
export function unbalancedUnits(postings: readonly Posting[]): string[] {
  const sums = new Map<string, number>();
  for (const p of postings) {
    if (!Number.isSafeInteger(p.amount))
      throw new RangeError(`posting amount ${p.amount} is not a whole number`);
    sums.set(p.unit, (sums.get(p.unit) ?? 0) + p.amount);
  }
  return [...sums].filter(([, sum]) => sum !== 0).map(([unit]) => unit);
}

export function assertBalanced(postings: readonly Posting[]): void {
  const bad = unbalancedUnits(postings);
  if (bad.length > 0) throw new Error(`entry does not balance in ${bad.join(', ')}`);
}
