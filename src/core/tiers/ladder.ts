// Tier ladders as data, and the pure decisions of tier movement: upgrade on activity, renewal,
// grace and (soft-landing) downgrade at period ends, overrides and freezes.
import { addMonths, localDate, startOfLocalDay } from '../calendar.ts';
import { minorDigits, parseDecimal } from '../money.ts';

export type Metric =
  | 'qualifying_spend'
  | 'points_earned'
  | 'orders'
  | 'operator_value'
  /** Accounts the account manages by a relationship active at the end of the window (decision 0047). */
  | 'managed_accounts'
  /** Qualifying spend of the accounts it manages, each while managed, in the window (decision 0047). */
  | 'managed_spend';

export type LadderWindow =
  | { kind: 'rolling_months'; months: number }
  | { kind: 'calendar_year' }
  | { kind: 'program_year' };

export interface TierDefinition {
  /** Stable key: renaming a tier keeps its code, so history and rules keep pointing at it. */
  code: string;
  name: string;
  /** The metric value from which the tier is reached, in metric units (spend: base currency). */
  threshold: string;
  /** A single event of at least this amount (base currency) reaches the tier at once. */
  instantAmount?: string;
  /** Earning multiplier rules can use (`factor: "tier"`, `account.tierMultiplier`). */
  multiplier?: string;
  perks?: string[];
  description?: string;
}

export interface LadderDocument {
  name: string;
  metric: Metric;
  /** qualifying_spend / orders: the event types that count (purchase and invoice.paid by default). */
  eventTypes?: string[];
  window: LadderWindow;
  /** Days an account keeps its tier after failing to requalify at a period end. */
  graceDays?: number;
  /** A downgrade drops at most one tier. */
  softLanding?: boolean;
  /**
   * Days before a scheduled evaluation that would lower the tier (as the metric stands) at which
   * `tier.downgrade_upcoming` is announced, once per evaluation date; 0 announces nothing (default 30).
   */
  downgradeNoticeDays?: number;
  /** The whole group qualifies together; its accounts carry the group's tier. */
  groupQualification?: boolean;
  tiers: TierDefinition[];
}

export const OPERATOR_VALUE_DIGITS = 4;

/** Digits after the point that metric values are kept with (exact integers scaled by 10^digits). */
export function metricDigits(metric: Metric, baseCurrency: string): number {
  if (metric === 'qualifying_spend' || metric === 'managed_spend') return minorDigits(baseCurrency);
  return metric === 'operator_value' ? OPERATOR_VALUE_DIGITS : 0;
}

/** A decimal metric value as a scaled integer; throws RangeError when it has too many decimals. */
export function scaleMetric(value: string, digits: number): bigint {
  const { numerator, denominator } = parseDecimal(value);
  const scale = 10n ** BigInt(digits);
  if ((numerator * scale) % denominator !== 0n)
    throw new RangeError(`${value} has more than ${digits} decimals`);
  return (numerator * scale) / denominator;
}

export function formatMetric(value: bigint, digits: number): string {
  if (digits === 0) return value.toString();
  const negative = value < 0n;
  const text = (negative ? -value : value).toString().padStart(digits + 1, '0');
  const out = `${text.slice(0, -digits)}.${text.slice(-digits)}`.replace(/\.?0+$/, '');
  return negative ? `-${out}` : out;
}

export interface Problem {
  path: string;
  message: string;
}

/** What a schema cannot check: codes unique, thresholds strictly rising, decimals that fit the metric. */
export function ladderProblems(doc: LadderDocument, baseCurrency: string): Problem[] {
  const problems: Problem[] = [];
  const digits = metricDigits(doc.metric, baseCurrency);
  const codes = new Set<string>();
  let previous: bigint | null = null;
  doc.tiers.forEach((tier, i) => {
    const at = `/tiers/${i}`;
    if (codes.has(tier.code))
      problems.push({ path: `${at}/code`, message: `code ${tier.code} is used twice` });
    codes.add(tier.code);
    let threshold: bigint | null = null;
    try {
      threshold = scaleMetric(tier.threshold, digits);
    } catch {
      problems.push({
        path: `${at}/threshold`,
        message: `must be a decimal with at most ${digits} decimals`,
      });
    }
    if (threshold !== null && previous !== null && threshold <= previous)
      problems.push({
        path: `${at}/threshold`,
        message: `overlaps: must be above the threshold of ${doc.tiers[i - 1]!.code} (tiers are listed from lowest to highest)`,
      });
    if (threshold !== null) previous = threshold;
    if (tier.instantAmount !== undefined) {
      if (doc.metric !== 'qualifying_spend')
        problems.push({
          path: `${at}/instantAmount`,
          message: 'instant qualification needs the qualifying_spend metric',
        });
      else
        try {
          if (scaleMetric(tier.instantAmount, digits) <= 0n) throw new RangeError('zero');
        } catch {
          problems.push({
            path: `${at}/instantAmount`,
            message: `must be a decimal above 0 with at most ${digits} decimals`,
          });
        }
    }
    if (tier.multiplier !== undefined) {
      try {
        if (parseDecimal(tier.multiplier).numerator <= 0n) throw new RangeError('zero');
      } catch {
        problems.push({ path: `${at}/multiplier`, message: 'must be a decimal above 0' });
      }
    }
  });
  if (doc.eventTypes && !COUNTS_EVENT_TYPES.has(doc.metric))
    problems.push({
      path: '/eventTypes',
      message: 'only the qualifying_spend, orders and managed_spend metrics count events by type',
    });
  return problems;
}

