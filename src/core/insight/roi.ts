// What a program cost and what it returned, for a period (docs/metrics.md, "Program cost and ROI").
// Pure: the caller passes the period's credits to members (from the journal), the net revenue, the
// expected breakage and the program's stated assumptions.
import { formatAmount, minorDigits } from '../money.ts';

/** Postings on member wallets in the period: credits (`earn`) and their take-backs (`reverse`), by reason. */
export interface CreditRow {
  accountId: string;
  unit: string;
  entryType: string;
  reasonCode: string;
  amount: number;
}

/** What the program states about itself to turn cost and revenue into a return (settings `insight.roi`). */
export interface RoiAssumptions {
  /** Share of revenue kept as gross profit (0..1), a decimal string. */
  grossMargin?: string;
  /** Share of the period's net revenue the program caused (0..1): the revenue that would not have come without it. */
  incrementalRevenueShare?: string;
  /** Running costs of the program per month (platform, staff, fulfilment fees), in the base currency. */
  operatingCostPerMonth?: string;
}

export interface ProgramCost {
  currency: string;
  cost: {
    /** Points credited, less points taken back, at the cost per point. */
    points: string;
    /** The share of those points expected never to be redeemed, taken off (negative or zero). */
    expectedBreakage: string;
    cashback: string;
    commissions: string;
    /** `operatingCostPerMonth` × the months of the period; null when not stated (or for a group). */
    operating: string | null;
    total: string;
  };
  netRevenue: string;
  incrementalRevenue: string | null;
  incrementalGrossProfit: string | null;
  /** (incremental gross profit − total cost) ÷ total cost; null when an assumption is missing or nothing cost. */
  roi: number | null;
  /** The assumptions the figures rest on, in words. */
  assumptions: string[];
}

const AVERAGE_MONTH_DAYS = 365.2425 / 12;
const COMMISSION = /^commission/;

export function programCost(input: {
  currency: string;
  costPerPoint: string;
  /** Days in the period (local dates, both included). */
  days: number;
  /** Net revenue of the period in minor units of the base currency. */
  netRevenueMinor: number;
  /** Expected breakage rate of points (0..1), null when unknown. */
  breakageRate: number | null;
  credits: CreditRow[];
  assumptions: RoiAssumptions;
  /** False for a group of accounts: operating costs are the program's, not a group's. */
  withOperating: boolean;
}): ProgramCost {
  const { currency } = input;
  const scale = 10 ** minorDigits(currency);
  const perPoint = Number(input.costPerPoint) * scale;
  let points = 0;
  let cashback = 0;
  let commissions = 0;
  for (const c of input.credits) {
    const minor = c.unit === 'points' ? c.amount * perPoint : c.unit === currency ? c.amount : null;
    if (minor === null) continue; // another currency's wallet: not in the base currency's cost
    if (COMMISSION.test(c.reasonCode)) commissions += minor;
    else if (c.unit === 'points') points += minor;
    else cashback += minor;
  }
  const breakage = input.breakageRate === null ? 0 : -points * input.breakageRate;
  const months = input.days / AVERAGE_MONTH_DAYS;
  const stated = input.assumptions;
  const operating =
    input.withOperating && stated.operatingCostPerMonth !== undefined
      ? Number(stated.operatingCostPerMonth) * scale * months
      : null;
  const total = points + breakage + cashback + commissions + (operating ?? 0);
  const money = (minor: number) => formatAmount(BigInt(Math.round(minor)), currency);
  const share = stated.incrementalRevenueShare === undefined ? null : Number(stated.incrementalRevenueShare);
  const margin = stated.grossMargin === undefined ? null : Number(stated.grossMargin);
  const incremental = share === null ? null : input.netRevenueMinor * share;
  const profit = incremental === null || margin === null ? null : incremental * margin;
  const roundedTotal = Math.round(total);
  const assumptions = [
    `points cost ${input.costPerPoint} ${currency} each when credited (settings.ledger.costPerPoint)`,
    input.breakageRate === null
      ? 'no breakage is expected yet (no point has been redeemed or has expired)'
      : `${(input.breakageRate * 100).toFixed(2)}% of points are expected never to be redeemed (expired ÷ (expired + redeemed) to date)`,
    'cashback and commissions cost what was credited, less what returns took back',
    stated.operatingCostPerMonth === undefined
      ? 'no operating cost is stated (settings.insight.roi.operatingCostPerMonth)'
      : input.withOperating
        ? `operating cost ${stated.operatingCostPerMonth} ${currency} a month, for ${months.toFixed(2)} months`
        : 'operating cost is the whole program’s, not counted per group',
    share === null
      ? 'no incremental revenue share is stated (settings.insight.roi.incrementalRevenueShare), so no return'
      : `${(share * 100).toFixed(2)}% of net revenue would not have come without the program`,
    margin === null
      ? 'no gross margin is stated (settings.insight.roi.grossMargin), so no return'
      : `a gross margin of ${(margin * 100).toFixed(2)}% on that revenue`,
  ];
  return {
    currency,
    cost: {
      points: money(points),
      expectedBreakage: money(breakage === 0 ? 0 : breakage),
      cashback: money(cashback),
      commissions: money(commissions),
      operating: operating === null ? null : money(operating),
      total: money(total),
    },
    netRevenue: money(input.netRevenueMinor),
    incrementalRevenue: incremental === null ? null : money(incremental),
    incrementalGrossProfit: profit === null ? null : money(profit),
    roi:
      profit === null || roundedTotal <= 0
        ? null
        : Math.round(((Math.round(profit) - roundedTotal) / roundedTotal) * 10_000) / 10_000,
    assumptions,
  };
}
