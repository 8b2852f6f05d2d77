// Idempotency-Key on writes: same key and body → the first response; other body → 422; in flight → 409.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FidelisError } from '../../core/errors.ts';
import { PROBLEM_CONTENT_TYPE } from '../../http/problems.ts';
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

export function idempotentWrites(app: FastifyInstance, deps: { idempotency: IdempotencyService }): void {
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