/** The metrics that count events of chosen types. */
const COUNTS_EVENT_TYPES = new Set<Metric>(['qualifying_spend', 'orders', 'managed_spend']);

/** The metrics read from the relationships between accounts (decision 0047). */
export function isManagedMetric(metric: Metric): metric is 'managed_accounts' | 'managed_spend' {
  return metric === 'managed_accounts' || metric === 'managed_spend';
}

export function eventTypesOf(doc: LadderDocument): string[] {
  return doc.eventTypes ?? (doc.metric === 'orders' ? ['purchase'] : ['purchase', 'invoice.paid']);
}

export function rankOf(doc: LadderDocument, code: string | null): number {
  return code === null ? -1 : doc.tiers.findIndex((t) => t.code === code);
}

/** The highest tier whose threshold the metric reaches, or null. */
export function qualifiedTier(doc: LadderDocument, metric: bigint, digits: number): string | null {
  let reached: string | null = null;
  for (const tier of doc.tiers) if (metric >= scaleMetric(tier.threshold, digits)) reached = tier.code;
  return reached;
}

/** The highest tier a single event of `amount` (scaled like the metric) reaches instantly, or null. */
export function instantTier(doc: LadderDocument, amount: bigint, digits: number): string | null {
  let reached: string | null = null;
  for (const tier of doc.tiers)
    if (tier.instantAmount !== undefined && amount >= scaleMetric(tier.instantAmount, digits))
      reached = tier.code;
  return reached;
}

/** The metric window that ends at `at` (exclusive): [start, at). */
export function windowStart(window: LadderWindow, at: Date, timeZone: string, enrolledAt: Date): Date {
  if (window.kind === 'rolling_months') {
    const local = localDate(at, timeZone);
    const back = addMonths(local, -window.months);
    const offset = at.getTime() - startOfLocalDay(local, timeZone).getTime();
    return new Date(startOfLocalDay(back, timeZone).getTime() + offset);
  }
  if (window.kind === 'calendar_year')
    return startOfLocalDay({ year: localDate(at, timeZone).year, month: 1, day: 1 }, timeZone);
  return anniversaryAtOrBefore(enrolledAt, at, timeZone);
}

function anniversaryAtOrBefore(enrolledAt: Date, at: Date, timeZone: string): Date {
  const start = localDate(enrolledAt, timeZone);
  const now = localDate(at, timeZone);
  let years = now.year - start.year;
  let candidate = startOfLocalDay(addMonths(start, 12 * years), timeZone);
  while (candidate.getTime() > at.getTime() && years > 0) {
    years--;
    candidate = startOfLocalDay(addMonths(start, 12 * years), timeZone);
  }
  return candidate;
}

/** When a tier reached at `at` must be requalified: the end of the qualification period. */
export function periodEndAfter(window: LadderWindow, at: Date, timeZone: string, enrolledAt: Date): Date {
  if (window.kind === 'rolling_months') {
    const local = localDate(at, timeZone);
    const offset = at.getTime() - startOfLocalDay(local, timeZone).getTime();
    return new Date(startOfLocalDay(addMonths(local, window.months), timeZone).getTime() + offset);
  }
  if (window.kind === 'calendar_year')
    return startOfLocalDay({ year: localDate(at, timeZone).year + 1, month: 1, day: 1 }, timeZone);
  const last = anniversaryAtOrBefore(enrolledAt, at, timeZone);
  return startOfLocalDay(addMonths(localDate(last, timeZone), 12), timeZone);
}

