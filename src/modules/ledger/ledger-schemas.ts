import Type, { type Static } from 'typebox';
import { Amount, Cursor, Limit, Ref, Timestamp } from '../../http/schemas.ts';

const Unit = Type.String({
  pattern: '^(points|[A-Z]{3})$',
  description: '"points", or an ISO 4217 currency code for a cash wallet',
  examples: ['points', 'EUR'],
});
const ReasonCode = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[a-z0-9][a-z0-9_.:-]*$',
  examples: ['purchase', 'goodwill'],
});
const Explanation = Type.String({
  minLength: 1,
  maxLength: 500,
  description: 'What the member reads in the history',
});
const ContactId = Type.String({ minLength: 1, maxLength: 64 });
const NullableTime = Type.Union([Timestamp, Type.Null()]);

export const CreditBody = Type.Object(
  {
    account: Ref('Account id or externalId'),
    unit: Type.Optional(Unit),
    amount: Amount,
    reasonCode: ReasonCode,
    explanation: Explanation,
    contactId: Type.Optional(ContactId),
    pending: Type.Optional(
      Type.Boolean({ description: 'Pending until posted or voided (or until pendingUntil)' }),
    ),
    pendingUntil: Type.Optional(Timestamp),
    expiresAt: Type.Optional(
      Type.Union([Timestamp, Type.Null()], {
        description: "Overrides the program's expiry policy; null never expires",
      }),
    ),
    effectiveAt: Type.Optional(Timestamp),
    sourceId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Your reference (order, invoice, …)' }),
    ),
  },
  { additionalProperties: false },
);

