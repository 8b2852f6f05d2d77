// Who may redeem what, and when a redemption needs approval: pure functions over plain values.
import { minorDigits } from '../money.ts';

export interface EligibilityRules {
  tiers?: string[];
  segments?: string[];
  countries?: string[];
  roles?: string[];
  memberships?: string[];
  rfmSegments?: string[];
}

export interface Facts {
  segment: string | null;
  country: string | null;
  /** The account's current tier (null: none, or tiers are not in use). */
  tier: string | null;
  memberships: string[];
  /** The account's RFM segment as of the last refresh (null: never scored; undefined: not asked). */
  rfmSegment?: string | null;
  /** The role of the contact who redeems; undefined when no contact is named. */
  role?: string;
  /** Display names of tier codes (the ladders'), for the reasons people read; a code without one shows as is. */
  tierNames?: ReadonlyMap<string, string>;
}

/** Tier codes → display names over the program's ladders; a code on several ladders takes the first's name. */
export function tierNamesOf(
  ladders: Array<{ tiers: Array<{ code: string; name: string }> }>,
): Map<string, string> {
  const names = new Map<string, string>();
  for (const ladder of ladders)
    for (const t of ladder.tiers) if (!names.has(t.code)) names.set(t.code, t.name);
  return names;
}

/** Why the account/contact cannot redeem, in words a member understands; empty when eligible. */
export function ineligibility(rules: EligibilityRules, facts: Facts): string[] {
  const reasons: string[] = [];
  if (rules.tiers?.length && (facts.tier === null || !rules.tiers.includes(facts.tier))) {
    reasons.push(`needs ${rules.tiers.map((code) => facts.tierNames?.get(code) ?? code).join(' or ')}`);
  }
  if (rules.segments?.length && (facts.segment === null || !rules.segments.includes(facts.segment))) {
    reasons.push(`only for the segment ${rules.segments.join(' or ')}`);
  }
  if (rules.countries?.length && (facts.country === null || !rules.countries.includes(facts.country))) {
    reasons.push(`only in ${rules.countries.join(', ')}`);
  }
  if (rules.memberships?.length && !rules.memberships.some((m) => facts.memberships.includes(m))) {
    reasons.push(`needs the membership ${rules.memberships.join(' or ')}`);
  }
  if (rules.rfmSegments?.length && !rules.rfmSegments.includes(facts.rfmSegment ?? '')) {
    reasons.push(
      `only for accounts whose buying pattern is ${rules.rfmSegments.map((s) => s.replaceAll('_', ' ')).join(' or ')}`,
    );
  }
  if (rules.roles?.length && (facts.role === undefined || !rules.roles.includes(facts.role))) {
    reasons.push(`only contacts with the role ${rules.roles.join(' or ')} can redeem it`);
  }
  return reasons;
}

/**
 * Why the account (and contact) may not redeem a reward with these rules: an account that is not
 * enrolled, then each rule it misses. Empty when it may.
 */
export function refusals(rules: EligibilityRules, accountStatus: string, facts: Facts): string[] {
  return [
    ...(accountStatus === 'enrolled' ? [] : [`the account is ${accountStatus}`]),
    ...ineligibility(rules, facts),
  ];
}

export interface Window {
  status: 'active' | 'archived';
  availableFrom: Date | null;
  availableUntil: Date | null;
}

/** Why the reward cannot be redeemed at `now`, or null when it can. */
export function unavailability(w: Window, now: Date): string | null {
  if (w.status === 'archived') return 'the reward was withdrawn from the catalog';
  if (w.availableFrom && now < w.availableFrom) return `available from ${w.availableFrom.toISOString()}`;
  if (w.availableUntil && now >= w.availableUntil)
    return `was available until ${w.availableUntil.toISOString()}`;
  return null;
}

export interface ApprovalPolicy {
  above: Record<string, number>;
  requesterRoles: string[];
  always: boolean;
  steps: number;
}

/** How many approvals a redemption needs: 0 (approved at once) or the policy's number of steps. */
export function approvalsNeeded(
  policy: ApprovalPolicy,
  price: { amount: number; unit: string },
  requesterRole: string | undefined,
): number {
  const threshold = policy.above[price.unit];
  const needs =
    policy.always ||
    (threshold !== undefined && price.amount > threshold) ||
    (requesterRole !== undefined && policy.requesterRoles.includes(requesterRole));
  return needs ? policy.steps : 0;
}

const DAY = 86_400_000;
const PERIOD_DAYS = { day: 1, week: 7, month: 30, year: 365 } as const;

/** Start of a rolling limit window ending at `now` (null: lifetime, no start). */
export function windowStart(period: 'day' | 'week' | 'month' | 'year' | 'lifetime', now: Date): Date | null {
  return period === 'lifetime' ? null : new Date(now.getTime() - PERIOD_DAYS[period] * DAY);
}

/** "380 points short", "EUR 3.80 short": how much the wallet lacks, for people. */
export function shortBy(missing: number, unit: string, currencyDigits: number): string {
  if (unit === 'points') return `${missing} points short`;
  const major = (missing / 10 ** currencyDigits).toFixed(currencyDigits);
  return `${unit} ${major} short`;
}

export interface Redeemable {
  /** The account (and contact) can redeem it now. */
  ok: boolean;
  eligible: boolean;
  affordable: boolean;
  inStock: boolean;
  /** Units the wallet lacks; null when it has enough. */
  shortBy: number | null;
  /** Why not, for people: "needs Platinum", "380 points short", "out of stock". */
  reasons: string[];
}

/**
 * Whether an account can redeem a reward at `now`, and every reason it cannot: the reward's window,
 * the account and its eligibility, its balance in the price's unit, and the units left (null: unlimited).
 */
export function redeemable(
  reward: Window & { eligibility: EligibilityRules; priceAmount: number; priceUnit: string },
  account: { status: string; facts: Facts; balance: number },
  left: number | null,
  now: Date,
): Redeemable {
  const notNow = unavailability(reward, now);
  const reasons = [
    ...(notNow ? [notNow] : []),
    ...refusals(reward.eligibility, account.status, account.facts),
  ];
  const eligible = reasons.length === 0;
  const unit = reward.priceUnit;
  const missing = Math.max(0, reward.priceAmount - account.balance);
  if (missing > 0) reasons.push(shortBy(missing, unit, unit === 'points' ? 0 : minorDigits(unit)));
  const inStock = left === null || left > 0;
  if (!inStock) reasons.push('out of stock');
  return {
    ok: reasons.length === 0,
    eligible,
    affordable: missing === 0,
    inStock,
    shortBy: missing > 0 ? missing : null,
    reasons,
  };
}
