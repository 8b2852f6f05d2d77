// The console's session cookie: read on every /v1 request that has no Authorization header, resolved
// to the user's principal, and — for a request that changes state — checked against its CSRF header.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import type { UserService } from './users-service.ts';
import { sameToken } from './users-service.ts';

export const SESSION_COOKIE = 'fidelis_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The routes whose step is an approval decision: a role that decides approvals takes it as the
 * operator's staff (core/access.ts scopesFor).
 */
const DECISION_ROUTE = /^\/v1\/(redemptions|referrals|claims)\/:[^/]+\/(approve|reject)$/;

/** The session cookie's value, if the request carries one. */
export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[\w-]{20,100}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** `Set-Cookie` for a new session (or, with no token, one that clears it): HttpOnly, SameSite=Lax, Secure over TLS. */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string | undefined,
  maxAgeSeconds: number,
): void {
  const parts = [
    `${SESSION_COOKIE}=${token ?? ''}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${token ? maxAgeSeconds : 0}`,
  ];
  if (request.protocol === 'https') parts.push('Secure');
  reply.header('set-cookie', parts.join('; '));
}

/** Refuses a state-changing request whose CSRF header does not match the session's token. */
export function checkCsrf(request: FastifyRequest, csrfToken: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const given = request.headers[CSRF_HEADER];
  if (typeof given !== 'string' || !sameToken(given, csrfToken))
    throw new FidelisError(
      'csrf_token_invalid',
      `A ${request.method} with the console's session cookie needs the ${CSRF_HEADER} header the sign-in returned`,
    );
}

/** The principal of the request's console session; a cookie that names no live session is refused. */
export function sessionPrincipal(users: UserService) {
  return async (request: FastifyRequest): Promise<Principal | undefined> => {
    const token = sessionToken(request);
    if (!token) return undefined;
    const session = await users.session(token);
    if (!session) throw new FidelisError('session_expired');
    checkCsrf(request, session.csrfToken);
    return users.principalOf(session.user, DECISION_ROUTE.test(request.routeOptions.url ?? ''));
  };
}
