// The principal of a request under /v1: set by the keys module's authentication hook, read by routes.
import type { FastifyRequest } from 'fastify';
import { type Actor, actorOf, type Principal, type Scope } from '../core/access.ts';
import { FidelisError } from '../core/errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs; every /v1 route names one. */
    scope?: Scope;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new FidelisError('unauthenticated');
  return request.principal;
}

/** Who the request's writes are recorded as: its API key. */
export function actor(request: FastifyRequest): Actor {
  return actorOf(principal(request));
}
