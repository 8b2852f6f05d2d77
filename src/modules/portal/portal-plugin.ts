// The member portal's cookie session: on every portal route that says `member: true`, the
// `fidelis_portal` cookie is resolved to its member, and a request that changes state must carry the
// session's CSRF header. The member (one contact of one program) is all a portal handler acts for.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FidelisError } from '../../core/errors.ts';
import { sameToken } from '../users/users-service.ts';
import type { Member, PortalService } from './portal-service.ts';

export const PORTAL_COOKIE = 'fidelis_portal';
const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A portal route for the signed-in member: needs the portal's session cookie. */
    member?: boolean;
  }
  interface FastifyRequest {
    member?: Member;
  }
}

/** The portal cookie's value, if the request carries a well-formed one. */
export function portalToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === PORTAL_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[\w-]{20,100}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** `Set-Cookie` for a member session (or, with no token, one that clears it): HttpOnly, SameSite=Lax, Secure over TLS. */
export function setPortalCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string | undefined,
  maxAgeSeconds: number,
): void {
  const parts = [
    `${PORTAL_COOKIE}=${token ?? ''}`,
    'Path=/portal',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${token ? maxAgeSeconds : 0}`,
  ];
  if (request.protocol === 'https') parts.push('Secure');
  reply.header('set-cookie', parts.join('; '));
}

/** The request's member (set by the hook below on `member` routes). */
export function member(request: FastifyRequest): Member {
  if (!request.member) throw new FidelisError('portal_session_expired');
  return request.member;
}

/** Resolves the portal cookie on member routes; refuses a missing or dead session, and a write without its CSRF header. */
export function portalMembers(app: FastifyInstance, portal: PortalService): void {
  app.addHook('onRequest', async (request) => {
    if (!request.routeOptions.config.member) return;
    const token = portalToken(request);
    const found = token ? await portal.member(token) : undefined;
    if (!found) throw new FidelisError('portal_session_expired');
    if (!SAFE_METHODS.has(request.method)) {
      const given = request.headers[CSRF_HEADER];
      if (typeof given !== 'string' || !sameToken(given, found.csrfToken))
        throw new FidelisError(
          'csrf_token_invalid',
          `A ${request.method} in the member portal needs the ${CSRF_HEADER} header of its session`,
        );
    }
    request.member = found;
  });
}
