// Tier request and response schemas, and the ladder document schema.
import Type, { type Static } from 'typebox';
import { Cursor, Limit, PageOf } from '../../http/schemas.ts';
import { EVENT_TYPE_NAME } from '../event-types/event-types-schemas.ts';

const Decimal = (description: string) =>
  Type.String({ pattern: '^\\d{1,15}(\\.\\d{1,4})?$', description, examples: ['10000'] });
const Code = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,39}$',
  description: 'Stable key of the tier (renaming keeps it)',
});

export const TierSchema = Type.Object(
  {
    code: Code,
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    threshold: Decimal(
      'Metric value from which the tier is reached (spend in the base currency, points, orders, or the operator value)',
    ),
    instantAmount: Type.Optional(
      Decimal('One event of at least this amount (base currency) reaches the tier at once'),
    ),
    multiplier: Type.Optional(
      Type.String({
        pattern: '^\\d{1,3}(\\.\\d{1,4})?$',
        description: 'Earning multiplier rules can use ("factor": "tier")',
      }),
    ),
    perks: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
        maxItems: 50,
        description:
          'Named benefits, e.g. dedicated_account_manager, free_shipping, vip_support, early_access:feature-x',
      }),
    ),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const LadderDocumentSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    metric: Type.Union(
      [
        Type.Literal('qualifying_spend'),
        Type.Literal('points_earned'),
        Type.Literal('orders'),
        Type.Literal('operator_value'),
        Type.Literal('managed_accounts'),
        Type.Literal('managed_spend'),
      ],
      {
        description:
          'What qualifies: spend in the base currency (net of returns), points earned, number of orders, a value you send (e.g. combined balance), ' +
          'the number of accounts it manages (manages relationships active at the end of the window), or the qualifying spend of the accounts it manages, each while managed, in the window',
      },
    ),
    eventTypes: Type.Optional(
      Type.Array(EVENT_TYPE_NAME, {
        minItems: 1,
        maxItems: 20,
        uniqueItems: true,
        description: 'Event types that count (qualifying_spend, orders, managed_spend)',
      }),
    ),
    window: Type.Union([
      Type.Object(
        { kind: Type.Literal('rolling_months'), months: Type.Integer({ minimum: 1, maximum: 60 }) },
        { additionalProperties: false },
      ),
      Type.Object({ kind: Type.Literal('calendar_year') }, { additionalProperties: false }),
      Type.Object(
        { kind: Type.Literal('program_year') },
        {
          additionalProperties: false,
          description: 'Years from the account joining (customerSince, else creation)',
        },
      ),
    ]),
    graceDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 730,
        description: 'Days a tier is kept after failing to requalify',
      }),
    ),
    softLanding: Type.Optional(Type.Boolean({ description: 'A downgrade drops at most one tier' })),
    downgradeNoticeDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 365,
        description:
          'Days before an evaluation that would lower the tier (as the metric stands) at which tier.downgrade_upcoming is announced, once per evaluation date (default 30; 0: never)',
      }),
    ),
    groupQualification: Type.Optional(
      Type.Boolean({
        description:
          'The top group qualifies with the metric of all its accounts; its accounts carry its tier',
      }),
    ),
    tiers: Type.Array(TierSchema, {
      minItems: 1,
      maxItems: 20,
      description: 'From the lowest to the highest',
    }),
  },
  { additionalProperties: false, $id: 'LadderDocument', title: 'Tier ladder document' },
);

export const LadderSchema = Type.Object(
  {
    id: Type.String(),
    document: Type.Ref('LadderDocument'),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'TierLadder', title: 'Tier ladder' },
);

export const WriteLadderBody = Type.Object(
  { document: Type.Ref('LadderDocument') },
  { additionalProperties: false },
);
export const LadderParams = Type.Object({ ladderId: Type.String({ minLength: 1, maxLength: 100 }) });
export const OverrideParams = Type.Object({
  ladderId: Type.String({ minLength: 1, maxLength: 100 }),
  accountId: Type.String({ minLength: 1, maxLength: 100 }),
});