export const DebitBody = Type.Object(
  {
    account: Ref('Account id or externalId'),
    unit: Type.Optional(Unit),
    amount: Amount,
    type: Type.Optional(Type.Union([Type.Literal('redeem'), Type.Literal('donate'), Type.Literal('payout')])),
    reasonCode: ReasonCode,
    explanation: Explanation,
    contactId: Type.Optional(ContactId),
    hold: Type.Optional(Type.Boolean({ description: 'Reserve only; post or void it later' })),
    holdUntil: Type.Optional(Timestamp),
    sourceId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const AdjustmentBody = Type.Object(
  {
    account: Ref('Account id or externalId'),
    unit: Type.Optional(Unit),
    amount: Type.Integer({
      minimum: -1_000_000_000_000,
      maximum: 1_000_000_000_000,
      not: { const: 0 },
      description: 'Positive credits, negative debits',
    }),
    reasonCode: ReasonCode,
    explanation: Explanation,
  },
  { additionalProperties: false },
);

export const TransferBody = Type.Object(
  {
    from: Ref('Account id or externalId'),
    to: Ref('Account id or externalId'),
    unit: Type.Optional(Unit),
    amount: Amount,
    reasonCode: ReasonCode,
    explanation: Explanation,
    contactId: Type.Optional(ContactId),
  },
  { additionalProperties: false },
);

export const ReverseBody = Type.Object(
  {
    amount: Type.Optional(Amount),
    reasonCode: ReasonCode,
    explanation: Explanation,
  },
  { additionalProperties: false },
);

export const ResolveBody = Type.Object(
  { explanation: Type.Optional(Explanation) },
  { additionalProperties: false },
);

export const RunDueBody = Type.Object(
  { asOf: Type.Optional(Timestamp) },
  {
    additionalProperties: false,
    description: 'Expire lots and resolve pending credits and holds due by asOf (default now)',
  },
);

export const EntryParams = Type.Object({ entryId: Ref('Ledger entry id') });
export const WalletParams = Type.Object({ accountId: Ref('Account id or externalId'), unit: Unit });

export const EntrySchema = Type.Object(
  {
    id: Type.String(),
    type: Type.String({ description: 'earn, redeem, expire, adjust, reverse, transfer, donate, payout' }),
    phase: Type.String({
      description: 'posted, pending (credit waiting), hold (debit reserved), post or void (resolving one)',
    }),
    walletId: Type.String(),
    counterWalletId: Type.Union([Type.String(), Type.Null()]),
    accountId: Type.String(),
    contactId: Type.Union([Type.String(), Type.Null()]),
    unit: Type.String(),
    amount: Type.Integer(),
    writtenOff: Type.Integer(),
    reasonCode: Type.String(),
    explanation: Type.String(),
    source: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
    relatedEntryId: Type.Union([Type.String(), Type.Null()]),
    resolveBy: NullableTime,
    expiresAt: NullableTime,
    idempotencyKey: Type.String(),
    actor: Type.Union([Type.String(), Type.Null()]),
    effectiveAt: Timestamp,
    createdAt: Timestamp,
  },
  { $id: 'LedgerEntry', title: 'LedgerEntry' },
);

export const EntryDetailSchema = Type.Object({
  entry: Type.Ref('LedgerEntry'),
  postings: Type.Array(Type.Object({ walletId: Type.String(), unit: Type.String(), amount: Type.Integer() })),
  lots: Type.Array(Type.Object({ lotId: Type.String(), amount: Type.Integer() }), {
    description: 'Lots this entry consumed (positive) or gave back (negative)',
  }),
  related: Type.Array(Type.Ref('LedgerEntry'), {
    description: 'Entries that reverse, post or void this one',
  }),
});

export const WalletSchema = Type.Object(
  {
    walletId: Type.String(),
    ownerAccountId: Type.String({
      description: 'The account whose wallet this is (the top group when wallets are pooled)',
    }),
    unit: Type.String(),
    available: Type.Integer({ description: 'Spendable now: posted balance minus holds' }),
    net: Type.Integer({ description: 'Posted balance minus clawback debt' }),
    pending: Type.Integer(),
    held: Type.Integer(),
    debt: Type.Integer(),
    expiring: Type.Object({ in30Days: Type.Integer(), in60Days: Type.Integer(), in90Days: Type.Integer() }),
    lifetime: Type.Object({ earned: Type.Integer(), redeemed: Type.Integer(), expired: Type.Integer() }),
  },
  { $id: 'Wallet', title: 'Wallet' },
);

export const HistoryLineSchema = Type.Object({
  entryId: Type.String(),
  type: Type.String(),
  phase: Type.String(),
  amount: Type.Integer({
    description: "Effect on this wallet's posted balance (0 for pending credits and holds)",
  }),
  requested: Type.Integer({ description: 'The amount of the entry' }),
  balanceAfter: Type.Integer(),
  unit: Type.String(),
  reasonCode: Type.String(),
  explanation: Type.String(),
  source: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  accountId: Type.String(),
  contactId: Type.Union([Type.String(), Type.Null()]),
  relatedEntryId: Type.Union([Type.String(), Type.Null()]),
  pendingUntil: NullableTime,
  expiresAt: NullableTime,
  writtenOff: Type.Integer(),
  effectiveAt: Timestamp,
  createdAt: Timestamp,
});

export const HistoryQuery = Type.Object(
  {
    type: Type.Optional(
      Type.String({ pattern: '^(earn|redeem|expire|adjust|reverse|transfer|donate|payout)$' }),
    ),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    contactId: Type.Optional(ContactId),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const AsOfQuery = Type.Object({ asOf: Type.Optional(Timestamp) }, { additionalProperties: false });

export const LiabilitySchema = Type.Object({
  asOf: Timestamp,
  baseCurrency: Type.String(),
  costPerPoint: Type.String(),
  units: Type.Array(
    Type.Object({
      unit: Type.String(),
      outstanding: Type.Integer({ description: 'Posted units held by members (net of clawback debt)' }),
      pending: Type.Integer(),
      held: Type.Integer(),
      wallets: Type.Integer(),
      value: Type.Object({ currency: Type.String(), minorUnits: Type.Integer() }),
      expiringByMonth: Type.Array(Type.Object({ month: Type.String(), amount: Type.Integer() }), {
        description:
          'What will expire in each of the next 12 months (the last month it can be used, in the program time zone), by the current lots',
      }),
    }),
  ),
});

export const ActivityQuery = Type.Object(
  {
    days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 366, default: 30, description: 'Days to list, today included' }),
    ),
    asOf: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const PointsActivitySchema = Type.Object({
  asOf: Timestamp,
  timeZone: Type.String({ description: "The program's time zone, which decides the days" }),
  unit: Type.Literal('points'),
  days: Type.Array(
    Type.Object({
      day: Type.String({ examples: ['2026-12-06'] }),
      issued: Type.Integer({ description: 'Points earned by members that day (earn credits posted)' }),
      redeemed: Type.Integer({ description: 'Points redeemed by members that day (redeem debits posted)' }),
    }),
    { description: 'Oldest first; every day listed' },
  ),
});

const ItemKey = Type.String({
  minLength: 1,
  maxLength: 255,
  description: "This item's idempotency key (one per movement)",
});

export const BatchBody = Type.Object(
  {
    items: Type.Array(
      Type.Union([
        Type.Object(
          { op: Type.Literal('credit'), key: ItemKey, ...CreditBody.properties },
          {
            additionalProperties: false,
            required: ['op', 'key', 'account', 'amount', 'reasonCode', 'explanation'],
          },
        ),
        Type.Object(
          { op: Type.Literal('debit'), key: ItemKey, ...DebitBody.properties },
          {
            additionalProperties: false,
            required: ['op', 'key', 'account', 'amount', 'reasonCode', 'explanation'],
          },
        ),
      ]),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);

export const BatchResultSchema = Type.Object({
  results: Type.Array(
    Type.Object({
      ok: Type.Boolean(),
      replayed: Type.Optional(Type.Boolean()),
      entry: Type.Optional(Type.Ref('LedgerEntry')),
      code: Type.Optional(Type.String()),
      detail: Type.Optional(Type.String()),
    }),
    { description: 'One result per item, in order' },
  ),
});

export type BatchInputBody = Static<typeof BatchBody>;
export type CreditInputBody = Static<typeof CreditBody>;
export type DebitInputBody = Static<typeof DebitBody>;
export type AdjustmentInputBody = Static<typeof AdjustmentBody>;
export type TransferInputBody = Static<typeof TransferBody>;
export type ReverseInputBody = Static<typeof ReverseBody>;
export type HistoryInput = Static<typeof HistoryQuery>;
