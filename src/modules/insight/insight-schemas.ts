// TypeBox schemas of the insight reports (definitions of every figure: docs/metrics.md).
import Type from 'typebox';
import { RFM_SEGMENTS } from '../../core/insight/rfm.ts';
import { CalendarDate, Cursor, Limit, ListOf, Locale, Name, PageOf, Timestamp } from '../../http/schemas.ts';
import { BREAKDOWNS } from './insight-kpis.ts';
import { QuestionInLocale, Questions, Responses } from './insight-question-schemas.ts';

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
  programCost: Type.Optional(
    Type.Object(
      {
        currency: Type.String(),
        cost: Type.Object({
          points: Money,
          expectedBreakage: Money,
          cashback: Money,
          commissions: Money,
          operating: MaybeMoney,
          total: Money,
        }),
        netRevenue: Money,
        incrementalRevenue: MaybeMoney,
        incrementalGrossProfit: MaybeMoney,
        roi: Type.Union([Type.Number(), Type.Null()], {
          description: '(incremental gross profit − total cost) ÷ total cost; 1.5 is a 150% return',
        }),
        assumptions: Type.Array(Type.String(), { description: 'What the figures rest on, in words' }),
      },
      { description: 'What the program cost in the period and what it returned (docs/metrics.md)' },
    ),
  ),
});

const FreshnessSchema = Type.Object(
  {
    source: Type.Union([Type.Literal('rollup'), Type.Literal('events')], {
      description:
        "'rollup': whole months read from the KPI rollup, the rest from the events; 'events': all from the events",
    }),
    rolledUpTo: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description:
        'Every event recorded before this instant is in the rollup; events recorded since were read directly, so the figures are current either way',
    }),
    accountMonthsReadDirectly: Type.Integer({
      description: 'Account-months read from the events besides the partial months of the period',
    }),
  },
  { description: 'How the orders were read (docs/metrics.md, "Freshness and cost")' },
);

export const KpiReportSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.String(),
  currency: Type.String(),
  costPerPoint: Type.String(),
  purchaseTypes: Type.Array(Type.String()),
  freshness: FreshnessSchema,
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
  freshness: FreshnessSchema,
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

const Segment = Type.Union(
  RFM_SEGMENTS.map((s) => Type.Literal(s)),
  { description: 'Named RFM segment (docs/metrics.md, "RFM")' },
);

export const RfmSchema = Type.Object({
  accountId: Type.String(),
  asOf: Type.Union([Type.String(), Type.Null()], { description: 'The local day scored (last refresh)' }),
  segment: Type.Union([Segment, Type.Null()], { description: 'null: no order yet, or not scored yet' }),
  scores: Type.Union([
    Type.Object({
      r: Type.Integer({ minimum: 1, maximum: 5 }),
      f: Type.Integer({ minimum: 1, maximum: 5 }),
      m: Type.Integer({ minimum: 1, maximum: 5 }),
      rfm: Type.String({ examples: ['545'] }),
    }),
    Type.Null(),
  ]),
  recencyDays: Type.Union([Type.Integer(), Type.Null()]),
  lastOrderDay: Type.Union([Type.String(), Type.Null()]),
  frequency: Type.Integer({ description: 'Orders in the 365 days to asOf' }),
  monetaryMinor: Type.Integer({
    description: 'Net revenue of those orders, minor units of the base currency',
  }),
  ordersToDate: Type.Integer(),
  rhythmDays: Type.Union([Type.Number(), Type.Null()], { description: 'Average days between its orders' }),
  churnRisk: Type.Boolean({ description: 'Days since the last order exceed twice its usual gap' }),
});

