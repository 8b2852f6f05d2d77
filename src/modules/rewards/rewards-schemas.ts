// Request and response schemas of the rewards catalog (rewards, codes, sessions), and the schema
// pieces the module's other schemas share (units, amounts, texts, contact references).
import Type, { type Static } from 'typebox';
import { RFM_SEGMENTS } from '../../core/insight/rfm.ts';
import { Amount, Country, Currency, Cursor, Limit, Name, Ref, Timestamp } from '../../http/schemas.ts';
import { FULFILMENT_METHODS, REWARD_TYPES } from './rewards-tables.ts';

export const Nullable = <T extends Parameters<typeof Type.Array>[0]>(t: T) => Type.Union([t, Type.Null()]);
export const Unit = Type.String({
  pattern: '^(points|[A-Z]{3})$',
  description: '"points", or the ISO 4217 currency of a cash wallet',
  examples: ['points', 'EUR'],
});
const Role = Type.Enum(['owner', 'admin', 'buyer', 'approver', 'viewer'], { description: 'A contact role' });
export const Text = (max: number, description?: string) =>
  Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const Tag = Type.String({ minLength: 1, maxLength: 64 });
export const ContactRef = Type.String({ minLength: 1, maxLength: 64, description: 'A contact id (con_…)' });

export const RewardTypeSchema = Type.Enum([...REWARD_TYPES], {
  description:
    'discount_code, egift_card, prepaid_card (virtual), experience (events, tours), session (training, consultation), service_credit (free months), merchandise, donation, cash_payout (a points-to-cash conversion: priced in points, its faceValue credited to the cash wallet of that currency when approved, then fulfilled), custom',
});

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
  {
    amount: Type.Integer({
      minimum: 0,
      maximum: 1_000_000_000_000,
      description:
        'Whole points, or minor units of the currency (cents); 0 is a free perk (a members-only workshop seat): no points are held or spent, but stock, eligibility and limits apply',
    }),
    unit: Unit,
  },
  {
    additionalProperties: false,
    description: 'What the reward costs: points, or minor units of a cash wallet',
  },
);
const FaceValue = Type.Object(
  { amount: Amount, currency: Currency },
  {
    additionalProperties: false,
    description:
      'What the reward is worth to the member (e.g. a EUR 25 gift card); for a cash_payout, the cash credited per redemption (required)',
  },
);

const CurrencyValueSchema = Type.Object(
  {
    currency: Currency,
    price: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000_000_000,
        description:
          "What the price is worth in this currency, in its minor units, shown to members who use it (instead of the price's value converted at the program's rates)",
      }),
    ),
    faceValue: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000_000_000,
        description:
          'The face value in this currency, in its minor units (a USD 11 card beside the EUR 10 one)',
      }),
    ),
  },
  { additionalProperties: false },
);
const CurrencyValues = Type.Array(CurrencyValueSchema, {
  maxItems: 30,
  description:
    "The reward's values stated in other currencies (decision 0057): a member browsing in one of them sees these; in any other currency the values are converted at the program's exchange rates (GET /v1/fx-rates), and the reward says so",
});

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
    rfmSegments: Type.Optional(
      Type.Array(Type.Enum([...RFM_SEGMENTS]), {
        maxItems: RFM_SEGMENTS.length,
        uniqueItems: true,
        description:
          "Any of these RFM segments (the account's scores as of the program's last refresh; an account never scored has none)",
      }),
    ),
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

const Fulfilment = Type.Enum([...FULFILMENT_METHODS], {
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
    currencyValues: Type.Optional(CurrencyValues),
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
    currencyValues: Type.Optional(CurrencyValues),
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

export const SessionSchema = Type.Object({
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
    currencyValues: CurrencyValues,
    inCurrency: Type.Optional(
      Type.Object(
        {
          currency: Type.String(),
          price: Nullable(
            Type.Object({
              minorUnits: Type.Integer(),
              source: Type.Union([Type.Literal('stated'), Type.Literal('converted')]),
            }),
          ),
          faceValue: Nullable(
            Type.Object({
              amount: Type.Integer(),
              source: Type.Union([Type.Literal('stated'), Type.Literal('converted')]),
            }),
          ),
          note: Nullable(
            Type.String({
              description: 'The rates used for what was converted, and what could not be shown',
            }),
          ),
        },
        {
          description:
            "The reward in the asked currency (?currency=), or the browsing account's preferred currency: stated values first, else converted at the rates in force; a value no rate allows is null",
        },
      ),
    ),
    stock: Type.Object({
      kind: Type.String(),
      available: Nullable(
        Type.Integer({ description: 'Units, unused codes or places left; null: unlimited' }),
      ),
      low: Type.Boolean({ description: 'At or below lowStockThreshold' }),
      codes: Type.Optional(
        Type.Object(
          {
            available: Type.Integer({ description: 'Unused codes (stock.available)' }),
            reserved: Type.Integer({ description: 'Held by a redemption not yet fulfilled' }),
            issued: Type.Integer({ description: 'Given to members: used' }),
          },
          {
            description:
              "A code pool's codes by state: on the read of one code-pool reward (GET /v1/rewards/{rewardId}), not in lists",
          },
        ),
      ),
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
    currency: Type.Optional(
      Type.Union([Currency], {
        description:
          "Show each reward's price and face value in this currency too (inCurrency); default: the account's preferred currency when an account is given",
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

export type CreateRewardInput = Static<typeof CreateRewardBody>;
export type UpdateRewardInput = Static<typeof UpdateRewardBody>;
export type ListRewardsInput = Static<typeof ListRewardsQuery>;
export type CreateSessionInput = Static<typeof CreateSessionBody>;
