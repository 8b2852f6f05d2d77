// Program KPIs from per-account daily order totals and per-account ledger posting sums (docs/metrics.md
// gives every definition). Pure: the caller reads the rows and passes the period as local dates.
import { formatAmount, parseDecimal } from '../money.ts';
import { type CreditRow, type ProgramCost, programCost, type RoiAssumptions } from './roi.ts';

/** One account's counted orders and net revenue (minor units of the base currency) on one local day. */
export interface OrderDay {
  accountId: string;
  /** Local calendar date `YYYY-MM-DD` in the program's time zone. */
  day: string;
  /** Orders not fully returned. */
  orders: number;
  /** Order amounts less what returns took back (up to the period's end), never below zero per order. */
  net: number;
}

/** Sum of one account's postings of one entry type in one unit: before the period and during it. */
export interface PostingSum {
  accountId: string;
  unit: string;
  entryType: string;
  before: number;
  during: number;
}

export interface KpiInput {
  /** First and last local dates of the period (inclusive). */
  from: string;
  to: string;
  currency: string;
  costPerPoint: string;
  /** Every order day up to and including `to` (history before `from` counts for CLV, cohorts and retention). */
  orderDays: OrderDay[];
  postings: PostingSum[];
  /** Credits to members in the period, by reason, for the program's cost (absent: no cost computed). */
  credits?: CreditRow[];
  roiAssumptions?: RoiAssumptions;
  /** Whether the program's operating cost counts (the totals: yes; a group of accounts: no). */
  withOperating?: boolean;
}

export interface MonthRetention {
  month: string;
  /** Accounts that ordered in the month before. */
  previous: number;
  retained: number;
  retentionRate: number | null;
  churnRate: number | null;
}

export interface UnitRollForward {
  unit: string;
  opening: number;
  issued: number;
  redeemed: number;
  expired: number;
  adjusted: number;
  closing: number;
  /** The same lines in money: points at the cost per point, cash as it is (exact decimals). */
  value: {
    currency: string;
    opening: string;
    issued: string;
    redeemed: string;
    expired: string;
    adjusted: string;
    closing: string;
  };
}

export interface Kpis {
  activeAccounts: number;
  orders: number;
  netRevenue: string;
  repeatCustomers: number;
  repeatCustomerRate: number | null;
  purchaseFrequency: number | null;
  averageOrderValue: string | null;
  clv: {
    /** Accounts with at least one order to the period's end. */
    customers: number;
    historicalAverage: string | null;
    predicted: string | null;
    expectedLifetimeMonths: number | null;
  };
  retention: {
    months: MonthRetention[];
    averageRetentionRate: number | null;
    averageChurnRate: number | null;
  };
  points: {
    issued: number;
    redeemed: number;
    expired: number;
    adjusted: number;
    outstanding: number;
    issuedToDate: number;
    redeemedToDate: number;
    expiredToDate: number;
    redemptionRate: number | null;
    breakage: { actualRate: number | null; estimatedRate: number | null; estimatedPoints: number | null };
  };
  liability: UnitRollForward[];
  /** What the program cost in the period and what it returned (when the credits were read). */
  programCost?: ProgramCost;
}

/** The longest lifetime the prediction assumes (when nobody churned). */
export const MAX_LIFETIME_MONTHS = 120;
const AVERAGE_MONTH_DAYS = 365.2425 / 12;

const ratio = (a: number, b: number): number | null => (b === 0 ? null : round4(a / b));
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const money = (minor: number, currency: string) => formatAmount(BigInt(Math.round(minor)), currency);

export const monthOf = (day: string) => day.slice(0, 7);

