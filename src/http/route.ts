// A route's options in one call: `op(access, summary, schema)` gives Fastify the route's config (its
// scope and any other key: csv, idempotencyKey, fieldsIn), its body limit, and its schema with the
// module's tag. The schema's type is kept, so handlers still get typed params, query, body and headers.
import type { FastifyContextConfig, FastifyRequest, FastifySchema } from 'fastify';
import type { Scope } from '../core/access.ts';

/**
 * The scope a route needs, or its whole config (with the scope) and, if it differs, its body limit.
 * `public` names a route outside /v1 that takes no API key (the console's session): it has no scope.
 */
export type Access =
  | Scope
  | 'public'
  | (Omit<FastifyContextConfig, 'scope'> & { scope: Scope | 'public'; bodyLimit?: number });

/** Route options as Fastify takes them; `S` is what the TypeBox type provider reads the request types from. */
export interface Operation<S extends FastifySchema> {
  bodyLimit?: number;
  config: FastifyContextConfig;
  schema: S & { tags: string[]; summary: string };
}

/**
 * The route options factory of one tag: `const op = operations('accounts')`, then
 * `app.get('/accounts/:accountId', op('read', 'Read an account', { params, response }), handler)`.
 */
export function operations(tag: string) {
  return <S extends FastifySchema>(access: Access, summary: string, schema: S): Operation<S> => {
    const { bodyLimit, scope, ...rest } = typeof access === 'string' ? { scope: access } : access;
    const config: FastifyContextConfig = scope === 'public' ? rest : { ...rest, scope };
    const options: Operation<S> = { config, schema: { tags: [tag], summary, ...schema } };
    if (bodyLimit !== undefined) options.bodyLimit = bodyLimit;
    return options;
  };
}

/** A timestamp of a request as a date (none stays none). */
export const dateOf = (value: string | undefined): Date | undefined =>
  value === undefined ? undefined : new Date(value);

/** The instant a request names (an `asOf`), or now. */
export const asOfOrNow = (value: string | undefined): Date => dateOf(value) ?? new Date();

/**
 * The request's Idempotency-Key, on a route that requires one (`idempotencyKey: 'required'`), which
 * makes its write (a ledger movement, a redemption, a donation or payout) exactly-once.
 */
export function idempotencyKey(request: FastifyRequest): string {
  return String(request.headers['idempotency-key']);
}

/** The part of a reply a write's answer uses (method signatures, so any typed reply fits). */
export interface WriteReply<R> {
  code(status: number): {
    header(name: string, value: string): { send(payload: unknown): R };
    send(payload: unknown): R;
  };
}

/**
 * Answers a write that made something: 201, or 200 when it `replayed` an earlier one (the same
 * idempotent request again), with the `location` of what it made when it has one.
 */
export function created<R>(
  reply: WriteReply<R>,
  payload: unknown,
  { location, replayed = false }: { location?: string; replayed?: boolean } = {},
): R {
  const answer = reply.code(replayed ? 200 : 201);
  return location === undefined ? answer.send(payload) : answer.header('location', location).send(payload);
}
