// Lots: what is left of each credit, and which lots a debit consumes (soonest-expiring first).

export interface Lot {
  id: string;
  remaining: number;
  /** ISO instant, or null for points that never expire. */
  expiresAt: string | null;
  earnedAt: string;
}

export interface Allocation {
  lotId: string;
  amount: number;
}

/** Order in which lots are spent: soonest expiry first, never-expiring last, then oldest, then id. */
export function spendOrder(a: Lot, b: Lot): number {
  if (a.expiresAt !== b.expiresAt) {
    if (a.expiresAt === null) return 1;
    if (b.expiresAt === null) return -1;
    return a.expiresAt < b.expiresAt ? -1 : 1;
  }
  if (a.earnedAt !== b.earnedAt) return a.earnedAt < b.earnedAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Takes `amount` from the lots in spend order. Returns the allocations, and the part that the lots
 * could not cover (0 when they hold enough).
 */
export function allocate(
  lots: readonly Lot[],
  amount: number,
): { allocations: Allocation[]; uncovered: number } {
  assertAmount(amount);
  const allocations: Allocation[] = [];
  let left = amount;
  for (const lot of [...lots].sort(spendOrder)) {
    if (left === 0) break;
    if (lot.remaining <= 0) continue;
    const take = Math.min(lot.remaining, left);
    allocations.push({ lotId: lot.id, amount: take });
    left -= take;
  }
  return { allocations, uncovered: left };
}

export function assertAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new RangeError(`an amount must be a positive whole number of units, got ${amount}`);
  }
}
