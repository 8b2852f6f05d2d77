// Response schema helpers: every route documents its success shape and its problem documents.
import Type from 'typebox';
import type { ErrorCode } from '../core/errors.ts';
import { ERROR_CATALOG } from '../core/errors.ts';

type Schema = Parameters<typeof Type.Array>[0];

/**
 * The response map of a route: its success schema(s) plus the problem statuses of its own error codes.
 * The statuses every route of its kind can answer (rate limits; on writes idempotency, body size and
 * media type) are added by `documentRoute` in openapi.ts, so a route does not list them.
 */
export function responses(
  success: Record<number, Schema>,
  codes: readonly ErrorCode[] = [],
): Record<number, unknown> {
  const map: Record<number, unknown> = { ...success };
  const always: ErrorCode[] = [
    'validation_failed',
    'unauthenticated',
    'insufficient_scope',
    'internal_error',
  ];
  for (const code of [...always, ...codes]) {
    const status = ERROR_CATALOG[code].status;
    map[status] ??= {
      description: `Problem document (application/problem+json)`,
      content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
    };
  }
  return map;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `'required'` on a write that moves points or money: the idempotency plugin refuses it without
     * an Idempotency-Key (400 idempotency_key_required) and documents the header as required (the
     * route then names no `headers` schema of its own).
     */
    idempotencyKey?: 'required';
  }
}

/** The headers of a write that moves points or money (set by the idempotency plugin, see above). */
export const RequiredIdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    description:
      'Required, because this write moves points or money: a retry with the same key and body answers the first response, so it never pays twice',
  }),
});

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Makes the write safe to retry: a replay answers the first response',
    }),
  ),
});
