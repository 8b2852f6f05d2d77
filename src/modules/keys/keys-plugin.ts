// Bearer API keys: each request under /v1 acts for exactly the one program its key belongs to.
import type { FastifyInstance } from 'fastify';
import { allows } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import '../../http/auth.ts';
import type { KeyService } from './keys-service.ts';

export function authenticateKeys(app: FastifyInstance, deps: { keys: KeyService }): void {
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (!header)
      throw new FidelisError('unauthenticated', 'Send the API key as "Authorization: Bearer <key>"');
    const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
    if (!match) throw new FidelisError('unauthenticated', 'The Authorization header must be "Bearer <key>"');
    const found = await deps.keys.authenticate(match[1]!);
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
