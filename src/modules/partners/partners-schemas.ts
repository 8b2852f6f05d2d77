// Partners request and response schemas: referral programs, codes, referrals, the funnel's query, sales
// claims (the funnel's answer is in partners-funnel-schemas.ts).
import Type, { type Static } from 'typebox';
import { CalendarDate, Cursor, Limit, Name, PageOf, Ref, Timestamp } from '../../http/schemas.ts';
import { EVENT_TYPE_NAME } from '../event-types/event-types-schemas.ts';
import { ReferrerFields } from './partners-referrer-schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Array>[0]>(t: T) => Type.Union([t, Type.Null()]);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const ReferralProgramCode = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,59}$',
  description: 'Stable key of the referral program (lower case letters, digits, _ and -)',
  examples: ['refer-a-business'],
});

const Days = (description: string, maximum = 3650) => Type.Integer({ minimum: 0, maximum, description });

const RewardSpec = Type.Object(
  {
    unit: Type.String({
      pattern: '^(points|[A-Z]{3})$',
      description: '"points" or an ISO 4217 currency (cash, in minor units)',
    }),
    amount: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Points, or minor units' }),
  },
  { additionalProperties: false },
);

const RewardTiers = Type.Array(
  Type.Object(
    {
      from: Type.Integer({
        minimum: 2,
        maximum: 1_000_000,
        description: "From the referrer's Nth converted referral of this referral program on",
      }),
      amount: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Points, or minor units' }),
    },
    { additionalProperties: false },
  ),
  {
    minItems: 1,
    maxItems: 20,
    description:
      "Tiered referrer reward (decision 0048): `amount` up to the first tier, then each tier's amount from its `from` on (ascending, no two alike). 1–4: 500, 5–9: 750, 10+: 1000 is amount 500 with tiers [{from: 5, amount: 750}, {from: 10, amount: 1000}]",
  },
);

const ReferrerRewardSpec = Type.Object(
  {
    unit: RewardSpec.properties.unit,
    amount: RewardSpec.properties.amount,
    tiers: Type.Optional(RewardTiers),
  },
  { additionalProperties: false },
);

const GuardAction = Type.Union([Type.Literal('off'), Type.Literal('flag'), Type.Literal('refuse')], {
  description:
    'off: ignore; flag: the referral waits in the review queue; refuse: the attribution is refused',
});