export const RfmListQuery = Type.Object(
  { segment: Type.Optional(Segment), limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);
export const RfmPage = PageOf(RfmSchema);

export const RfmSummarySchema = Type.Object({
  asOf: Type.Union([Type.String(), Type.Null()]),
  refreshedAt: Type.Union([Timestamp, Type.Null()]),
  segments: Type.Array(
    Type.Object({ segment: Type.String(), accounts: Type.Integer(), churnRisk: Type.Integer() }),
  ),
});

export const InsightRunBody = Type.Object(
  {
    asOf: Type.Optional({
      ...Timestamp,
      description: 'Score as of this instant (its local day); default now',
    }),
    force: Type.Optional(Type.Boolean({ description: 'Score again even if the day was scored already' })),
    recomputeRollups: Type.Optional(
      Type.Boolean({
        description:
          'Recompute the KPI rollup whole from the events (else it is brought up to date incrementally)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const InsightRunSchema = Type.Object({
  rfm: Type.Object({
    asOf: Type.String(),
    refreshed: Type.Boolean({ description: 'false: the day was scored already' }),
    accounts: Type.Integer(),
  }),
  rollups: Type.Object({
    recomputed: Type.Boolean({
      description: 'true: recomputed whole (asked, first run, or the settings changed)',
    }),
    accountMonths: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Account-months computed again (null when recomputed whole)',
    }),
    rolledUpTo: Type.String({ format: 'date-time', description: 'The rollup watermark after the run' }),
  }),
});

// ---- surveys ----

export const SurveyParams = Type.Object({ surveyId: Type.String({ minLength: 1, maxLength: 100 }) });
export const LinkParams = Type.Object({
  link: Type.String({
    minLength: 10,
    maxLength: 100,
    description: 'The signed link of one contact for one survey',
  }),
});

const Question = Type.Record(
  Type.String({ pattern: '^(default|[a-z]{2,3}(-[A-Za-z0-9]{2,8})*)$' }),
  Type.String({ minLength: 1, maxLength: 500 }),
  {
    description: 'The 0–10 question by locale; `default` is required and shown when no wording matches',
    examples: [
      {
        default: 'How likely are you to recommend Northwind to a colleague?',
        nl: 'Hoe waarschijnlijk is het dat u Northwind aanbeveelt aan een collega?',
      },
    ],
  },
);

export const SurveyBody = Type.Object(
  {
    name: Name,
    question: Question,
    comment: Type.Optional(Type.Boolean({ description: 'Ask for an optional comment (default true)' })),
    anonymous: Type.Optional(
      Type.Boolean({
        description: 'Keep no contact or account with the answers (still once per contact); default false',
      }),
    ),
    questions: Type.Optional(Questions),
  },
  { additionalProperties: false },
);

export const SurveySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  question: Type.Record(Type.String(), Type.String()),
  comment: Type.Boolean(),
  anonymous: Type.Boolean(),
  questions: Questions,
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  createdAt: Timestamp,
});
export const SurveyList = ListOf(SurveySchema);

export const LinksBody = Type.Object(
  {
    contacts: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      minItems: 1,
      maxItems: 500,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false },
);
export const LinksSchema = ListOf(
  Type.Object({
    contactId: Type.String(),
    token: Type.String(),
    path: Type.String({
      description: 'Relative to the server: GET shows the question, POST answers it (no login)',
    }),
  }),
);

const Score = Type.Integer({ minimum: 0, maximum: 10, description: 'How likely to recommend, 0–10' });
const Comment = Type.String({ minLength: 1, maxLength: 2000 });

export const LinkAnswerBody = Type.Object(
  {
    score: Score,
    comment: Type.Optional(Comment),
    locale: Type.Optional(Locale),
    responses: Type.Optional(Responses),
  },
  { additionalProperties: false },
);
export const ApiAnswerBody = Type.Object(
  {
    contact: Type.String({ minLength: 1, maxLength: 100, description: 'The contact answering (con_…)' }),
    ...LinkAnswerBody.properties,
  },
  { additionalProperties: false },
);

export const AnswerSchema = Type.Object({
  id: Type.String(),
  surveyId: Type.String(),
  score: Type.Integer(),
  category: Type.Union([Type.Literal('promoter'), Type.Literal('passive'), Type.Literal('detractor')]),
  anonymous: Type.Boolean(),
  eventId: Type.Union([Type.String(), Type.Null()], { description: 'The survey.completed event (evt_…)' }),
});

export const LinkViewQuery = Type.Object({ locale: Type.Optional(Locale) }, { additionalProperties: false });
export const LinkViewSchema = Type.Object({
  survey: Type.String(),
  question: Type.String(),
  questions: Type.Array(QuestionInLocale),
  comment: Type.Boolean(),
  anonymous: Type.Boolean(),
  status: Type.String(),
  answered: Type.Boolean(),
});

export const ExportQuery = PeriodQuery;
export const CsvResponse = {
  description: 'CSV with a header row, streamed (UTF-8, comma separated, one line per row)',
  content: { 'text/csv': { schema: Type.String() } },
};
