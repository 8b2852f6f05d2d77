// The KPI report and the cohort table as CSV tables (issue 18's "KPI tables" export): one row for the
// program and one per group of the breakdown; one row per cohort with its share active each month after.
import type { Kpis } from '../../core/insight/kpis.ts';
import { csvLine } from '../../lib/csv.ts';
import { type Breakdown, cohorts, type InsightDeps, kpis, type PeriodQuery } from './insight-kpis.ts';

export const KPI_CSV_COLUMNS = [
  'from',
  'to',
  'dimension',
  'group',
  'activeAccounts',
  'orders',
  'netRevenue',
  'repeatCustomers',
  'repeatCustomerRate',
  'purchaseFrequency',
  'averageOrderValue',
  'clvHistorical',
  'clvPredicted',
  'retentionRate',
  'churnRate',
  'pointsIssued',
  'pointsRedeemed',
  'pointsExpired',
  'pointsOutstanding',
  'redemptionRate',
  'breakageEstimatedRate',
  'programCost',
  'incrementalGrossProfit',
  'roi',
] as const;

function cells(from: string, to: string, dimension: string, group: string, k: Kpis): unknown[] {
  return [
    from,
    to,
    dimension,
    group,
    k.activeAccounts,
    k.orders,
    k.netRevenue,
    k.repeatCustomers,
    k.repeatCustomerRate,
    k.purchaseFrequency,
    k.averageOrderValue,
    k.clv.historicalAverage,
    k.clv.predicted,
    k.retention.averageRetentionRate,
    k.retention.averageChurnRate,
    k.points.issued,
    k.points.redeemed,
    k.points.expired,
    k.points.outstanding,
    k.points.redemptionRate,
    k.points.breakage.estimatedRate,
    k.programCost?.cost.total ?? null,
    k.programCost?.incrementalGrossProfit ?? null,
    k.programCost?.roi ?? null,
  ];
}

/** The KPIs of a period as CSV: the program's row (`dimension` all), then a row per group of the breakdown. */
export async function kpiCsv(
  deps: InsightDeps,
  programId: string,
  query: PeriodQuery & { breakdown?: Breakdown },
) {
  const report = await kpis(deps, programId, query);
  const lines = [csvLine(KPI_CSV_COLUMNS), csvLine(cells(report.from, report.to, 'all', 'all', report.kpis))];
  for (const g of report.breakdown?.groups ?? [])
    lines.push(csvLine(cells(report.from, report.to, report.breakdown!.dimension, g.key, g.kpis)));
  return lines.join('');
}

/** The cohort table as CSV: cohort, size, then the share active in each month after the first order. */
export async function cohortCsv(deps: InsightDeps, programId: string, query: PeriodQuery) {
  const report = await cohorts(deps, programId, query);
  const width = Math.max(0, ...report.cohorts.map((c) => c.retention.length));
  const header = ['cohort', 'size', ...Array.from({ length: width }, (_, k) => `month${k}`)];
  return [
    csvLine(header),
    ...report.cohorts.map((c) => csvLine([c.cohort, c.size, ...c.retention.map((r) => r.rate)])),
  ].join('');
}