export const OverrideBody = Type.Object(
  {
    account: Type.String({ minLength: 1, maxLength: 100, description: 'Account id or externalId' }),
    kind: Type.Union([Type.Literal('set'), Type.Literal('freeze')], {
      description:
        'set: hold the given tier until `until`; freeze: keep the current tier (no downgrade) until `until`',
    }),
    tier: Type.Optional(Code),
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Start (now by default; not in the future)' }),
    ),
    until: Type.Optional(Type.String({ format: 'date-time', description: 'End; open-ended when absent' })),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);

/** An operator's override or freeze, as the request gives it (the audit log keeps it so). */
export type OverrideInput = Static<typeof OverrideBody>;

export const MetricValuesBody = Type.Object(
  {
    values: Type.Array(
      Type.Object(
        {
          account: Type.String({ minLength: 1, maxLength: 100 }),
          value: Decimal('The metric value, e.g. the combined balance in the base currency'),
          at: Type.Optional(Type.String({ format: 'date-time', description: 'As of when (now by default)' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);

export const DueRunBody = Type.Object(
  {
    asOf: Type.Optional(
      Type.String({ format: 'date-time', description: 'Evaluate as of this instant (now by default)' }),
    ),
    at: Type.Optional(
      Type.String({
        format: 'date-time',
        deprecated: true,
        description: 'Deprecated: the former name of asOf (the other due runs say asOf); still accepted',
      }),
    ),
  },
  { additionalProperties: false },
);

const Change = Type.Object({
  id: Type.String(),
  ladderId: Type.String(),
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.Union([Type.String(), Type.Null()]),
  fromName: Type.Union([Type.String(), Type.Null()]),
  toName: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String({
    description:
      'threshold, instant, period_end, grace, override, override_end, freeze, unfreeze, ladder_change',
  }),
  metric: Type.Union([Type.String(), Type.Null()]),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
});
export const ChangeSchema = Type.Object(Change.properties, { $id: 'TierChange', title: 'Tier change' });

export const ProgressSchema = Type.Object(
  {
    ladderId: Type.String(),
    ladderName: Type.String(),
    qualifyingAccountId: Type.String({
      description: 'The account whose metric counts (the top group under group qualification)',
    }),
    tier: Type.Union([Type.String(), Type.Null()]),
    tierName: Type.Union([Type.String(), Type.Null()]),
    since: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    securedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    graceUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    override: Type.Union([
      Type.Object({
        kind: Type.String(),
        tier: Type.Union([Type.String(), Type.Null()]),
        until: Type.Union([Type.String(), Type.Null()]),
        reason: Type.String(),
      }),
      Type.Null(),
    ]),
    multiplier: Type.String(),
    perks: Type.Array(Type.String()),
    metric: Type.String({ description: 'The metric value in the current window' }),
    windowStart: Type.String({ format: 'date-time' }),
    qualifies: Type.Union([
      Type.Object(
        { tier: Type.String(), name: Type.String() },
        {
          description:
            'A tier above the current one that the metric already reaches: the next activity or evaluation applies it',
        },
      ),
      Type.Null(),
    ]),
    next: Type.Union([
      Type.Object({
        tier: Type.String(),
        name: Type.String(),
        threshold: Type.String(),
        needed: Type.String(),
        by: Type.String({ format: 'date-time' }),
      }),
      Type.Null(),
    ]),
    nextEvaluation: Type.Union([
      Type.Object({
        at: Type.String({ format: 'date-time' }),
        outcome: Type.String({ description: 'What happens then if nothing changes' }),
      }),
      Type.Null(),
    ]),
  },
  { $id: 'TierProgress', title: 'Tier progress' },
);

export const TierMembersQuery = Type.Object(
  {
    tier: Type.String({ minLength: 1, maxLength: 100, description: 'The tier code' }),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const TierMemberSchema = Type.Object(
  {
    accountId: Type.String(),
    externalId: Type.Union([Type.String(), Type.Null()]),
    name: Type.String(),
    tier: Type.String(),
    since: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    override: Type.Union([
      Type.Object({
        kind: Type.Union([Type.Literal('set'), Type.Literal('freeze')]),
        until: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
        reason: Type.Union([Type.String(), Type.Null()]),
      }),
      Type.Null(),
    ]),
  },
  { $id: 'TierMember', title: 'TierMember' },
);

export const TierMemberPage = PageOf(Type.Ref('TierMember'));
