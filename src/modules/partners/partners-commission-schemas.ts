// Commission request and response schemas: plans, partner assignments, lines, payout runs, payouts.
import Type, { type Static } from 'typebox';
import { Cursor, Limit, Name, PageOf, Ref, Timestamp } from '../../http/schemas.ts';
import { EVENT_TYPE_NAME } from '../event-types/event-types-schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Array>[0]>(t: T) => Type.Union([t, Type.Null()]);

export const PlanCode = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,59}$',
  description: 'Stable key of the commission plan (lower case letters, digits, _ and -)',
  examples: ['agency-standard'],
});

/** Checked by the service (so that a negative or malformed value is a 422 naming the field). */
const Amount = (description: string, example: string) =>
  Type.String({ minLength: 1, maxLength: 40, description, examples: [example] });
const Rate = Type.String({
  minLength: 1,
  maxLength: 40,
  description: 'A percentage from 0 to 100 (a decimal string, at most 12 decimals)',
  examples: ['10', '2.5'],
});
const PeriodKind = Type.Union([Type.Literal('month'), Type.Literal('quarter')], {
  description: "A calendar month or quarter in the program's time zone",
});

const PlanFields = {
  name: Name,
  unit: Type.String({
    minLength: 1,
    maxLength: 12,
    description:
      '"points" or an ISO 4217 currency: the partner\'s wallet the commissions go to (a plan paying on revenue in cash pays in the base currency)',
    examples: ['EUR'],
  }),
  holdingDays: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 3650,
      description:
        'Commission lines stay pending this many days (returns void them) before they post and can be paid out (default 30)',
    }),
  ),
  fixed: Type.Optional(
    Nullable(
      Type.Object(
        { amount: Amount('Paid once per converted referral, in the unit', '50.00') },
        { additionalProperties: false },
      ),
    ),
  ),
  revenue: Type.Optional(
    Nullable(
      Type.Object(
        {
          eventTypes: Type.Array(EVENT_TYPE_NAME, {
            minItems: 1,
            maxItems: 20,
            description: 'Events of the referred accounts whose amount is revenue (in the base currency)',
          }),
          rate: Type.Optional(Nullable(Rate)),
          tiers: Type.Optional(
            Nullable(
              Type.Array(
                Type.Object(
                  {
                    from: Amount(
                      'From this volume in the period (base currency; the first tier from 0)',
                      '0',
                    ),
                    rate: Rate,
                  },
                  { additionalProperties: false },
                ),
                { minItems: 1, maxItems: 20 },
              ),
            ),
          ),
          period: Type.Optional(PeriodKind),
          months: Type.Optional(
            Nullable(
              Type.Integer({
                minimum: 1,
                maximum: 600,
                description: 'Revenue counts for this many months after the attribution (null: for life)',
              }),
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  ),
  bonus: Type.Optional(
    Nullable(
      Type.Object(
        {
          period: PeriodKind,
          target: Amount('Referred volume to reach in the period (base currency)', '10000.00'),
          amount: Amount('The bonus, in the unit, once per period', '250.00'),
        },
        { additionalProperties: false },
      ),
    ),
  ),
  active: Type.Optional(Type.Boolean()),
};

export const CreatePlanBody = Type.Object(
  { code: PlanCode, ...PlanFields },
  {
    additionalProperties: false,
    examples: [
      {
        code: 'agency-standard',
        name: 'Agency standard',
        unit: 'EUR',
        holdingDays: 30,
        fixed: { amount: '50.00' },
        revenue: { eventTypes: ['purchase'], rate: '10', period: 'month', months: 12 },
        bonus: { period: 'quarter', target: '10000.00', amount: '250.00' },
      },
    ],
  },
);
export type CreatePlanInput = Static<typeof CreatePlanBody>;
export const UpdatePlanBody = Type.Object(PlanFields, { additionalProperties: false });
export type UpdatePlanInput = Static<typeof UpdatePlanBody>;

const RevenueSchema = Type.Object({
  eventTypes: Type.Array(Type.String()),
  rate: Nullable(Type.String()),
  tiers: Nullable(Type.Array(Type.Object({ from: Type.String(), rate: Type.String() }))),
  period: Type.String(),
  months: Nullable(Type.Integer()),
});

export const PlanSchema = Type.Object(
  {
    code: Type.String(),
    version: Type.Integer({
      description: 'Bumped by every change; each line records the version it followed',
    }),
    active: Type.Boolean(),
    name: Type.String(),
    unit: Type.String(),
    holdingDays: Type.Integer(),
    fixed: Nullable(Type.Object({ amount: Type.String() })),
    revenue: Nullable(RevenueSchema),
    bonus: Nullable(Type.Object({ period: Type.String(), target: Type.String(), amount: Type.String() })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'CommissionPlan' },
);
export const PlanParams = Type.Object({ plan: PlanCode });
export const PlanPage = PageOf(Type.Ref('CommissionPlan'));

export const AssignBody = Type.Object(
  { plan: PlanCode },
  { additionalProperties: false, examples: [{ plan: 'agency-standard' }] },
);
export const PartnerParams = Type.Object({ account: Ref('The partner account (id or externalId)') });
export const AssignmentSchema = Type.Object(
  { accountId: Type.String(), plan: Type.String(), assignedAt: Timestamp, actor: Type.String() },
  { $id: 'CommissionPartner' },
);
export const AssignmentsQuery = Type.Object(
  { plan: Type.Optional(PlanCode), limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);
export type AssignmentsQueryInput = Static<typeof AssignmentsQuery>;
export const AssignmentPage = PageOf(Type.Ref('CommissionPartner'));

export const LineSchema = Type.Object(
  {
    id: Type.String(),
    partnerAccountId: Type.String(),
    plan: Type.String(),
    planVersion: Type.Integer(),
    kind: Type.String({ description: 'fixed, percentage, bonus or clawback' }),
    status: Type.String({
      description:
        'pending (holding), due (payable), in_payout, clawed_back (returned in full), or clawback (a line taking back)',
    }),
    referralId: Nullable(Type.String()),
    referredAccountId: Nullable(Type.String()),
    eventId: Nullable(
      Type.String({ description: "The client's id of the event (a clawback: of the return)" }),
    ),
    relatedLineId: Nullable(Type.String({ description: 'The line a clawback takes back' })),
    period: Nullable(Type.String()),
    revenue: Nullable(
      Type.Integer({ description: 'The revenue it is a share of (base currency minor units)' }),
    ),
    returned: Type.Integer({ description: 'Of that revenue, returned so far' }),
    rate: Nullable(Type.String()),
    unit: Type.String(),
    amount: Type.Integer({ description: 'Minor units or points; negative for a clawback' }),
    remaining: Type.Integer({ description: 'What is left of it after clawbacks' }),
    explanation: Type.String({ examples: ['10% of purchase SO-1001 of Fjord Builders, EUR 1,200.00'] }),
    entryId: Nullable(Type.String()),
    how: Nullable(
      Type.String({ description: 'A clawback: voided (while pending) or reversed (after it posted)' }),
    ),
    dueAt: Timestamp,
    occurredAt: Timestamp,
    payoutId: Nullable(Type.String()),
    createdAt: Timestamp,
  },
  { $id: 'CommissionLine' },
);
export const LinesQuery = Type.Object(
  {
    partner: Type.Optional(Ref('Only lines of this partner (id or externalId)')),
    payout: Type.Optional(
      Type.String({ minLength: 1, maxLength: 40, description: 'Only lines of this payout' }),
    ),
    kind: Type.Optional(
      Type.Union([
        Type.Literal('fixed'),
        Type.Literal('percentage'),
        Type.Literal('bonus'),
        Type.Literal('clawback'),
      ]),
    ),
    event: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "The client's event id" })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type LinesQueryInput = Static<typeof LinesQuery>;
export const LinePage = PageOf(Type.Ref('CommissionLine'));

// Payout runs

export const ProposeRunBody = Type.Object(
  {
    period: Type.String({
      minLength: 1,
      maxLength: 10,
      description:
        "A calendar month (2026-11), quarter (2026-Q4) or ISO week (2026-W49, Monday to Sunday) in the program's time zone, past or current",
    }),
    currency: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 3,
        description: 'The cash unit paid out (default: the base currency)',
      }),
    ),
    minimum: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 40,
        description:
          'Pay only partners owed at least this much (a decimal amount; default settings.commissions.minimumPayout)',
      }),
    ),
  },
  { additionalProperties: false, examples: [{ period: '2026-11', currency: 'EUR', minimum: '25.00' }] },
);
export type ProposeRunInput = Static<typeof ProposeRunBody>;

