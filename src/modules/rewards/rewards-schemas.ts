import Type, { type Static } from 'typebox';
import { Country, Cursor, Limit, Name, Ref, Timestamp } from '../../http/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Array>[0]>(t: T) => Type.Union([t, Type.Null()]);
const Unit = Type.String({
  pattern: '^(points|[A-Z]{3})$',
  description: '"points", or the ISO 4217 currency of a cash wallet',
  examples: ['points', 'EUR'],
});
const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code', examples: ['EUR'] });
const Amount = Type.Integer({
  minimum: 1,
  maximum: 1_000_000_000_000,
  description: 'Whole points, or minor units of the currency (cents)',
});
const Role = Type.Enum(['owner', 'admin', 'buyer', 'approver', 'viewer'], { description: 'A contact role' });
const Text = (max: number, description?: string) =>
  Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const Tag = Type.String({ minLength: 1, maxLength: 64 });
const ContactRef = Type.String({ minLength: 1, maxLength: 64, description: 'A contact id (con_…)' });

export const RewardTypeSchema = Type.Enum(
  [
    'discount_code',
    'egift_card',
    'prepaid_card',
    'experience',
    'session',
    'service_credit',
    'merchandise',
    'donation',
    'cash_payout',
    'custom',
  ],
  {
    description:
      'discount_code, egift_card, prepaid_card (virtual), experience (events, tours), session (training, consultation), service_credit (free months), merchandise, donation, cash_payout, custom',
  },
);

