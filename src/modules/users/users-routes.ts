// The console's sign-in, current user and sign-out (under /console, outside /v1: no API key).
import Type from 'typebox';
import { FidelisError } from '../../core/errors.ts';
import { responses } from '../../http/responses.ts';
import { operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { checkCsrf, sessionToken, setSessionCookie } from './users-plugin.ts';
import { ConsoleSessionSchema, ConsoleUserSchema, SignInBody } from './users-schemas.ts';
import { SESSION_HOURS, type UserService } from './users-service.ts';

const op = operations('console');
const cookieAuth = [{ consoleSession: [] }];

export const consoleSessionRoutes = routeModule({
  schemas: [ConsoleUserSchema, ConsoleSessionSchema],
  routes(app: Router, { users }: { users: UserService }): void {
    app.post(
      '/session',
      op(
        // Per client address, on top of the per-address limit on failures in the service.
        { scope: 'public', rateLimit: { max: 20, timeWindow: 60_000 } },
        'Sign in to the console: sets the HttpOnly session cookie',
        {
          description:
            'An unknown e-mail and a wrong password get the same answer (invalid_credentials). The answer carries the CSRF token that every state-changing request of the session must send as X-CSRF-Token.',
          security: [],
          body: SignInBody,
          response: responses({ 201: Type.Ref('ConsoleSession') }, [
            'invalid_credentials',
            'sign_in_rate_limited',
            'payload_too_large',
            'unsupported_media_type',
          ]),
        },
      ),
      async (request, reply) => {
        const signedIn = await users.signIn(request.body.email, request.body.password);
        setSessionCookie(request, reply, signedIn.token, SESSION_HOURS * 3600);
        return reply
          .code(201)
          .send({ user: signedIn.user, csrfToken: signedIn.csrfToken, expiresAt: signedIn.expiresAt });
      },
    );

    app.get(
      '/session',
      op('public', 'The signed-in console user and the CSRF token of the session', {
        security: cookieAuth,
        response: responses({ 200: Type.Ref('ConsoleSession') }, ['session_expired', 'rate_limited']),
      }),
      async (request, reply) => {
        const token = sessionToken(request);
        if (!token) throw new FidelisError('unauthenticated', 'Sign in to the console first');
        const session = await users.session(token);
        if (!session) {
          setSessionCookie(request, reply, undefined, 0);
          throw new FidelisError('session_expired');
        }
        return { user: session.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
      },
    );

    app.delete(
      '/session',
      op('public', 'Sign out: ends the session and clears its cookie', {
        security: cookieAuth,
        response: responses({ 204: Type.Null() }, [
          'csrf_token_invalid',
          'rate_limited',
          'payload_too_large',
          'unsupported_media_type',
        ]),
      }),
      async (request, reply) => {
        const token = sessionToken(request);
        if (token) {
          const session = await users.session(token);
          if (session) checkCsrf(request, session.csrfToken);
          await users.signOut(token);
        }
        setSessionCookie(request, reply, undefined, 0);
        return reply.code(204).send();
      },
    );
  },
});
