// Bearer API keys: each request under /v1 acts for exactly the one program its key belongs to.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../compose.ts';
import { FidelisError } from '../core/errors.ts';
import { allows, type Principal, type Scope } from '../modules/keys/keys-service.ts';

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

export function registerAuth(app: FastifyInstance, services: Services): void {
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (!header)
      throw new FidelisError('unauthenticated', 'Send the API key as "Authorization: Bearer <key>"');
    const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
    if (!match) throw new FidelisError('unauthenticated', 'The Authorization header must be "Bearer <key>"');
    const found = await services.keys.authenticate(match[1]!);
    if (!found) throw new FidelisError('invalid_api_key');
    const needed = request.routeOptions.config.scope ?? 'admin';
    if (!allows(found.scopes, needed)) {
      throw new FidelisError(
        'insufficient_scope',
        `This needs the ${needed} scope; the key has ${found.scopes.join(', ')}`,
      );
    }
    request.principal = found;
  });
}