const StatementSchema = Type.Object(
  {
    openingBalance: Type.Integer({ description: 'Owed before the period, after earlier payouts' }),
    commissions: Type.Integer({ description: "The period's commission lines (due in it)" }),
    clawbacks: Type.Integer({ description: "What the period's returns took back" }),
    payout: Type.Integer(),
    closingBalance: Type.Integer({
      description: 'Owed after this payout (negative: a debt later commissions settle)',
    }),
  },
  { description: 'Minor units of the run currency' },
);

export const PayoutSchema = Type.Object(
  {
    id: Type.String(),
    runId: Type.String(),
    accountId: Type.String(),
    unit: Type.String(),
    amount: Type.Integer(),
    status: Type.String({
      description:
        'proposed (run not approved), pending (money left the wallet), sent, paid, failed (given back), cancelled',
    }),
    statement: StatementSchema,
    lineCount: Type.Integer(),
    entryId: Nullable(Type.String({ description: 'The payout debit, written at approval' })),
    refundEntryId: Nullable(
      Type.String({ description: 'A failed payout: the entry that gave the money back' }),
    ),
    reference: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'PartnerPayout' },
);

export const RunSchema = Type.Object(
  {
    id: Type.String(),
    period: Type.String(),
    periodStart: Timestamp,
    periodEnd: Timestamp,
    cutoff: Timestamp,
    unit: Type.String(),
    minimum: Type.Integer(),
    status: Type.String({ description: 'proposed, approved or cancelled' }),
    payoutCount: Type.Integer(),
    total: Type.Integer(),
    proposedBy: Type.String({
      description: 'Who proposed it: a console user (usr_…), an API key or job:scheduler',
    }),
    proposedByName: Nullable(
      Type.String({ description: "The proposing console user's name (or e-mail); null for a key or a job" }),
    ),
    proposedAt: Timestamp,
    decidedBy: Nullable(Type.String()),
    decidedByName: Nullable(
      Type.String({ description: "The deciding console user's name (or e-mail); null for a key or a job" }),
    ),
    decidedAt: Nullable(Timestamp),
    decisionReason: Nullable(Type.String()),
    payouts: Type.Array(Type.Ref('PartnerPayout')),
  },
  { $id: 'PayoutRun' },
);
export const RunParams = Type.Object({ runId: Type.String({ minLength: 1, maxLength: 40 }) });
export const RunsQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('proposed'), Type.Literal('approved'), Type.Literal('cancelled')]),
    ),
    period: Type.Optional(Type.String({ minLength: 1, maxLength: 10 })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type RunsQueryInput = Static<typeof RunsQuery>;
export const RunPage = PageOf(Type.Ref('PayoutRun'));
export const RunDecisionBody = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) },
  { additionalProperties: false },
);

export const PayoutParams = Type.Object({
  runId: Type.String({ minLength: 1, maxLength: 40 }),
  payoutId: Type.String({ minLength: 1, maxLength: 40 }),
});
export const PayoutStatusBody = Type.Object(
  {
    status: Type.Union([Type.Literal('sent'), Type.Literal('paid'), Type.Literal('failed')]),
    reference: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: "The bank's or payment provider's reference",
      }),
    ),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  },
  { additionalProperties: false, examples: [{ status: 'sent', reference: 'SEPA-2026-12-0001' }] },
);
export type PayoutStatusInput = Static<typeof PayoutStatusBody>;