export type ChangeReason =
  | 'threshold'
  | 'instant'
  | 'period_end'
  | 'grace'
  | 'override'
  | 'override_end'
  | 'freeze'
  | 'unfreeze'
  | 'ladder_change';

export interface TierState {
  tier: string | null;
  since: Date | null;
  /** The tier holds until this period end; then it is requalified. */
  securedUntil: Date | null;
  /** Set while the account is in its grace period after failing to requalify. */
  graceUntil: Date | null;
  override: { kind: 'set' | 'freeze'; tier: string | null; until: Date | null; reason: string } | null;
}

export interface Change {
  from: string | null;
  to: string | null;
  reason: ChangeReason;
  at: Date;
}

export interface Decision {
  state: TierState;
  /** Tier changes, and grace starting (from = to), in order. */
  changes: Change[];
}

/** Upgrade on activity: the metric (window ending at `at`) or one big event may lift the tier, never lower it. */
export function onActivity(
  doc: LadderDocument,
  state: TierState,
  input: { at: Date; metric: bigint; eventAmount: bigint | null; digits: number; periodEnd: Date },
): Decision {
  if (state.override?.kind === 'set' && (state.override.until === null || state.override.until > input.at))
    return { state, changes: [] };
  const byMetric = qualifiedTier(doc, input.metric, input.digits);
  const byEvent = input.eventAmount === null ? null : instantTier(doc, input.eventAmount, input.digits);
  const instant = rankOf(doc, byEvent) > rankOf(doc, byMetric);
  const target = instant ? byEvent : byMetric;
  if (rankOf(doc, target) <= rankOf(doc, state.tier)) return { state, changes: [] };
  return {
    state: { ...state, tier: target, since: input.at, securedUntil: input.periodEnd, graceUntil: null },
    changes: [{ from: state.tier, to: target, reason: instant ? 'instant' : 'threshold', at: input.at }],
  };
}

/** The next instant the account needs a scheduled evaluation, or null. */
export function dueAt(state: TierState): Date | null {
  const o = state.override;
  // A manual tier or a freeze holds until its end (null: until lifted); then requalification resumes.
  if (o) return o.until;
  return state.graceUntil ?? state.securedUntil;
}

/**
 * The scheduled evaluation at `at` (= dueAt(state), never the clock, so a late or repeated run decides
 * the same): requalify, start grace, or step down (at most one tier with soft landing).
 */
export function atDue(
  doc: LadderDocument,
  state: TierState,
  input: { at: Date; metric: bigint; digits: number; nextPeriodEnd: Date },
): Decision {
  const changes: Change[] = [];
  let s = state;
  if (s.override?.kind === 'set') {
    // A manual tier ends: the account goes back to normal requalification from here.
    const ended = s.override;
    s = { ...s, override: null, securedUntil: input.at, graceUntil: null };
    changes.push({ from: ended.tier, to: ended.tier, reason: 'override_end', at: input.at });
  } else if (s.override?.kind === 'freeze') {
    s = { ...s, override: null };
    changes.push({ from: s.tier, to: s.tier, reason: 'unfreeze', at: input.at });
    if (s.securedUntil && s.securedUntil > input.at) return { state: s, changes };
  }
  const qualified = qualifiedTier(doc, input.metric, input.digits);
  const current = rankOf(doc, s.tier);
  if (rankOf(doc, qualified) >= current) {
    const changed = qualified !== s.tier;
    if (changed) changes.push({ from: s.tier, to: qualified, reason: 'period_end', at: input.at });
    return {
      state: {
        ...s,
        tier: qualified,
        since: changed ? input.at : s.since,
        securedUntil: input.nextPeriodEnd,
        graceUntil: null,
      },
      changes,
    };
  }
  const grace = doc.graceDays ?? 0;
  if (grace > 0 && s.graceUntil === null) {
    const until = new Date(input.at.getTime() + grace * 86_400_000);
    changes.push({ from: s.tier, to: s.tier, reason: 'grace', at: input.at });
    return { state: { ...s, graceUntil: until }, changes };
  }
  const target =
    doc.softLanding && rankOf(doc, qualified) < current - 1 ? doc.tiers[current - 1]!.code : qualified;
  changes.push({ from: s.tier, to: target, reason: s.graceUntil ? 'grace' : 'period_end', at: input.at });
  return {
    state: {
      ...s,
      tier: target,
      since: input.at,
      securedUntil: target === null ? null : input.nextPeriodEnd,
      graceUntil: null,
    },
    changes,
  };
}