/** `YYYY-MM` plus n months. */
export function addMonth(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Months from a to b (b − a), both `YYYY-MM`. */
export function monthsBetween(a: string, b: string): number {
  const [ya, ma] = a.split('-').map(Number) as [number, number];
  const [yb, mb] = b.split('-').map(Number) as [number, number];
  return yb * 12 + mb - (ya * 12 + ma);
}

/** Days in [from, to], both local dates. */
export function daysIn(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** Each account's first month with a counted order (its cohort). */
export function firstOrderMonths(orderDays: OrderDay[]): Map<string, string> {
  const first = new Map<string, string>();
  for (const d of orderDays) {
    if (d.orders === 0) continue;
    const m = monthOf(d.day);
    const seen = first.get(d.accountId);
    if (seen === undefined || m < seen) first.set(d.accountId, m);
  }
  return first;
}

function activeByMonth(orderDays: OrderDay[], to: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const d of orderDays) {
    if (d.orders === 0 || d.day > to) continue;
    const m = monthOf(d.day);
    const set = out.get(m) ?? new Set<string>();
    out.set(m, set);
    set.add(d.accountId);
  }
  return out;
}

/** An exact decimal string of `units × rate` (rate a decimal string). */
export function timesRate(units: number, rate: string): string {
  const { numerator, denominator } = parseDecimal(rate);
  const digits = denominator.toString().length - 1;
  const product = BigInt(units) * numerator;
  const negative = product < 0n;
  const text = (negative ? -product : product).toString().padStart(digits + 1, '0');
  const whole = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${whole}` : whole;
}

function rollForward(postings: PostingSum[], currency: string, costPerPoint: string): UnitRollForward[] {
  const units = [...new Set(postings.map((p) => p.unit))].sort();
  return units.map((unit) => {
    let opening = 0;
    let issued = 0;
    let redeemed = 0;
    let expired = 0;
    let adjusted = 0;
    for (const p of postings) {
      if (p.unit !== unit) continue;
      opening += p.before;
      if (p.entryType === 'earn') issued += p.during;
      else if (p.entryType === 'redeem') redeemed -= p.during;
      else if (p.entryType === 'expire') expired -= p.during;
      else adjusted -= p.during;
    }
    const closing = opening + issued - redeemed - expired - adjusted;
    const isPoints = unit === 'points';
    const value = (n: number) => (isPoints ? timesRate(n, costPerPoint) : formatAmount(BigInt(n), unit));
    return {
      unit,
      opening,
      issued,
      redeemed,
      expired,
      adjusted,
      closing,
      value: {
        currency: isPoints ? currency : unit,
        opening: value(opening),
        issued: value(issued),
        redeemed: value(redeemed),
        expired: value(expired),
        adjusted: value(adjusted),
        closing: value(closing),
      },
    };
  });
}

/** Retention of each calendar month overlapping the period: of the accounts that ordered the month before, the share that ordered again. */
export function monthlyRetention(orderDays: OrderDay[], from: string, to: string): MonthRetention[] {
  const active = activeByMonth(orderDays, to);
  const out: MonthRetention[] = [];
  for (let m = monthOf(from); m <= monthOf(to); m = addMonth(m, 1)) {
    const previous = active.get(addMonth(m, -1)) ?? new Set<string>();
    const now = active.get(m) ?? new Set<string>();
    let retained = 0;
    for (const id of previous) if (now.has(id)) retained++;
    const rate = ratio(retained, previous.size);
    out.push({
      month: m,
      previous: previous.size,
      retained,
      retentionRate: rate,
      churnRate: rate === null ? null : round4(1 - rate),
    });
  }
  return out;
}

export function computeKpis(input: KpiInput): Kpis {
  const { from, to, currency } = input;
  const perAccount = new Map<string, { orders: number; net: number }>();
  const toDate = new Map<string, number>();
  let orders = 0;
  let revenue = 0;
  for (const d of input.orderDays) {
    if (d.day > to) continue;
    if (d.orders > 0) toDate.set(d.accountId, (toDate.get(d.accountId) ?? 0) + d.net);
    if (d.day < from) continue;
    orders += d.orders;
    revenue += d.net;
    const a = perAccount.get(d.accountId) ?? { orders: 0, net: 0 };
    a.orders += d.orders;
    a.net += d.net;
    perAccount.set(d.accountId, a);
  }
  const activeAccounts = [...perAccount.values()].filter((a) => a.orders > 0).length;
  const repeatCustomers = [...perAccount.values()].filter((a) => a.orders >= 2).length;
  const months = monthlyRetention(input.orderDays, from, to);
  const churns = months.flatMap((m) => (m.churnRate === null ? [] : [m.churnRate]));
  const retentions = months.flatMap((m) => (m.retentionRate === null ? [] : [m.retentionRate]));
  const mean = (xs: number[]) => (xs.length === 0 ? null : round4(xs.reduce((s, x) => s + x, 0) / xs.length));
  const averageChurn = mean(churns);
  const lifetime =
    averageChurn === null
      ? null
      : averageChurn === 0
        ? MAX_LIFETIME_MONTHS
        : Math.min(MAX_LIFETIME_MONTHS, 1 / averageChurn);
  const monthsInPeriod = daysIn(from, to) / AVERAGE_MONTH_DAYS;
  const predicted =
    lifetime === null || activeAccounts === 0 ? null : (revenue / activeAccounts / monthsInPeriod) * lifetime;
  const historicalTotal = [...toDate.values()].reduce((s, x) => s + x, 0);

  const points = input.postings.filter((p) => p.unit === 'points');
  const sum = (type: string, f: (p: PostingSum) => number) =>
    points.filter((p) => p.entryType === type).reduce((s, p) => s + f(p), 0);
  const liability = rollForward(input.postings, currency, input.costPerPoint);
  const pointsLine = liability.find((l) => l.unit === 'points');
  const issuedToDate = sum('earn', (p) => p.before + p.during);
  const redeemedToDate = -sum('redeem', (p) => p.before + p.during);
  const expiredToDate = -sum('expire', (p) => p.before + p.during);
  const outstanding = pointsLine?.closing ?? 0;
  const estimatedRate = ratio(expiredToDate, expiredToDate + redeemedToDate);

  return {
    activeAccounts,
    orders,
    netRevenue: money(revenue, currency),
    repeatCustomers,
    repeatCustomerRate: ratio(repeatCustomers, activeAccounts),
    purchaseFrequency: ratio(orders, activeAccounts),
    averageOrderValue: orders === 0 ? null : money(revenue / orders, currency),
    clv: {
      customers: toDate.size,
      historicalAverage: toDate.size === 0 ? null : money(historicalTotal / toDate.size, currency),
      predicted: predicted === null ? null : money(predicted, currency),
      expectedLifetimeMonths: lifetime === null ? null : round4(lifetime),
    },
    retention: { months, averageRetentionRate: mean(retentions), averageChurnRate: averageChurn },
    points: {
      issued: pointsLine?.issued ?? 0,
      redeemed: pointsLine?.redeemed ?? 0,
      expired: pointsLine?.expired ?? 0,
      adjusted: pointsLine?.adjusted ?? 0,
      outstanding,
      issuedToDate,
      redeemedToDate,
      expiredToDate,
      redemptionRate: ratio(redeemedToDate, issuedToDate),
      breakage: {
        actualRate: ratio(expiredToDate, issuedToDate),
        estimatedRate,
        estimatedPoints: estimatedRate === null ? null : Math.round(Math.max(0, outstanding) * estimatedRate),
      },
    },
    liability,
    ...(input.credits && {
      programCost: programCost({
        currency,
        costPerPoint: input.costPerPoint,
        days: daysIn(from, to),
        netRevenueMinor: revenue,
        breakageRate: estimatedRate,
        credits: input.credits,
        assumptions: input.roiAssumptions ?? {},
        withOperating: input.withOperating ?? true,
      }),
    }),
  };
}

/** The same KPIs for each group of accounts (`groupOf` names an account's group; unnamed accounts fall in "none"). */
export function kpisByGroup(
  input: KpiInput,
  groupOf: (accountId: string) => string | null,
): Array<{ key: string; kpis: Kpis }> {
  const keys = new Map<string, { orderDays: OrderDay[]; postings: PostingSum[]; credits: CreditRow[] }>();
  const bucket = (accountId: string) => {
    const key = groupOf(accountId) ?? 'none';
    const b = keys.get(key) ?? { orderDays: [], postings: [], credits: [] };
    keys.set(key, b);
    return b;
  };
  for (const d of input.orderDays) bucket(d.accountId).orderDays.push(d);
  for (const p of input.postings) bucket(p.accountId).postings.push(p);
  for (const c of input.credits ?? []) bucket(c.accountId).credits.push(c);
  return [...keys.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, rows]) => ({
      key,
      kpis: computeKpis({
        ...input,
        ...rows,
        credits: input.credits && rows.credits,
        withOperating: false,
      }),
    }));
}

export interface CohortRow {
  cohort: string;
  size: number;
  /** Share of the cohort with an order in its month + index (index 0 is the cohort month itself). */
  retention: Array<{ offset: number; month: string; active: number; rate: number }>;
}

/** Cohorts by first-order month, for the months of the period, each followed to the period's last month. */
export function cohortTable(orderDays: OrderDay[], from: string, to: string): CohortRow[] {
  const first = firstOrderMonths(orderDays.filter((d) => d.day <= to));
  const active = activeByMonth(orderDays, to);
  const rows: CohortRow[] = [];
  for (let m = monthOf(from); m <= monthOf(to); m = addMonth(m, 1)) {
    const members = [...first.entries()].filter(([, c]) => c === m).map(([id]) => id);
    if (members.length === 0) continue;
    const retention = [];
    for (let k = 0; k <= monthsBetween(m, monthOf(to)); k++) {
      const month = addMonth(m, k);
      const set = active.get(month) ?? new Set<string>();
      const count = members.filter((id) => set.has(id)).length;
      retention.push({ offset: k, month, active: count, rate: round4(count / members.length) });
    }
    rows.push({ cohort: m, size: members.length, retention });
  }
  return rows;
}
