// Request and response schemas of redemptions: the request, the decisions and fulfilment steps, the
// redemption itself and its event feed.
import Type, { type Static } from 'typebox';
import { REDEMPTION_STATUSES } from '../../core/rewards/redemption-status.ts';
import { Cursor, Limit, Ref, Timestamp } from '../../http/schemas.ts';
import { ContactRef, Nullable, Text } from './rewards-schemas.ts';

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
    holdEntryId: Nullable(
      Type.String({ description: 'The ledger hold of the price (none for a reward issued free)' }),
    ),
    issuedFor: Nullable(
      Type.String({
        description: 'Issued free (price 0) for this challenge completion or automation firing key',
      }),
    ),
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
    status: Type.Optional(Type.Enum([...REDEMPTION_STATUSES])),
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

export const RedemptionDueBody = Type.Object({}, { additionalProperties: false });

export type RequestRedemptionInput = Static<typeof RequestRedemptionBody>;
export type DecisionInput = Static<typeof DecisionBody>;
export type CancelInput = Static<typeof CancelBody>;
export type FulfilInput = Static<typeof FulfilBody>;
export type ListRedemptionsInput = Static<typeof ListRedemptionsQuery>;
export type EventFeedInput = Static<typeof EventFeedQuery>;
