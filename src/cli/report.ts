// `fidelis report kpis|cohorts`: the figures of GET /v1/reports/kpis and /cohorts as plain text.
import type { Kpis } from '../core/insight/kpis.ts';
import type { InsightService } from '../modules/insight/insight-service.ts';

type KpiReport = Awaited<ReturnType<InsightService['kpis']>>;
type CohortReport = Awaited<ReturnType<InsightService['cohorts']>>;

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)}%`);
const or = (x: string | number | null) => (x === null ? '—' : String(x));

function lines(k: Kpis, currency: string, indent = ''): string[] {
  const out = [
    `active accounts        ${k.activeAccounts}`,
    `orders                 ${k.orders}`,
    `net revenue            ${k.netRevenue} ${currency}`,
    `repeat-customer rate   ${pct(k.repeatCustomerRate)} (${k.repeatCustomers} accounts)`,
    `purchase frequency     ${or(k.purchaseFrequency)} orders per active account`,
    `average order value    ${or(k.averageOrderValue)} ${currency}`,
    `historical CLV         ${or(k.clv.historicalAverage)} ${currency} (${k.clv.customers} customers)`,
    `predicted CLV          ${or(k.clv.predicted)} ${currency} (lifetime ${or(k.clv.expectedLifetimeMonths)} months)`,
    `retention / churn      ${pct(k.retention.averageRetentionRate)} / ${pct(k.retention.averageChurnRate)} a month`,
    `points issued          ${k.points.issued}`,
    `points redeemed        ${k.points.redeemed}`,
    `points expired         ${k.points.expired}`,
    `points outstanding     ${k.points.outstanding}`,
    `redemption rate        ${pct(k.points.redemptionRate)} (to date)`,
    `breakage               ${pct(k.points.breakage.actualRate)} actual, ${pct(k.points.breakage.estimatedRate)} estimated (${or(k.points.breakage.estimatedPoints)} points)`,
  ];
  for (const l of k.liability)
    out.push(
      `liability ${l.unit.padEnd(12)} ${l.value.opening} + ${l.value.issued} − ${l.value.redeemed} − ${l.value.expired} − ${l.value.adjusted} = ${l.value.closing} ${l.value.currency}`,
    );
  const c = k.programCost;
  if (c)
    out.push(
      `program cost           ${c.cost.total} ${c.currency} (points ${c.cost.points}, breakage ${c.cost.expectedBreakage}, cashback ${c.cost.cashback}, commissions ${c.cost.commissions}, operating ${or(c.cost.operating)})`,
      `incremental revenue    ${or(c.incrementalRevenue)} ${c.currency} (gross profit ${or(c.incrementalGrossProfit)})`,
      `ROI                    ${pct(c.roi)}`,
    );
  return out.map((l) => indent + l);
}

export function printKpis(report: KpiReport): string {
  const out = [
    `KPIs ${report.from} → ${report.to} (${report.timeZone})`,
    ...lines(report.kpis, report.currency),
  ];
  if (report.breakdown)
    for (const g of report.breakdown.groups)
      out.push('', `${report.breakdown.dimension} ${g.key}`, ...lines(g.kpis, report.currency, '  '));
  const f = report.freshness;
  out.push(
    '',
    f.rolledUpTo
      ? `orders: whole months from the rollup (up to ${f.rolledUpTo}), the rest from the events (${f.accountMonthsReadDirectly} account-months)`
      : 'orders: all read from the events (no rollup yet)',
  );
  return out.join('\n');
}

export function printCohorts(report: CohortReport): string {
  const out = [
    `cohorts ${report.from} → ${report.to} (${report.timeZone}): share active N months after the first order`,
  ];
  for (const c of report.cohorts)
    out.push(
      `${c.cohort}  ${String(c.size).padStart(5)}  ${c.retention.map((r) => pct(r.rate).padStart(8)).join('')}`,
    );
  return out.join('\n');
}
