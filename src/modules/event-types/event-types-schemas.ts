// Event types: the built-in ones and each program's own, with a JSON schema for their attributes.
import Type from 'typebox';

export const BUILT_IN_EVENT_TYPES = [
  'purchase',
  'invoice.paid',
  'return',
  'contract.signed',
  'contract.renewed',
  'subscription.paid',
  'survey.completed',
  'training.completed',
  'newsletter.subscribed',
  'referral.converted',
  'booking.made',
  'recycling.returned',
  'review.submitted',
  'event.attended',
  'sales.claim_approved',
] as const;

export const EVENT_TYPE_NAME = Type.String({
  pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*){0,3}$',
  maxLength: 64,
  description: 'A built-in type (purchase, invoice.paid, return, …) or one the program registered',
  examples: ['purchase'],
});

export const EventTypeSchema = Type.Object(
  {
    type: Type.String(),
    builtIn: Type.Boolean(),
    description: Type.Union([Type.String(), Type.Null()]),
    attributesSchema: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  },
  { $id: 'EventType', title: 'Event type' },
);

export const EventTypeBody = Type.Object(
  {
    type: EVENT_TYPE_NAME,
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    attributesSchema: Type.Record(Type.String(), Type.Unknown(), {
      description: 'JSON schema (draft 7 / 2019-09 keywords) the attributes of events of this type must fit',
    }),
  },
  { additionalProperties: false },
);
