// Where an account stands on a ladder, worked out from its status and metric: the instants tier
// decisions are dated by, the periods a due run evaluates, and the progress an account is shown.
import { startOfLocalDay } from '../calendar.ts';
import {
  atDue,
  formatMetric,
  type LadderDocument,
  type LadderWindow,
  periodEndAfter,
  rankOf,
  scaleMetric,
  type TierState,
  windowStart,
} from './ladder.ts';

/** When an account joined, in the program's zone: local midnight of customerSince, else its creation. */
export function joinedAt(j: { since: string | null; createdAt: Date } | undefined, timeZone: string): Date {
  if (!j) return new Date(0);
  if (!j.since) return j.createdAt;
  const [year, month, day] = j.since.split('-').map(Number) as [number, number, number];
  return startOfLocalDay({ year, month, day }, timeZone);
}

/** When an activity at `at` takes effect: never before the status's last change (history stays in time order). */
export function activityInstant(state: TierState, at: Date): Date {
  return state.since && state.since.getTime() > at.getTime() ? state.since : at;
}

/**
 * The periods a due run evaluates, remembered: window arithmetic in a zone is costly and repeats, so
 * each is worked out once per distinct (due instant, joining date).
 */
export function duePeriods(window: LadderWindow, timeZone: string) {
  const memo = new Map<string, Date>();
  const cached = (kind: string, at: Date, enrolled: Date, fn: () => Date) => {
    const key = `${kind}:${at.getTime()}:${window.kind === 'program_year' ? enrolled.getTime() : 0}`;
    let hit = memo.get(key);
    if (!hit) {
      if (memo.size > 100_000) memo.clear();
      hit = fn();
      memo.set(key, hit);
    }
    return hit;
  };
  return {
    /** The start of the period that ends at the due instant (a calendar year ending 1 January is the year before). */
    before: (at: Date, enrolled: Date) =>
      cached('from', at, enrolled, () => windowStart(window, new Date(at.getTime() - 1), timeZone, enrolled)),
    /** The end of the period that starts at the due instant. */
    after: (at: Date, enrolled: Date) =>
      cached('to', at, enrolled, () => periodEndAfter(window, at, timeZone, enrolled)),
  };
}

/** What the next scheduled evaluation would do if the metric stayed as it is, in words. */
export function nextEvaluation(
  doc: LadderDocument,
  state: TierState,
  input: { due: Date; metric: bigint; digits: number; periodEnd: Date },
): { at: string; outcome: string } {
  const { due, metric, digits } = input;
  const decided = atDue(doc, state, { at: due, metric, digits, nextPeriodEnd: input.periodEnd });
  const name = (code: string | null) => doc.tiers.find((t) => t.code === code)?.name ?? 'no tier';
  const last = decided.changes.at(-1);
  const outcome = !last
    ? `keeps ${name(decided.state.tier)}`
    : last.reason === 'grace' && last.from === last.to
      ? `a ${doc.graceDays}-day grace period starts, still ${name(last.to)}`
      : last.reason === 'unfreeze' || last.reason === 'override_end'
        ? `the ${last.reason === 'unfreeze' ? 'freeze' : 'override'} ends; ${name(decided.state.tier)} afterwards`
        : last.from === last.to
          ? `keeps ${name(last.to)}`
          : `moves from ${name(last.from)} to ${name(last.to)}`;
  return {
    at: due.toISOString(),
    outcome: `if the metric stays ${formatMetric(metric, digits)}: ${outcome}`,
  };
}

/** The default of `downgradeNoticeDays`. */
export const DOWNGRADE_NOTICE_DAYS = 30;

/**
 * The downgrade the evaluation due at `due` would make if the metric stayed as it is (grace ending
 * below the threshold, a period end without grace, a manual tier ending), with what keeping the
 * tier needs; null when it would keep or raise the tier, or only start a grace period.
 */
export function downgradeAhead(
  doc: LadderDocument,
  state: TierState,
  input: { due: Date; metric: bigint; digits: number; periodEnd: Date },
) {
  const { due, metric, digits } = input;
  const decided = atDue(doc, state, { at: due, metric, digits, nextPeriodEnd: input.periodEnd });
  const last = decided.changes.at(-1);
  if (!last || rankOf(doc, last.to) >= rankOf(doc, last.from)) return null;
  const from = doc.tiers.find((t) => t.code === last.from)!;
  const to = doc.tiers.find((t) => t.code === last.to);
  const keep = scaleMetric(from.threshold, digits);
  return {
    fromCode: from.code,
    fromName: from.name,
    toCode: to?.code ?? null,
    toName: to?.name ?? null,
    downgradeAt: due.toISOString(),
    metric: formatMetric(metric, digits),
    threshold: from.threshold,
    needed: formatMetric(keep > metric ? keep - metric : 0n, digits),
  };
}

/**
 * The account's standing on the ladder at the instant its window and period were worked out for: its
 * tier and dates, the metric, what the next tier needs and by when, what happens at the next evaluation.
 */
export function standing(
  doc: LadderDocument,
  state: TierState,
  input: { metric: bigint; digits: number; windowStart: Date; periodEnd: Date; due: Date | null },
) {
  const { metric, digits, periodEnd } = input;
  const rank = doc.tiers.findIndex((t) => t.code === state.tier);
  const tier = doc.tiers[rank];
  // A tier above the current one that the metric reaches already: it is applied by the next activity
  // (or evaluation), unless a manual tier holds. The next tier is the first one not reached yet, so
  // what is needed is never nothing.
  const manual = state.override?.kind === 'set';
  const reached = manual ? -1 : doc.tiers.findLastIndex((t) => metric >= scaleMetric(t.threshold, digits));
  const qualifies = reached > rank ? doc.tiers[reached]! : undefined;
  const above = doc.tiers.find((t, i) => i > rank && metric < scaleMetric(t.threshold, digits));
  const gap = above ? scaleMetric(above.threshold, digits) - metric : 0n;
  return {
    tier: state.tier,
    tierName: tier?.name ?? null,
    since: state.since?.toISOString() ?? null,
    securedUntil: state.securedUntil?.toISOString() ?? null,
    graceUntil: state.graceUntil?.toISOString() ?? null,
    override: state.override
      ? {
          kind: state.override.kind,
          tier: state.override.tier,
          until: state.override.until?.toISOString() ?? null,
          reason: state.override.reason,
        }
      : null,
    multiplier: tier?.multiplier ?? '1',
    perks: tier?.perks ?? [],
    metric: formatMetric(metric, digits),
    windowStart: input.windowStart.toISOString(),
    qualifies: qualifies ? { tier: qualifies.code, name: qualifies.name } : null,
    next: above
      ? {
          tier: above.code,
          name: above.name,
          threshold: above.threshold,
          needed: formatMetric(gap, digits),
          by: (doc.window.kind === 'rolling_months'
            ? periodEnd
            : (state.securedUntil ?? periodEnd)
          ).toISOString(),
        }
      : null,
    nextEvaluation: input.due ? nextEvaluation(doc, state, { ...input, due: input.due }) : null,
  };
}
