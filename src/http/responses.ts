// Response schema helpers: every route documents its success shape and its problem documents.
import Type from 'typebox';
import type { ErrorCode } from '../core/errors.ts';
import { ERROR_CATALOG } from '../core/errors.ts';

type Schema = Parameters<typeof Type.Array>[0];

/** The response map of a route: its success schema(s) plus the problem statuses it can answer. */
export function responses(success: Record<number, Schema>, codes: ErrorCode[] = []): Record<number, unknown> {
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

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Makes the write safe to retry: a replay answers the first response',
    }),
  ),
});
