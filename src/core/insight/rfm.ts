// RFM: recency, frequency and monetary scores (quintiles within the program), named segments and a
// churn-risk flag from the account's own purchase rhythm (docs/metrics.md, "RFM"). Pure.
import { daysIn, type OrderDay } from './kpis.ts';

export const RFM_SEGMENTS = [
  'champions',
  'loyal',
  'new',
  'promising',
  'needs_attention',
  'at_risk',
  'hibernating',
  'lost',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/** Frequency and monetary count the orders of this many days up to the day scored. */
export const RFM_WINDOW_DAYS = 365;
/** An account with one order has no rhythm of its own: the program's median gap, else this. */
export const DEFAULT_GAP_DAYS = 90;
/** At risk of churning when the days since the last order exceed this many times the usual gap. */
export const CHURN_GAP_FACTOR = 2;

export interface RfmRow {
  accountId: string;
  lastOrderDay: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  ordersToDate: number;
  r: number;
  f: number;
  m: number;
  segment: RfmSegment;
  /** Average days between the account's orders (null with one order: the program's usual gap applies). */
  rhythmDays: number | null;
  churnRisk: boolean;
}

/** 1..5: one plus five times the share of the values strictly below (ties score alike). */
export function quintileScores(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const below = (x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return values.map((x) => 1 + Math.floor((5 * below(x)) / values.length));
}

export function segmentOf(r: number, f: number, ordersToDate: number): RfmSegment {
  if (r >= 4) return f >= 4 ? 'champions' : ordersToDate === 1 ? 'new' : 'promising';
  if (r === 3) return f >= 4 ? 'loyal' : 'needs_attention';
  if (f >= 3) return 'at_risk';
  return r === 2 ? 'hibernating' : 'lost';
}

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * Scores every account with at least one order up to `asOf` (a local date, included). Recency is the
 * days from its last order day to `asOf`; frequency and monetary count the last RFM_WINDOW_DAYS.
 */
export function rfmScores(orderDays: OrderDay[], asOf: string): RfmRow[] {
  const windowStart = new Date(Date.parse(`${asOf}T00:00:00Z`) - (RFM_WINDOW_DAYS - 1) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const accounts = new Map<
    string,
    { first: string; last: string; orders: number; frequency: number; monetary: number }
  >();
  for (const d of orderDays) {
    if (d.orders === 0 || d.day > asOf) continue;
    const a = accounts.get(d.accountId) ?? {
      first: d.day,
      last: d.day,
      orders: 0,
      frequency: 0,
      monetary: 0,
    };
    if (d.day < a.first) a.first = d.day;
    if (d.day > a.last) a.last = d.day;
    a.orders += d.orders;
    if (d.day >= windowStart) {
      a.frequency += d.orders;
      a.monetary += d.net;
    }
    accounts.set(d.accountId, a);
  }
  const ids = [...accounts.keys()].sort();
  const list = ids.map((id) => accounts.get(id)!);
  const recency = list.map((a) => daysIn(a.last, asOf) - 1);
  // Fewer days since the last order is better: score the negated recency.
  const r = quintileScores(recency.map((x) => -x));
  const f = quintileScores(list.map((a) => a.frequency));
  const m = quintileScores(list.map((a) => a.monetary));
  const rhythms = list.map((a) => (a.orders >= 2 ? (daysIn(a.first, a.last) - 1) / (a.orders - 1) : null));
  const usual = median(rhythms.filter((x): x is number => x !== null && x > 0)) ?? DEFAULT_GAP_DAYS;
  return list.map((a, i) => {
    const rhythm = rhythms[i]!;
    const gap = rhythm !== null && rhythm > 0 ? rhythm : usual;
    return {
      accountId: ids[i]!,
      lastOrderDay: a.last,
      recencyDays: recency[i]!,
      frequency: a.frequency,
      monetary: a.monetary,
      ordersToDate: a.orders,
      r: r[i]!,
      f: f[i]!,
      m: m[i]!,
      segment: segmentOf(r[i]!, f[i]!, a.orders),
      rhythmDays: rhythm === null ? null : Math.round(rhythm * 10) / 10,
      churnRisk: recency[i]! > CHURN_GAP_FACTOR * gap,
    };
  });
}
