// Idempotency-Key on writes: same key and body → the first response; other body → 422; in flight → 409.
// Every write route gets the header in its schema (so routes name none). A route declaring
// `config.idempotencyKey: 'required'` (a write that moves points or money) is refused without a key,
// and its OpenAPI operation shows the header as required.
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { FidelisError, fieldError } from '../../core/errors.ts';
import { PROBLEM_CONTENT_TYPE } from '../../http/problems.ts';
import { IdempotencyHeaders, RequiredIdempotencyHeaders } from '../../http/responses.ts';
import { fingerprint, type IdempotencyService } from './idempotency-service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { programId: string; key: string };
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

function keyOf(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !KEY_PATTERN.test(value)) {
    throw new FidelisError('validation_failed', 'Idempotency-Key must be 1 to 255 visible ASCII characters', {
      errors: [{ path: '/headers/idempotency-key', message: 'is not valid' }],
    });
  }
  return value;
}

/**
 * The Idempotency-Key header of a write (validated, and in the OpenAPI document): required on a route
 * that says so, optional on any other write of write or admin scope (a read-scoped POST, such as a
 * simulation, writes nothing).
 */
function keyHeader(route: RouteOptions): void {
  const required = route.config?.idempotencyKey === 'required';
  const write = [route.method].flat().some((m) => WRITE_METHODS.has(m)) && route.config?.scope !== 'read';
  if (!required && !write) return;
  route.schema ??= {};
  const schema = route.schema as { headers?: unknown };
  if (schema.headers !== undefined)
    throw new Error(
      `${route.method} ${route.url}: a write names no headers (it gets the Idempotency-Key here)`,
    );
  schema.headers = required ? RequiredIdempotencyHeaders : IdempotencyHeaders;
}

export function idempotentWrites(app: FastifyInstance, deps: { idempotency: IdempotencyService }): void {
  app.addHook('onRoute', keyHeader);

  // Before the schema validation, so a missing key is named as such (not as a missing header).
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.idempotencyKey !== 'required') return;
    if (request.headers['idempotency-key'] !== undefined) return;
    throw fieldError(
      'idempotency_key_required',
      'This write moves points or money: send an Idempotency-Key header so a retry never pays twice',
      { '/headers/idempotency-key': 'is required' },
    );
  });

  app.addHook('preHandler', async (request, reply) => {
    if (!WRITE_METHODS.has(request.method) || !request.principal) return;
    const key = keyOf(request);
    if (key === undefined) return;
    const { programId } = request.principal;
    const print = fingerprint(request.method, request.url, request.body);
    const claim = await deps.idempotency.claim(programId, key, print);
    if (claim.kind === 'replay') {
      reply.headers(claim.headers).header('idempotent-replayed', 'true').code(claim.statusCode);
      if (claim.statusCode >= 400) reply.type(PROBLEM_CONTENT_TYPE);
      return reply.send(claim.body);
    }
    request.idempotency = { programId, key };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = undefined;
    if (reply.statusCode >= 500) {
      await deps.idempotency.release(claim.programId, claim.key);
      return payload;
    }
    let body: unknown = null;
    if (typeof payload === 'string' && payload.length > 0) {
      try {
        body = JSON.parse(payload);
      } catch {
        body = payload;
      }
    }
    const location = reply.getHeader('location');
    const headers: Record<string, string> = typeof location === 'string' ? { location } : {};
    await deps.idempotency.complete(claim.programId, claim.key, reply.statusCode, body, headers);
    return payload;
  });
}
