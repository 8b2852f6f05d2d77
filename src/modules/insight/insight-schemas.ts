// TypeBox schemas of the insight reports (definitions of every figure: docs/metrics.md).
import Type from 'typebox';
import { CalendarDate } from '../../http/schemas.ts';
import { BREAKDOWNS } from './insight-kpis.ts';

const Rate = Type.Union([Type.Number(), Type.Null()], {
  description: 'A share between 0 and 1 (4 decimals), null when undefined (nothing to divide by)',
});
const Money = Type.String({
  description: 'Exact decimal amount in the base currency',
  examples: ['1234.50'],
});
const MaybeMoney = Type.Union([Money, Type.Null()]);

export const PeriodQuery = Type.Object(
  {
    from: Type.Optional({
      ...CalendarDate,
      description: 'First day of the period (program time zone); default: a year before `to`',
    }),
    to: Type.Optional({
      ...CalendarDate,
      description: 'Last day of the period, included (program time zone); default: today',
    }),
  },
  { additionalProperties: false },
);

export const KpiQuery = Type.Object(
  {
    ...PeriodQuery.properties,
    breakdown: Type.Optional(
      Type.Union(
        BREAKDOWNS.map((b) => Type.Literal(b)),
        {
          description:
            'Also give the KPIs per group of accounts: segment, tier (first ladder, at the end), country, plan (membership at the end) or cohort (first-order month)',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

const MonthRetention = Type.Object({
  month: Type.String({ description: 'YYYY-MM' }),
  previous: Type.Integer({ description: 'Accounts with an order in the month before' }),
  retained: Type.Integer({ description: 'Of those, accounts with an order in this month' }),
  retentionRate: Rate,
  churnRate: Rate,
});

const RollForward = Type.Object({
  unit: Type.String({ description: "'points' or a currency (cash wallets)" }),
  opening: Type.Integer(),
  issued: Type.Integer(),
  redeemed: Type.Integer(),
  expired: Type.Integer(),
  adjusted: Type.Integer(),
  closing: Type.Integer({ description: 'opening + issued − redeemed − expired − adjusted' }),
  value: Type.Object({
    currency: Type.String(),
    opening: Money,
    issued: Money,
    redeemed: Money,
    expired: Money,
    adjusted: Money,
    closing: Money,
  }),
});

export const KpisSchema = Type.Object({
  activeAccounts: Type.Integer(),
  orders: Type.Integer(),
  netRevenue: Money,
  repeatCustomers: Type.Integer(),
  repeatCustomerRate: Rate,
  purchaseFrequency: Type.Union([Type.Number(), Type.Null()], { description: 'Orders per active account' }),
  averageOrderValue: MaybeMoney,
  clv: Type.Object({
    customers: Type.Integer(),
    historicalAverage: MaybeMoney,
    predicted: MaybeMoney,
    expectedLifetimeMonths: Type.Union([Type.Number(), Type.Null()]),
  }),
  retention: Type.Object({
    months: Type.Array(MonthRetention),
    averageRetentionRate: Rate,
    averageChurnRate: Rate,
  }),
  points: Type.Object({
    issued: Type.Integer(),
    redeemed: Type.Integer(),
    expired: Type.Integer(),
    adjusted: Type.Integer(),
    outstanding: Type.Integer(),
    issuedToDate: Type.Integer(),
    redeemedToDate: Type.Integer(),
    expiredToDate: Type.Integer(),
    redemptionRate: Rate,
    breakage: Type.Object({
      actualRate: Rate,
      estimatedRate: Rate,
      estimatedPoints: Type.Union([Type.Integer(), Type.Null()]),
    }),
  }),
  liability: Type.Array(RollForward),
});

export const KpiReportSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.String(),
  currency: Type.String(),
  costPerPoint: Type.String(),
  purchaseTypes: Type.Array(Type.String()),
  kpis: KpisSchema,
  breakdown: Type.Optional(
    Type.Object({
      dimension: Type.String(),
      groups: Type.Array(
        Type.Object({
          key: Type.String({ description: "The group; 'none' for accounts without a value" }),
          kpis: KpisSchema,
        }),
      ),
    }),
  ),
});

export const CohortReportSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.String(),
  cohorts: Type.Array(
    Type.Object({
      cohort: Type.String({ description: 'First-order month YYYY-MM' }),
      size: Type.Integer(),
      retention: Type.Array(
        Type.Object({
          offset: Type.Integer({ description: 'Months after the cohort month' }),
          month: Type.String(),
          active: Type.Integer(),
          rate: Type.Number(),
        }),
      ),
    }),
  ),
});
