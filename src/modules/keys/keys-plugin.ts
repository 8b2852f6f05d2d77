// Bearer API keys: each request under /v1 acts for exactly the one program its key belongs to.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { allows, type Principal } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import '../../http/auth.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { KeyService } from './keys-service.ts';
import { KEYS_DEFAULTS, keysSettings } from './keys-settings.ts';

/** A console session's principal when the request carries one and no Authorization header (wired in app/). */
export type SessionPrincipal = (request: FastifyRequest) => Promise<Principal | undefined>;

export function authenticateKeys(
  app: FastifyInstance,
  deps: { keys: KeyService; programs?: ProgramService; sessionPrincipal?: SessionPrincipal },
): void {
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const session = !header && deps.sessionPrincipal ? await deps.sessionPrincipal(request) : undefined;
    if (!header && !session)
      throw new FidelisError('unauthenticated', 'Send the API key as "Authorization: Bearer <key>"');
    const match = header ? /^Bearer\s+(\S{1,512})\s*$/i.exec(header) : null;
    if (!session && !match)
      throw new FidelisError('unauthenticated', 'The Authorization header must be "Bearer <key>"');
    const found = session ?? (await deps.keys.authenticate(match![1]!));
    if (!found) throw new FidelisError('invalid_api_key');
    // An archived program's keys and sessions act no more (decision 0024); the program row is cached
    // per instance, so this costs no query while it is fresh.
    if (deps.programs && (await deps.programs.get(found.programId)).archivedAt)
      throw new FidelisError('program_archived', `Program ${found.programId} is archived`);
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

/** How long a program's request limit is kept before it is read again. */
const LIMIT_TTL_MS = 10_000;

/**
 * Per-key request limits (`settings.keys.requestsPerMinute`, per server instance): past the limit a
 * request answers 429 `rate_limited` with `Retry-After`; every answer carries `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset`. Runs after authentication, so it counts per key.
 */
export async function limitRequests(app: FastifyInstance, deps: { programs: ProgramService }): Promise<void> {
  const limits = new Map<string, { max: number; at: number }>();
  const maxFor = async (programId: string): Promise<number> => {
    const cached = limits.get(programId);
    if (cached && Date.now() - cached.at < LIMIT_TTL_MS) return cached.max;
    const max = keysSettings((await deps.programs.get(programId)).settings).requestsPerMinute;
    limits.set(programId, { max, at: Date.now() });
    return max;
  };
  await app.register(rateLimit, {
    timeWindow: 60_000,
    enableDraftSpec: true,
    keyGenerator: (request) => request.principal?.keyId ?? request.ip,
    max: async (request) =>
      request.principal ? maxFor(request.principal.programId) : KEYS_DEFAULTS.requestsPerMinute,
    errorResponseBuilder: (_request, context) =>
      new FidelisError(
        'rate_limited',
        `This API key may make ${context.max} requests per minute; retry in ${context.after}`,
      ),
  });
}
