// The KPI report and the cohort table: reads the orders per account and local day, the ledger's
// posting sums and the accounts' dimensions, then computes in core/insight/kpis.ts.
import { localDate, startOfLocalDay } from '../../core/calendar.ts';
import { invalid } from '../../core/errors.ts';
import {
  cohortTable,
  computeKpis,
  daysIn,
  firstOrderMonths,
  type KpiInput,
  kpisByGroup,
  type OrderDay,
} from '../../core/insight/kpis.ts';
import { isCalendarDate } from '../../core/reference.ts';
import type { Database, Executor } from '../../db/client.ts';
import { accountDimensions } from '../accounts/accounts-reads.ts';
import { orderDays } from '../events/events-reads.ts';
import { memberCreditsByReason, memberPostingSums } from '../ledger/ledger-reads.ts';
import { ledgerSettings } from '../ledger/ledger-settings.ts';
import { planByAccount } from '../memberships/memberships-reads.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { TierService } from '../tiers/tiers-service.ts';
import { type Freshness, orderDaysThroughRollup } from './insight-rollups.ts';
import { insightSettings } from './insight-settings.ts';

export interface InsightDeps {
  database: Database;
  programs: ProgramService;
  tiers: TierService;
}

export const BREAKDOWNS = ['segment', 'tier', 'country', 'plan', 'cohort'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

/** The longest period a report covers. */
export const MAX_PERIOD_DAYS = 3_700;

export interface PeriodQuery {
  from?: string;
  to?: string;
}

const iso = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
const parse = (s: string) => {
  const [year, month, day] = s.split('-').map(Number) as [number, number, number];
  return { year, month, day };
};
const nextDay = (s: string) => new Date(Date.parse(`${s}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** The period's local dates (defaults: `to` today, `from` a year before it) and its instants in the program's zone. */
export function periodOf(query: PeriodQuery, timeZone: string, now: Date, bounded = true) {
  const errors: Record<string, string> = {};
  if (query.from !== undefined && !isCalendarDate(query.from))
    errors.from = `not a calendar date: ${query.from}`;
  if (query.to !== undefined && !isCalendarDate(query.to)) errors.to = `not a calendar date: ${query.to}`;
  if (Object.keys(errors).length > 0) throw invalid('The period is not valid', errors);
  const to = query.to ?? iso(localDate(now, timeZone));
  const from =
    query.from ??
    nextDay(new Date(Date.parse(`${to}T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 10));
  if (to < from)
    throw invalid('The period ends before it starts', { to: `must not be before from (${from})` });
  if (bounded && daysIn(from, to) > MAX_PERIOD_DAYS)
    throw invalid('The period is too long', { to: `at most ${MAX_PERIOD_DAYS} days after from` });
  return {
    from,
    to,
    start: startOfLocalDay(parse(from), timeZone),
    end: startOfLocalDay(parse(nextDay(to)), timeZone),
  };
}

async function inputOf(
  { database, programs }: InsightDeps,
  programId: string,
  query: PeriodQuery,
  now: Date,
  useRollup: boolean,
) {
  const program = await programs.get(programId);
  const period = periodOf(query, program.timeZone, now);
  const { purchaseTypes, roi } = insightSettings(program.settings);
  const [orders, postings, credits] = await Promise.all([
    readOrders(database.db, programId, purchaseTypes, program.timeZone, period, useRollup),
    memberPostingSums(database.db, programId, period.start, period.end),
    memberCreditsByReason(database.db, programId, period.start, period.end),
  ]);
  const input: KpiInput = {
    from: period.from,
    to: period.to,
    currency: program.baseCurrency,
    costPerPoint: ledgerSettings(program.settings).costPerPoint,
    orderDays: orders.orderDays,
    postings,
    credits,
    roiAssumptions: roi,
  };
  return { program, period, input, purchaseTypes, freshness: orders.freshness };
}

/** The period's order days: through the rollup when the program has one, else from the events. */
async function readOrders(
  db: Executor,
  programId: string,
  types: string[],
  timeZone: string,
  period: { from: string; to: string; end: Date },
  useRollup: boolean,
): Promise<{ orderDays: OrderDay[]; freshness: Freshness }> {
  const rolled = useRollup ? await orderDaysThroughRollup(db, programId, types, timeZone, period) : null;
  if (rolled) return rolled;
  return {
    orderDays: await orderDays(db, programId, types, period.end, timeZone),
    freshness: { source: 'events', rolledUpTo: null, accountMonthsReadDirectly: 0 },
  };
}

/** Each account's group for a breakdown, as of the period's end. */
async function groupsOf(
  deps: InsightDeps,
  programId: string,
  breakdown: Breakdown,
  input: KpiInput,
  end: Date,
) {
  const { database, tiers } = deps;
  if (breakdown === 'cohort') return firstOrderMonths(input.orderDays);
  if (breakdown === 'plan') return planByAccount(database.db, programId, new Date(end.getTime() - 1));
  const accounts = await accountDimensions(database.db, programId);
  if (breakdown === 'segment' || breakdown === 'country')
    return new Map(accounts.flatMap((a) => (a[breakdown] ? [[a.id, a[breakdown]!] as const] : [])));
  const at = new Date(end.getTime() - 1);
  const held = await tiers.tiersAt(
    programId,
    accounts.map((a) => ({ accountId: a.id, at })),
  );
  return new Map(accounts.flatMap((a, i) => (held[i] ? [[a.id, held[i]!.code] as const] : [])));
}

/** `rollup: false` reads every order from the events (the on-request computation the rollup must equal). */
export interface ReadOptions {
  now?: Date;
  rollup?: boolean;
}

export async function kpis(
  deps: InsightDeps,
  programId: string,
  query: PeriodQuery & { breakdown?: Breakdown },
  options: ReadOptions = {},
) {
  const { program, period, input, purchaseTypes, freshness } = await inputOf(
    deps,
    programId,
    query,
    options.now ?? new Date(),
    options.rollup ?? true,
  );
  const groups = query.breakdown
    ? await groupsOf(deps, programId, query.breakdown, input, period.end)
    : undefined;
  return {
    from: period.from,
    to: period.to,
    timeZone: program.timeZone,
    currency: program.baseCurrency,
    costPerPoint: input.costPerPoint,
    purchaseTypes,
    freshness,
    kpis: computeKpis(input),
    ...(query.breakdown &&
      groups && {
        breakdown: {
          dimension: query.breakdown,
          groups: kpisByGroup(input, (id) => groups.get(id) ?? null),
        },
      }),
  };
}

export async function cohorts(
  deps: InsightDeps,
  programId: string,
  query: PeriodQuery,
  options: ReadOptions = {},
) {
  const { program, period, input, freshness } = await inputOf(
    deps,
    programId,
    query,
    options.now ?? new Date(),
    options.rollup ?? true,
  );
  return {
    from: period.from,
    to: period.to,
    timeZone: program.timeZone,
    freshness,
    cohorts: cohortTable(input.orderDays, period.from, period.to),
  };
}
