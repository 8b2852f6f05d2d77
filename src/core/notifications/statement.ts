// What a statement says (decision 0037), worked out from the journal's sums: each unit's movements of
// the period sorted into earned (by reason), adjusted, redeemed, expired and other (returns, refunds,
// transfers), which always add up from the opening to the closing balance; and the short list of
// rewards within reach of the closing balance. Pure: the caller reads the sums and the catalog.

/** The net of the period's postings on the account's member wallets of one entry type and reason. */
export interface Movement {
  type: string;
  reason: string;
  /** Signed: what it added to the balance (a debit is negative). */
  amount: number;
}

export interface StatementLine {
  unit: string;
  opening: number;
  /** Credits of earn entries (rules, referrals, automations, memberships, cashback, API credits). */
  earned: number;
  /** `earned` by the entries' reason code, most first. */
  earnedByReason: Array<{ reason: string; amount: number }>;
  /** Manual adjustments, signed (credits and debits of adjust entries). */
  adjusted: number;
  /** Redemptions, donations and payouts, as a positive number (less what their own entries gave back). */
  redeemed: number;
  /** Expiries, as a positive number. */
  expired: number;
  /** Everything else, signed: reversals (returns take points back, refunds give them back) and transfers. */
  other: number;
  /** `other` by entry type, most first by size. */
  otherByType: Array<{ type: string; amount: number }>;
  closing: number;
  /** Of the closing balance, what expires within the program's `expiringWithinDays` after the end. */
  expiringSoon: number;
  /** Of the closing balance, what expires in each of the next periods (as the journal stood at the end). */
  expiringNext: Array<{ period: string; amount: number }>;
}

const REDEEMED = new Set(['redeem', 'donate', 'payout']);

const byAmount = <T extends { amount: number }>(rows: T[], key: (r: T) => string) =>
  rows.sort((a, b) => Math.abs(b.amount) - Math.abs(a.amount) || (key(a) < key(b) ? -1 : 1));

/**
 * A unit's line: the movements sorted by entry type. Every movement lands in exactly one figure, so
 * opening + earned + adjusted − redeemed − expired + other = closing whenever the sums are the
 * journal's (`balances` says whether they are: a test and a guard against a type added later).
 */
export function statementLine(
  unit: string,
  opening: number,
  closing: number,
  movements: Movement[],
  expiring: { soon: number; next: Array<{ period: string; amount: number }> },
): StatementLine {
  const earned = new Map<string, number>();
  const other = new Map<string, number>();
  let adjusted = 0;
  let redeemed = 0;
  let expired = 0;
  for (const m of movements) {
    if (m.amount === 0) continue;
    if (m.type === 'earn') earned.set(m.reason, (earned.get(m.reason) ?? 0) + m.amount);
    else if (m.type === 'adjust') adjusted += m.amount;
    else if (REDEEMED.has(m.type)) redeemed -= m.amount;
    else if (m.type === 'expire') expired -= m.amount;
    else other.set(m.type, (other.get(m.type) ?? 0) + m.amount);
  }
  const earnedByReason = byAmount(
    [...earned].filter(([, a]) => a !== 0).map(([reason, amount]) => ({ reason, amount })),
    (r) => r.reason,
  );
  const otherByType = byAmount(
    [...other].filter(([, a]) => a !== 0).map(([type, amount]) => ({ type, amount })),
    (r) => r.type,
  );
  return {
    unit,
    opening,
    earned: earnedByReason.reduce((s, r) => s + r.amount, 0),
    earnedByReason,
    adjusted,
    redeemed,
    expired,
    other: otherByType.reduce((s, r) => s + r.amount, 0),
    otherByType,
    closing,
    expiringSoon: expiring.soon,
    expiringNext: expiring.next,
  };
}

/** Whether a line adds up: opening + earned + adjusted − redeemed − expired + other = closing. */
export const balances = (l: StatementLine) =>
  l.opening + l.earned + l.adjusted - l.redeemed - l.expired + l.other === l.closing;

/** How far above the balance a reward may be priced and still count as within reach (25 % more). */
export const REACH = 1.25;
/** Most rewards a statement lists. */
export const MOST_REWARDS = 3;

export interface RewardInReach {
  id: string;
  name: string;
  price: number;
  unit: string;
  /** What the balance lacks (0: affordable now). */
  short: number;
}

/**
 * The rewards within reach of a balance: priced at most `REACH` times it, closest to it first (the
 * dearest one the balance pays, then the cheapest one it nearly pays, …; ties cheapest first), at
 * most `MOST_REWARDS`. The candidates come already filtered to what the account may redeem.
 */
export function withinReach(
  balance: number,
  candidates: Array<{ id: string; name: string; price: number; unit: string }>,
): RewardInReach[] {
  if (balance <= 0) return [];
  return candidates
    .filter((c) => c.price <= Math.floor(balance * REACH))
    .sort(
      (a, b) =>
        Math.abs(a.price - balance) - Math.abs(b.price - balance) ||
        a.price - b.price ||
        (a.id < b.id ? -1 : 1),
    )
    .slice(0, MOST_REWARDS)
    .map((c) => ({ ...c, short: Math.max(0, c.price - balance) }));
}