const Guards = Type.Object(
  {
    sameGroup: Type.Optional(GuardAction),
    sameEmailDomain: Type.Optional(GuardAction),
    velocity: Type.Optional(
      Nullable(
        Type.Object(
          {
            max: Type.Integer({ minimum: 1, maximum: 100_000 }),
            days: Type.Integer({ minimum: 1, maximum: 3650 }),
            action: GuardAction,
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

const ProgramFields = {
  name: Name,
  attributionDays: Type.Optional(
    Days('A referred account can be attributed up to this many days after it joined (default 30)'),
  ),
  conversion: Type.Object(
    {
      eventTypes: Type.Array(EVENT_TYPE_NAME, { minItems: 1, maxItems: 20 }),
      condition: Type.Optional(
        Nullable(Type.String({ minLength: 1, maxLength: 4000, description: 'A CEL condition, as in rules' })),
      ),
      windowDays: Type.Optional(Days('The qualifying event must happen within this many days (default 90)')),
    },
    { additionalProperties: false },
  ),
  rewards: Type.Object(
    {
      referrer: Type.Optional(Nullable(ReferrerRewardSpec)),
      referred: Type.Optional(Nullable(RewardSpec)),
      pendingDays: Type.Optional(
        Days('Rewards stay pending this many days before they are posted (default 0)'),
      ),
    },
    { additionalProperties: false },
  ),
  guards: Type.Optional(Guards),
  landingUrl: Type.Optional(
    Nullable(
      Type.String({
        maxLength: 2000,
        pattern: '^https://[^\\s{}]*\\{code\\}[^\\s{}]*$',
        description:
          'Where a referral link leads: an https address with {code} where the code goes (the member portal shows each code as this link)',
        examples: ['https://northwind.example/partners/join?ref={code}'],
      }),
    ),
  ),
};

export const CreateReferralProgramBody = Type.Object(
  { code: ReferralProgramCode, ...ProgramFields, active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type CreateReferralProgramInput = Static<typeof CreateReferralProgramBody>;

export const UpdateReferralProgramBody = Type.Object(
  { ...ProgramFields, active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type UpdateReferralProgramInput = Static<typeof UpdateReferralProgramBody>;

export const ReferralProgramSchema = Type.Object(
  {
    code: Type.String(),
    active: Type.Boolean(),
    name: Type.String(),
    attributionDays: Type.Integer(),
    conversion: Type.Object({
      eventTypes: Type.Array(Type.String()),
      condition: Nullable(Type.String()),
      windowDays: Type.Integer(),
    }),
    rewards: Type.Object({
      referrer: Nullable(
        Type.Object({
          unit: Type.String(),
          amount: Type.Integer(),
          tiers: Type.Optional(Type.Array(Type.Object({ from: Type.Integer(), amount: Type.Integer() }))),
        }),
      ),
      referred: Nullable(Type.Object({ unit: Type.String(), amount: Type.Integer() })),
      pendingDays: Type.Integer(),
    }),
    guards: Type.Object({
      sameGroup: Type.String(),
      sameEmailDomain: Type.String(),
      velocity: Nullable(Type.Object({ max: Type.Integer(), days: Type.Integer(), action: Type.String() })),
    }),
    landingUrl: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'ReferralProgram' },
);
export const ReferralProgramParams = Type.Object({ referralProgram: ReferralProgramCode });
export const ReferralProgramPage = PageOf(Type.Ref('ReferralProgram'));

export const PageQuery = Type.Object(
  { limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);

// Codes

const Campaign = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$',
  description: 'A campaign the code belongs to (free label, counted apart in the funnel)',
});
const CodeText = Type.String({
  minLength: 4,
  maxLength: 32,
  pattern: '^\\s*[A-Za-z0-9][A-Za-z0-9-]{3,31}\\s*$',
  description: 'Letters, digits and dashes; matched without regard to case (stored upper case)',
  examples: ['FJORD-2026'],
});

export const CreateCodeBody = Type.Object(
  {
    account: Ref('The referrer (id or externalId)'),
    referralProgram: ReferralProgramCode,
    code: Type.Optional(CodeText),
    campaign: Type.Optional(Campaign),
  },
  { additionalProperties: false },
);
export type CreateCodeInput = Static<typeof CreateCodeBody>;

export const UpdateCodeBody = Type.Object({ active: Type.Boolean() }, { additionalProperties: false });

export const CodeSchema = Type.Object(
  {
    code: Type.String(),
    referralProgram: Type.String(),
    accountId: Type.String(),
    campaign: Nullable(Type.String()),
    active: Type.Boolean(),
    createdAt: Timestamp,
    deactivatedAt: Nullable(Timestamp),
  },
  { $id: 'ReferralCode' },
);
export const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) });
export const CodesQuery = Type.Object(
  {
    account: Type.Optional(Ref('Only codes of this referrer (id or externalId)')),
    referralProgram: Type.Optional(ReferralProgramCode),
    campaign: Type.Optional(Campaign),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type CodesQueryInput = Static<typeof CodesQuery>;
export const CodePage = PageOf(Type.Ref('ReferralCode'));

// Referrals

export const AttributeBody = Type.Object(
  {
    code: Type.Optional(
      Type.String({ minLength: 1, maxLength: 40, description: 'The referrer’s code (or referredBy)' }),
    ),
    account: Ref('The referred account (id or externalId)'),
    ...ReferrerFields,
  },
  { additionalProperties: false },
);
export type AttributeInput = Static<typeof AttributeBody>;

const Finding = Type.Object({ guard: Type.String(), action: Type.String(), reason: Type.String() });

export const ReferralSchema = Type.Object(
  {
    id: Type.String(),
    referralProgram: Type.String(),
    code: Nullable(
      Type.String({ description: 'The code it came through; null when the referrer was named (referredBy)' }),
    ),
    campaign: Nullable(Type.String()),
    referrerAccountId: Type.String(),
    referrerContactId: Nullable(Type.String({ description: 'The contact at the referrer, when named' })),
    referredAccountId: Type.String(),
    status: Type.String({ description: 'pending, review, converted, rejected or expired' }),
    findings: Type.Array(Finding),
    via: Type.String(),
    sourceEventId: Nullable(Type.String()),
    attributedAt: Timestamp,
    convertBy: Timestamp,
    conversionEventId: Nullable(Type.String()),
    convertedAt: Nullable(Timestamp),
    referrerEntryId: Nullable(Type.String()),
    referredEntryId: Nullable(Type.String()),
    decidedBy: Nullable(Type.String()),
    decidedByName: Nullable(
      Type.String({ description: "The deciding console user's name (or e-mail); null for a key or a job" }),
    ),
    decidedAt: Nullable(Timestamp),
    decisionReason: Nullable(Type.String()),
    createdAt: Timestamp,
  },
  { $id: 'Referral' },
);
export const ReferralParams = Type.Object({ referralId: Type.String({ minLength: 1, maxLength: 40 }) });
export const ReferralsQuery = Type.Object(
  {
    referrer: Type.Optional(Ref('Only referrals of this referrer (id or externalId)')),
    status: Type.Optional(
      Type.Union([
        Type.Literal('pending'),
        Type.Literal('review'),
        Type.Literal('converted'),
        Type.Literal('rejected'),
      ]),
    ),
    referralProgram: Type.Optional(ReferralProgramCode),
    campaign: Type.Optional(Campaign),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type ReferralsQueryInput = Static<typeof ReferralsQuery>;
export const ReferralPage = PageOf(Type.Ref('Referral'));

export const DecisionBody = Type.Object(
  { reason: Type.Optional(Text(500)) },
  { additionalProperties: false },
);

export const FunnelQuery = Type.Object(
  { referralProgram: Type.Optional(ReferralProgramCode), campaign: Type.Optional(Campaign) },
  { additionalProperties: false },
);

// Sales claims

const Decimal = Type.String({ pattern: '^\\d{1,15}(\\.\\d{1,12})?$', description: 'A decimal amount' });

export const SubmitClaimBody = Type.Object(
  {
    account: Ref('The reseller account (id or externalId)'),
    contact: Type.Optional(Ref('The seller: a contact of the account (id)')),
    invoiceNumber: Type.String({ minLength: 1, maxLength: 64, pattern: '[A-Za-z0-9]' }),
    invoiceDate: CalendarDate,
    amount: Decimal,
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    customerName: Type.Optional(Text(200)),
    lines: Type.Array(
      Type.Object(
        {
          sku: Type.String({ minLength: 1, maxLength: 64 }),
          quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
          amount: Decimal,
          attributes: Type.Optional(
            Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 50 }),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 200 },
    ),
    documentUrl: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type SubmitClaimInput = Static<typeof SubmitClaimBody>;

export const ClaimSchema = Type.Object(
  {
    id: Type.String(),
    accountId: Type.String(),
    contactId: Nullable(Type.String()),
    invoiceNumber: Type.String(),
    invoiceDate: Type.String(),
    amount: Type.String(),
    currency: Type.String(),
    customerName: Nullable(Type.String()),
    lines: Type.Array(
      Type.Object({
        sku: Type.String(),
        quantity: Type.Integer(),
        amount: Type.String(),
        attributes: Type.Record(Type.String(), Type.Unknown()),
      }),
    ),
    documentUrl: Nullable(Type.String()),
    status: Type.String({ description: 'submitted, approved or rejected' }),
    submittedBy: Type.String({
      description:
        'Who submitted it, as the audit log names actors: a console user (usr_…), an API key (key_…)',
    }),
    submittedByName: Nullable(
      Type.String({ description: "The submitting console user's name (or e-mail); null for a key or a job" }),
    ),
    submittedAt: Timestamp,
    decidedBy: Nullable(Type.String()),
    decidedByName: Nullable(
      Type.String({ description: "The deciding console user's name (or e-mail); null for a key or a job" }),
    ),
    decidedAt: Nullable(Timestamp),
    decisionReason: Nullable(Type.String()),
    eventId: Nullable(Type.String()),
    awarded: Nullable(Type.Record(Type.String(), Type.Integer())),
  },
  { $id: 'SalesClaim' },
);
export const ClaimParams = Type.Object({ claimId: Type.String({ minLength: 1, maxLength: 40 }) });
export const ClaimsQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('submitted'), Type.Literal('approved'), Type.Literal('rejected')]),
    ),
    account: Type.Optional(Ref('Only claims of this account (id or externalId)')),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type ClaimsQueryInput = Static<typeof ClaimsQuery>;
export const ClaimPage = PageOf(Type.Ref('SalesClaim'));
