import Type, { type Static } from 'typebox';
import { Currency, Cursor, Limit, Name, PageOf, Ref, Timestamp } from '../../http/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Array>[0]>(t: T) => Type.Union([t, Type.Null()]);

export const EntitlementKey = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[a-z0-9][a-z0-9_.:-]*$',
  description: 'What the operator’s systems ask for, e.g. vip_support or early_access:feature-x',
  examples: ['vip_support', 'early_access:feature-x'],
});

const EntitlementDefinitionBody = Type.Object(
  {
    key: EntitlementKey,
    kind: Type.Union(
      [
        Type.Literal('flag'),
        Type.Literal('discount_code'),
        Type.Literal('free_period'),
        Type.Literal('service_credit'),
      ],
      {
        description:
          'flag: a yes/no benefit; discount_code: a unique code per member (prefix, optional percent); ' +
          'free_period: a benefit for `months` from activation; service_credit: `amount` of `unit` credited to the wallet each term',
      },
    ),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    prefix: Type.Optional(
      Type.String({ pattern: '^[A-Z0-9]{2,12}$', description: 'discount_code: the code prefix, e.g. VIP' }),
    ),
    percent: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'discount_code: percent off' }),
    ),
    months: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, description: 'free_period: its length' })),
    unit: Type.Optional(
      Type.String({ pattern: '^(points|[A-Z]{3})$', description: 'service_credit: "points" or a currency' }),
    ),
    amount: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000_000_000,
        description: 'service_credit: whole points or minor units (cents)',
      }),
    ),
    usesPerTerm: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        description:
          'Not service_credit: how many uses (POST …/entitlements/{key}/uses) each term allows; none: not limited',
      }),
    ),
  },
  { additionalProperties: false },
);
export type EntitlementDefinitionInput = Static<typeof EntitlementDefinitionBody>;

const Fee = Type.Object(
  {
    amount: Type.String({
      minLength: 1,
      maxLength: 30,
      description: 'Decimal amount in the currency, e.g. "490.00"; 0 for a free plan',
      examples: ['490.00'],
    }),
    currency: Currency,
  },
  { additionalProperties: false },
);

const TermBody = Type.Object(
  {
    months: Type.Optional(Type.Integer({ minimum: 1, maximum: 120 })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    description: '{"months": 12} or {"days": 30}',
  },
);

const Renewal = Type.Union([Type.Literal('auto'), Type.Literal('manual')], {
  description: 'auto: renewed at the end of each term (fee charged); manual: lapses at the end of its term',
});
const Joining = Type.Union([Type.Literal('contract'), Type.Literal('purchase'), Type.Literal('approval')], {
  description: 'How an account joins: with a contract id, an order id, or by admin approval',
});

export const PlanConditionBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('min_spend'), Type.Literal('tier')], {
      description:
        'min_spend: a qualifying spend of at least `amount` (base currency) over the last `months` months; tier: one of `tiers` on `ladder`',
    }),
    amount: Type.Optional(Type.String({ maxLength: 20, examples: ['5000.00'] })),
    months: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
    ladder: Type.Optional(Ref('Tier ladder id')),
    tiers: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 50 }), {
        minItems: 1,
        maxItems: 20,
        uniqueItems: true,
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Checked when an account joins and at each renewal: a join is refused, a renewal lapses',
  },
);

export const CreatePlanBody = Type.Object(
  {
    condition: Type.Optional(PlanConditionBody),
    name: Name,
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    fee: Fee,
    term: TermBody,
    renewal: Renewal,
    joining: Joining,
    entitlements: Type.Optional(Type.Array(EntitlementDefinitionBody, { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type CreatePlanInput = Static<typeof CreatePlanBody>;

export const UpdatePlanBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 2000 }))),
    fee: Type.Optional(Fee),
    term: Type.Optional(TermBody),
    renewal: Type.Optional(Renewal),
    joining: Type.Optional(Joining),
    entitlements: Type.Optional(Type.Array(EntitlementDefinitionBody, { maxItems: 50 })),
    condition: Type.Optional(Nullable(PlanConditionBody)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdatePlanInput = Static<typeof UpdatePlanBody>;

const EntitlementDefinitionSchema = Type.Object({
  key: Type.String(),
  kind: Type.String(),
  description: Type.Optional(Type.String()),
  prefix: Type.Optional(Type.String()),
  percent: Type.Optional(Type.Integer()),
  months: Type.Optional(Type.Integer()),
  unit: Type.Optional(Type.String()),
  amount: Type.Optional(Type.Integer()),
});

export const PlanSchema = Type.Object(
  {
    id: Type.String({ examples: ['mpl_01JD0000000000000000000000'] }),
    status: Type.Union([Type.Literal('active'), Type.Literal('archived')]),
    version: Type.Integer({
      description: 'Raised by every change; memberships keep the version they joined',
    }),
    name: Type.String(),
    description: Nullable(Type.String()),
    fee: Type.Object({ amount: Type.String(), currency: Type.String(), minorUnits: Type.Integer() }),
    term: Type.Object({ months: Type.Optional(Type.Integer()), days: Type.Optional(Type.Integer()) }),
    renewal: Type.String(),
    joining: Type.String(),
    entitlements: Type.Array(EntitlementDefinitionSchema),
    condition: Nullable(
      Type.Object({
        kind: Type.String(),
        amount: Type.Optional(Type.String()),
        months: Type.Optional(Type.Integer()),
        ladderId: Type.Optional(Type.String()),
        tiers: Type.Optional(Type.Array(Type.String())),
      }),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'MembershipPlan', title: 'Membership plan' },
);

export const PlanParams = Type.Object({ planId: Ref('Membership plan id') });
export const MembershipParams = Type.Object({ membershipId: Ref('Membership id') });
export const EntitlementCheckParams = Type.Object({
  accountId: Ref('Account id or externalId'),
  entitlementKey: EntitlementKey,
});

const PlanStatusQuery = Type.Union([Type.Literal('active'), Type.Literal('archived')]);
export const ListPlansQuery = Type.Object(
  { status: Type.Optional(PlanStatusQuery), limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);

const MembershipStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('active'),
  Type.Literal('lapsed'),
  Type.Literal('cancelled'),
  Type.Literal('rejected'),
]);

export const ListMembershipsQuery = Type.Object(
  {
    account: Type.Optional(Ref('Account id or externalId')),
    plan: Type.Optional(Ref('Membership plan id')),
    status: Type.Optional(MembershipStatus),
    segment: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: "The member account's segment" }),
    ),
    country: Type.Optional(
      Type.String({
        pattern: '^[A-Z]{2}$',
        description: "The member account's country (ISO 3166-1 alpha-2)",
      }),
    ),
    tier: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 50,
        description: 'Members holding this tier (its code) now, on any ladder',
      }),
    ),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type ListMembershipsInput = Static<typeof ListMembershipsQuery>;

