// How webhook endpoints, attempts and messages look over the API.
import type { MessageRow } from '../outbox/outbox-service.ts';
import type { AttemptRow, EndpointRow } from './webhooks-store.ts';

export function toEndpointView(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    secretRotatingUntil:
      row.previousSecretUntil && row.previousSecretUntil > new Date()
        ? row.previousSecretUntil.toISOString()
        : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toAttemptView(row: AttemptRow) {
  return {
    id: row.id,
    deliveryId: row.deliveryId,
    messageId: row.messageId,
    attempt: row.attempt,
    at: row.at.toISOString(),
    status: row.status,
    succeeded: row.succeeded,
    latencyMs: row.latencyMs,
    response: row.response,
  };
}

export function toMessageView(row: MessageRow) {
  return { id: row.id, type: row.type, payload: row.payload, createdAt: row.createdAt.toISOString() };
}
