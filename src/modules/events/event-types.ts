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
] as const;

export const EVENT_TYPE_NAME = Type.String({
  pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*){0,3}$',
  maxLength: 64,
  description: 'A built-in type (purchase, invoice.paid, return, …) or one the program registered',
  examples: ['purchase'],
});