export const PageQuery = Type.Object(
  { limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);
export const StatusPageQuery = Type.Object(
  { status: Type.Optional(MembershipStatus), limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);

export const JoinBody = Type.Object(
  {
    account: Ref('Account id or externalId'),
    plan: Ref('Membership plan id'),
    via: Joining,
    reference: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'The joining evidence: the contract id or order id (required for those), or an application id',
      }),
    ),
    startsAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'When the first term starts (default now); not for approval',
      }),
    ),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type JoinInput = Static<typeof JoinBody>;

export const DecisionBody = Type.Object(
  { note: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) },
  { additionalProperties: false },
);

export const RunDueBody = Type.Object(
  { asOf: Type.Optional(Timestamp) },
  {
    additionalProperties: false,
    description: 'Renew or lapse memberships whose term ended by asOf (default now)',
  },
);

export const EntitlementSchema = Type.Object(
  {
    id: Type.String(),
    key: Type.String(),
    kind: Type.String(),
    accountId: Type.String(),
    membershipId: Type.String(),
    validFrom: Timestamp,
    validUntil: Timestamp,
    active: Type.Boolean({ description: 'Held now' }),
    code: Nullable(Type.String()),
    percent: Nullable(Type.Integer()),
    unit: Nullable(Type.String()),
    amount: Nullable(Type.Integer()),
    ledgerEntryId: Nullable(Type.String()),
    usesPerTerm: Nullable(Type.Integer({ description: 'Uses each term allows; null: not limited' })),
    used: Type.Integer({ description: "Uses recorded in the membership's current term" }),
  },
  { $id: 'Entitlement', title: 'Entitlement' },
);

export const TermSchema = Type.Object({
  term: Type.Integer(),
  kind: Type.String({ description: 'join or renewal' }),
  startsAt: Timestamp,
  endsAt: Timestamp,
  fee: Type.Object({ amount: Type.String(), currency: Type.String(), minorUnits: Type.Integer() }),
});

const membershipFields = {
  id: Type.String({ examples: ['mem_01JD0000000000000000000000'] }),
  planId: Type.String(),
  planVersion: Type.Integer(),
  accountId: Type.String(),
  status: MembershipStatus,
  via: Type.String(),
  reference: Nullable(Type.String()),
  renewal: Type.String(),
  startsAt: Nullable(Timestamp),
  endsAt: Nullable(Timestamp),
  term: Type.Integer({ description: 'The current term: 0 while pending, 1 after joining, +1 per renewal' }),
  note: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const MembershipSchema = Type.Object(membershipFields, { $id: 'Membership', title: 'Membership' });
export const MembershipDetailSchema = Type.Object({
  ...membershipFields,
  terms: Type.Array(TermSchema, {
    description: 'Every term with the fee charged for it: the renewal history',
  }),
  entitlements: Type.Array(Type.Ref('Entitlement')),
});

export const MembershipEventSchema = Type.Object({
  id: Type.String(),
  membershipId: Type.String(),
  type: Type.String(),
  occurredAt: Timestamp,
  actor: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Timestamp,
});

const EntitlementSourceSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('membership'),
    membershipId: Type.String(),
    planId: Type.String(),
    until: Nullable(Timestamp),
  }),
  Type.Object({
    kind: Type.Literal('tier'),
    ladderId: Type.String(),
    ladder: Type.String({ description: "The ladder's name" }),
    tier: Type.String({ description: "The tier's code; held while the account holds the tier" }),
    until: Type.Null(),
  }),
  Type.Object({ kind: Type.Literal('grant'), grantId: Type.String(), until: Nullable(Timestamp) }),
]);

export const EntitlementCheckSchema = Type.Object({
  granted: Type.Boolean(),
  key: Type.String(),
  until: Nullable(Timestamp),
  source: Nullable(EntitlementSourceSchema),
  sources: Type.Array(EntitlementSourceSchema, {
    description: 'Every source that grants it now: membership, tier perks, grant by hand (in that order)',
  }),
});

export const PlanPage = PageOf(Type.Ref('MembershipPlan'));
export const MembershipPage = PageOf(Type.Ref('Membership'));
export const EntitlementPage = PageOf(Type.Ref('Entitlement'));
export const EventPage = PageOf(MembershipEventSchema);
