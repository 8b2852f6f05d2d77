// Webhook endpoints, messages and the delivery log over HTTP.
import Type from 'typebox';
import { Cursor, Limit, PageOf, Timestamp } from '../../http/schemas.ts';
import { MESSAGE_TYPES } from '../outbox/outbox-service.ts';

export const MessageTypeSchema = Type.String({
  minLength: 1,
  maxLength: 64,
  description: `A message type of the catalogue (docs/webhooks.md): ${MESSAGE_TYPES.join(', ')}`,
  examples: ['event.processed', 'redemption.approved'],
});

const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description:
    'Where messages are POSTed. https in production; never a private, loopback or link-local address unless the server allows the host (FIDELIS_WEBHOOK_ALLOWED_HOSTS)',
  examples: ['https://crm.example.com/hooks/fidelis'],
});
const EventTypes = Type.Array(MessageTypeSchema, {
  maxItems: 50,
  description: 'The message types it receives; empty or absent: every type',
});
const Description = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);

export const WebhookEndpointSchema = Type.Object(
  {
    id: Type.String({ examples: ['whe_01JD3Q9W0X4Y5Z6A7B8C9D0E1F'] }),
    url: Type.String(),
    description: Description,
    eventTypes: Type.Array(Type.String()),
    enabled: Type.Boolean(),
    disabledReason: Type.Union([Type.Literal('failing'), Type.Null()], {
      description: 'failing: disabled by Fidelis after every attempt of a message over three days failed',
    }),
    secretRotatingUntil: Type.Union([Timestamp, Type.Null()], {
      description: 'Until when the previous secret still signs, beside the current one',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'WebhookEndpoint' },
);

export const WebhookEndpointWithSecret = Type.Intersect([
  Type.Ref('WebhookEndpoint'),
  Type.Object({
    secret: Type.String({
      description: 'The signing secret (Standard Webhooks, whsec_…), shown only in this answer',
    }),
  }),
]);

export const CreateWebhookEndpointBody = Type.Object(
  {
    url: Url,
    eventTypes: Type.Optional(EventTypes),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);

export const UpdateWebhookEndpointBody = Type.Object(
  {
    url: Type.Optional(Url),
    eventTypes: Type.Optional(EventTypes),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean({ description: 'true also clears a disabledReason' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const RotateSecretBody = Type.Object(
  {
    overlapSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 7 * 86_400,
        default: 86_400,
        description: 'How long the previous secret keeps signing beside the new one (default a day)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ReplayBody = Type.Object(
  {
    messageId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    since: Type.Optional(Timestamp),
    until: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const EndpointParams = Type.Object({ endpointId: Type.String({ minLength: 1, maxLength: 64 }) });

export const PageQuery = Type.Object(
  { limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);

export const AttemptsQuery = Type.Object(
  {
    messageId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const MessagesQuery = Type.Object(
  { type: Type.Optional(MessageTypeSchema), limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);

export const WebhookAttemptSchema = Type.Object({
  id: Type.String(),
  deliveryId: Type.String(),
  messageId: Type.String({ description: 'The webhook-id header: the same on every attempt and replay' }),
  attempt: Type.Integer({ minimum: 1 }),
  at: Timestamp,
  status: Type.Union([Type.Integer(), Type.Null()], {
    description: 'HTTP status; null when no response came',
  }),
  succeeded: Type.Boolean(),
  latencyMs: Type.Integer({ minimum: 0 }),
  response: Type.String({ description: 'The first 1,000 characters of the response, or the error' }),
});

export const WebhookMessageSchema = Type.Object({
  id: Type.String({ examples: ['msg_01JD3Q9W0X4Y5Z6A7B8C9D0E1F'] }),
  type: Type.String(),
  payload: Type.Unknown(),
  createdAt: Timestamp,
});

export const MessageTypesSchema = Type.Object({
  data: Type.Array(Type.Object({ type: Type.String(), description: Type.String() })),
});

export const EndpointPage = PageOf(Type.Ref('WebhookEndpoint'));
export const AttemptPage = PageOf(WebhookAttemptSchema);
export const MessagePage = PageOf(WebhookMessageSchema);