const Translations = Type.Record(
  Type.String({ minLength: 2, maxLength: 35, pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$' }),
  Type.Object(
    { name: Type.Optional(Name), description: Type.Optional(Text(4000)) },
    { additionalProperties: false },
  ),
  {
    maxProperties: 50,
    description: 'Name and description per BCP 47 language tag, e.g. {"nl": {"name": "…"}}',
  },
);

const Price = Type.Object(
  { amount: Amount, unit: Unit },
  {
    additionalProperties: false,
    description: 'What the reward costs: points, or minor units of a cash wallet',
  },
);
const FaceValue = Type.Object(
  { amount: Amount, currency: CurrencyCode },
  {
    additionalProperties: false,
    description: 'What the reward is worth to the member (e.g. a EUR 25 gift card)',
  },
);

const Stock = Type.Union(
  [
    Type.Object({ kind: Type.Literal('unlimited') }, { additionalProperties: false }),
    Type.Object(
      { kind: Type.Literal('counted'), quantity: Type.Integer({ minimum: 0, maximum: 100_000_000 }) },
      { additionalProperties: false },
    ),
    Type.Object({ kind: Type.Literal('codes') }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('sessions') }, { additionalProperties: false }),
  ],
  {
    description:
      'unlimited; counted (a number of units); codes (a pool of single-use codes, imported by API or CSV); sessions (dates with a capacity each, for experiences and sessions)',
  },
);

const Eligibility = Type.Object(
  {
    tiers: Type.Optional(Type.Array(Tag, { maxItems: 50, description: 'Any of these tiers' })),
    segments: Type.Optional(Type.Array(Tag, { maxItems: 100, description: 'Any of these account segments' })),
    countries: Type.Optional(Type.Array(Country, { maxItems: 250, description: 'Any of these countries' })),
    roles: Type.Optional(
      Type.Array(Role, { maxItems: 5, description: 'Only contacts with one of these roles can redeem' }),
    ),
    memberships: Type.Optional(Type.Array(Tag, { maxItems: 50, description: 'Any of these memberships' })),
  },
  { additionalProperties: false, description: 'Who may redeem; every given rule must hold' },
);

const Period = Type.Enum(['day', 'week', 'month', 'year', 'lifetime'], {
  description: 'A rolling window ending now (day = 24 h, week = 7 days, month = 30 days, year = 365 days)',
});
const Limit_ = Type.Object(
  { count: Type.Integer({ minimum: 1, maximum: 1_000_000 }), period: Period },
  { additionalProperties: false },
);
const Limits = Type.Object(
  { perAccount: Type.Optional(Limit_), perContact: Type.Optional(Limit_) },
  {
    additionalProperties: false,
    description:
      'How often an account, or a contact, may redeem this reward (rejected, cancelled and failed ones do not count)',
  },
);

const Fulfilment = Type.Enum(['code_pool', 'webhook', 'manual'], {
  description:
    'code_pool: a code of the pool is handed out on approval; webhook: the operator’s system fulfils it (it reads the redemption events) and reports back; manual: the operator ships it and records tracking',
});

export const CreateRewardBody = Type.Object(
  {
    type: RewardTypeSchema,
    name: Name,
    description: Type.Optional(Text(4000)),
    translations: Type.Optional(Translations),
    imageUrl: Type.Optional(Type.String({ format: 'uri', maxLength: 2000 })),
    price: Price,
    faceValue: Type.Optional(FaceValue),
    stock: Stock,
    lowStockThreshold: Type.Optional(
      Type.Integer({ minimum: 0, description: 'stock.low turns true at or below this many units/codes' }),
    ),
    availableFrom: Type.Optional(Timestamp),
    availableUntil: Type.Optional(Timestamp),
    eligibility: Type.Optional(Eligibility),
    limits: Type.Optional(Limits),
    fulfilment: Type.Optional(
      Type.Union([Fulfilment], { description: 'Default: code_pool for code stock, else manual' }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateRewardBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Nullable(Text(4000))),
    translations: Type.Optional(Translations),
    imageUrl: Type.Optional(Nullable(Type.String({ format: 'uri', maxLength: 2000 }))),
    price: Type.Optional(Price),
    faceValue: Type.Optional(Nullable(FaceValue)),
    stockQuantity: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100_000_000,
        description: 'Counted stock only: units left from now on',
      }),
    ),
    lowStockThreshold: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    availableFrom: Type.Optional(Nullable(Timestamp)),
    availableUntil: Type.Optional(Nullable(Timestamp)),
    eligibility: Type.Optional(Eligibility),
    limits: Type.Optional(Limits),
    status: Type.Optional(
      Type.Union([Type.Literal('active'), Type.Literal('archived')], {
        description: 'archived: withdrawn from the catalog (redemptions in progress go on)',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

const SessionSchema = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  startsAt: Timestamp,
  endsAt: Nullable(Timestamp),
  capacity: Type.Integer(),
  remaining: Type.Integer(),
});

export const RewardSchema = Type.Object(
  {
    id: Type.String({ examples: ['rwd_01JD0000000000000000000000'] }),
    type: Type.String(),
    name: Type.String({ description: 'In the requested locale when a translation exists' }),
    description: Nullable(Type.String()),
    translations: Type.Unknown(),
    imageUrl: Nullable(Type.String()),
    price: Type.Object({
      amount: Type.Integer(),
      unit: Type.String(),
      value: Type.Object(
        { currency: Type.String(), minorUnits: Type.Integer() },
        {
          description:
            "What the price is worth in money: points at the program's cost per point (settings.ledger.costPerPoint) in its base currency; a cash price as it is",
        },
      ),
    }),
    faceValue: Nullable(Type.Object({ amount: Type.Integer(), currency: Type.String() })),
    stock: Type.Object({
      kind: Type.String(),
      available: Nullable(
        Type.Integer({ description: 'Units, unused codes or places left; null: unlimited' }),
      ),
      low: Type.Boolean({ description: 'At or below lowStockThreshold' }),
    }),
    lowStockThreshold: Nullable(Type.Integer()),
    sessions: Type.Optional(Type.Array(SessionSchema)),
    availableFrom: Nullable(Timestamp),
    availableUntil: Nullable(Timestamp),
    eligibility: Type.Unknown(),
    limits: Type.Unknown(),
    fulfilment: Type.String(),
    status: Type.String(),
    redeemable: Type.Optional(
      Type.Object(
        {
          ok: Type.Boolean({ description: 'The account (and contact) can redeem it now' }),
          eligible: Type.Boolean(),
          affordable: Type.Boolean(),
          inStock: Type.Boolean(),
          shortBy: Nullable(Type.Integer({ description: 'Units the wallet lacks' })),
          reasons: Type.Array(Type.String(), {
            description: 'Why not, for people: "needs Platinum", "380 points short", "out of stock"',
          }),
        },
        { description: 'Only when the list was asked for an account' },
      ),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Reward', title: 'Reward' },
);

export const RewardParams = Type.Object({ rewardId: Ref('Reward id') });

export const ListRewardsQuery = Type.Object(
  {
    account: Type.Optional(Ref('Account id or externalId: resolve eligibility and affordability for it')),
    contact: Type.Optional(ContactRef),
    locale: Type.Optional(
      Type.String({
        maxLength: 35,
        pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$',
        description: 'BCP 47 tag: names and descriptions in this language where translated',
        examples: ['nl-NL'],
      }),
    ),
    type: Type.Optional(RewardTypeSchema),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('archived')])),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const CodesBody = Type.Object(
  {
    codes: Type.Array(Type.String({ minLength: 1, maxLength: 500, pattern: '^\\S(.*\\S)?$' }), {
      minItems: 1,
      maxItems: 100_000,
    }),
  },
  { additionalProperties: false },
);

export const CodesImportSchema = Type.Object({
  imported: Type.Integer(),
  available: Type.Integer({ description: 'Unused codes of the reward after the import' }),
  low: Type.Boolean(),
});

export const CreateSessionBody = Type.Object(
  {
    name: Type.Optional(Text(200)),
    startsAt: Timestamp,
    endsAt: Type.Optional(Timestamp),
    capacity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);
export { SessionSchema };

export const RequestRedemptionBody = Type.Object(
  {
    reward: Ref('Reward id'),
    account: Ref('Account id or externalId'),
    contactId: Type.Optional(
      Type.Union([ContactRef], { description: 'The person redeeming (for role eligibility and approval)' }),
    ),
    sessionId: Type.Optional(Ref('Session of an experience or session reward')),
    note: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);

export const DecisionBody = Type.Object(
  {
    contactId: Type.Optional(
      Type.Union([ContactRef], {
        description: 'The approving contact (of the same account); omit for the operator’s staff (admin key)',
      }),
    ),
    note: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);

export const CancelBody = Type.Object(
  { reason: Type.Optional(Text(1000)), contactId: Type.Optional(ContactRef) },
  { additionalProperties: false },
);

export const FulfilBody = Type.Object(
  {
    delivery: Type.Optional(
      Type.Union([Type.Literal('shipped'), Type.Literal('delivered')], { description: 'Default delivered' }),
    ),
    carrier: Type.Optional(Text(100)),
    trackingNumber: Type.Optional(Text(200)),
    trackingUrl: Type.Optional(Type.String({ format: 'uri', maxLength: 2000 })),
    note: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);

export const FailBody = Type.Object({ reason: Text(1000) }, { additionalProperties: false });

export const RedemptionParams = Type.Object({ redemptionId: Ref('Redemption id') });

export const RedemptionSchema = Type.Object(
  {
    id: Type.String({ examples: ['red_01JD0000000000000000000000'] }),
    rewardId: Type.String(),
    accountId: Type.String(),
    contactId: Nullable(Type.String()),
    sessionId: Nullable(Type.String()),
    status: Type.String({
      description: 'pending_approval → approved → fulfilled; or rejected, cancelled, failed',
    }),
    price: Type.Object({ amount: Type.Integer(), unit: Type.String() }),
    approvals: Type.Object({
      required: Type.Integer(),
      decisions: Type.Array(
        Type.Object({
          approver: Type.String({ description: 'A contact id, or key:<id> for the operator’s staff' }),
          decision: Type.String(),
          note: Nullable(Type.String()),
          at: Timestamp,
        }),
      ),
    }),
    code: Nullable(Type.String({ description: 'The code handed out (code-pool rewards, once fulfilled)' })),
    delivery: Nullable(Type.String()),
    tracking: Nullable(Type.Unknown()),
    note: Nullable(Type.String()),
    reason: Nullable(Type.String({ description: 'Why it was rejected, cancelled or failed' })),
    holdEntryId: Type.String(),
    settleEntryId: Nullable(
      Type.String({ description: 'The ledger entry that captured or released the hold' }),
    ),
    refundEntryId: Nullable(Type.String({ description: 'The ledger entry that refunded a captured hold' })),
    events: Type.Optional(
      Type.Array(
        Type.Object({
          id: Type.String(),
          type: Type.String(),
          status: Type.String(),
          actor: Type.String(),
          data: Type.Unknown(),
          at: Timestamp,
        }),
      ),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Redemption', title: 'Redemption' },
);

export const ListRedemptionsQuery = Type.Object(
  {
    account: Type.Optional(Ref('Account id or externalId')),
    reward: Type.Optional(Ref('Reward id')),
    contactId: Type.Optional(ContactRef),
    status: Type.Optional(
      Type.Enum(['pending_approval', 'approved', 'fulfilled', 'rejected', 'cancelled', 'failed']),
    ),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const EventFeedQuery = Type.Object(
  {
    type: Type.Optional(
      Type.String({ pattern: '^redemption\\.[a-z_]+$', maxLength: 64, examples: ['redemption.approved'] }),
    ),
    redemptionId: Type.Optional(Ref('Redemption id')),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export const RedemptionEventSchema = Type.Object({
  id: Type.String({ description: 'Sortable: the feed is ordered by it' }),
  redemptionId: Type.String(),
  type: Type.String({
    description:
      'redemption.requested, .approval_given, .approved, .fulfilled, .delivered, .rejected, .cancelled, .failed',
  }),
  status: Type.String({ description: "The redemption's status after the event" }),
  actor: Type.String({ description: 'The API key id that acted' }),
  data: Type.Unknown(),
  at: Timestamp,
});

export const CreateCharityBody = Type.Object(
  { name: Name, description: Type.Optional(Text(4000)), url: Type.Optional(Type.String({ format: 'uri' })) },
  { additionalProperties: false },
);
export const UpdateCharityBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Nullable(Text(4000))),
    url: Type.Optional(Nullable(Type.String({ format: 'uri' }))),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('archived')])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const CharityParams = Type.Object({ charityId: Ref('Charity id') });
export const CharitySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    url: Nullable(Type.String()),
    status: Type.String(),
    createdAt: Timestamp,
  },
  { $id: 'Charity', title: 'Charity' },
);

export const DonationBody = Type.Object(
  {
    account: Ref('Account id or externalId'),
    charityId: Ref('Charity id'),
    unit: Unit,
    amount: Type.Optional(Type.Union([Amount], { description: 'Omit to donate everything available' })),
    contactId: Type.Optional(ContactRef),
  },
  { additionalProperties: false },
);
export const DonationSchema = Type.Object({
  id: Type.String(),
  charityId: Type.String(),
  accountId: Type.String(),
  contactId: Nullable(Type.String()),
  unit: Type.String(),
  amount: Type.Integer(),
  entryId: Type.String({ description: 'The ledger entry (type donate)' }),
  createdAt: Timestamp,
});

export const PayoutBody = Type.Object(
  {
    account: Ref('Account id or externalId'),
    currency: CurrencyCode,
    amount: Type.Optional(
      Type.Union([Amount], { description: 'Minor units; omit to pay out everything available' }),
    ),
    method: Type.Enum(['bank_transfer', 'paypal', 'check', 'credit_note', 'other'], {
      description: 'How the operator pays it (the money moves outside Fidelis)',
    }),
    reference: Type.Optional(Text(200, 'e.g. the IBAN or the payment reference')),
    contactId: Type.Optional(ContactRef),
  },
  { additionalProperties: false },
);
export const PayoutSchema = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  contactId: Nullable(Type.String()),
  unit: Type.String(),
  amount: Type.Integer(),
  method: Type.String(),
  reference: Nullable(Type.String()),
  entryId: Type.String({ description: 'The ledger entry (type payout)' }),
  createdAt: Timestamp,
});
export const CashListQuery = Type.Object(
  {
    account: Type.Optional(Ref('Account id or externalId')),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export type CreateRewardInput = Static<typeof CreateRewardBody>;
export type UpdateRewardInput = Static<typeof UpdateRewardBody>;
export type ListRewardsInput = Static<typeof ListRewardsQuery>;
export type CreateSessionInput = Static<typeof CreateSessionBody>;
export type RequestRedemptionInput = Static<typeof RequestRedemptionBody>;
export type DecisionInput = Static<typeof DecisionBody>;
export type CancelInput = Static<typeof CancelBody>;
export type FulfilInput = Static<typeof FulfilBody>;
export type ListRedemptionsInput = Static<typeof ListRedemptionsQuery>;
export type CreateCharityInput = Static<typeof CreateCharityBody>;
export type UpdateCharityInput = Static<typeof UpdateCharityBody>;
export type DonationInput = Static<typeof DonationBody>;
export type PayoutInput = Static<typeof PayoutBody>;

export const RedemptionDueBody = Type.Object({}, { additionalProperties: false });
