// The console's sign-in, current user and sign-out (under /console, outside /v1: no API key), and
// the management of console users under /v1/users.
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { FidelisError } from '../../core/errors.ts';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { checkCsrf, sessionToken, setSessionCookie } from './users-plugin.ts';
import {
  ConsoleSessionSchema,
  ConsoleUserSchema,
  CreateUserBody,
  PasswordBody,
  SignInBody,
  UpdateUserBody,
  UserPage,
  UserParams,
  UsersQuery,
  UserWithPasswordSchema,
} from './users-schemas.ts';
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

const userOp = operations('users');

/** Console users managed over the API (admin scope: admins, owners, admin keys; decision 0030). */
export const userRoutes = routeModule({
  schemas: [],
  routes(app: Router, { users }: { users: UserService }): void {
    const manager = (request: FastifyRequest) => users.managerOf(principal(request), actor(request));
    const one = Type.Ref('ConsoleUser');
    const writeErrors = ['user_not_found', 'role_above_own', 'last_owner'] as const;

    app.get(
      '/users',
      userOp('admin', "The program's console users, by role and by whether they are disabled", {
        querystring: UsersQuery,
        response: responses({ 200: UserPage }, ['invalid_cursor']),
      }),
      async (request) => users.list(principal(request).programId, request.query),
    );

    app.post(
      '/users',
      userOp(
        'admin',
        'Create a console user; without a password one is generated and answered once (audited)',
        {
          description:
            'The role may not be above the role of whoever asks (role_above_own): an admin, or an admin key, makes users up to admin; an owner, or an operator key, any. An e-mail address signs in to one program (user_email_taken).',
          body: CreateUserBody,
          response: responses({ 201: UserWithPasswordSchema }, ['user_email_taken', 'role_above_own']),
        },
      ),
      async (request, reply) => {
        const made = await users.createAs(principal(request).programId, request.body, await manager(request));
        return created(reply, made, { location: `/v1/users/${made.user.id}` });
      },
    );

    app.get(
      '/users/:userId',
      userOp('admin', 'One console user', {
        params: UserParams,
        response: responses({ 200: one }, ['user_not_found']),
      }),
      async (request) => users.get(principal(request).programId, request.params.userId),
    );

    app.patch(
      '/users/:userId',
      userOp('admin', "Change a console user's role or name (audited)", {
        description:
          'Nobody grants a role above their own or changes a user above it (role_above_own); the last enabled owner cannot be demoted (last_owner). The new role counts from the user’s next request.',
        params: UserParams,
        body: UpdateUserBody,
        response: responses({ 200: one }, writeErrors),
      }),
      async (request) =>
        users.update(
          principal(request).programId,
          request.params.userId,
          request.body,
          await manager(request),
        ),
    );

    app.post(
      '/users/:userId/disable',
      userOp('admin', 'Disable a console user: their sessions end at once and sign-in is refused (audited)', {
        params: UserParams,
        response: responses({ 200: one }, writeErrors),
      }),
      async (request) =>
        users.setDisabled(principal(request).programId, request.params.userId, true, await manager(request)),
    );

    app.post(
      '/users/:userId/enable',
      userOp('admin', 'Enable a disabled console user again (audited)', {
        params: UserParams,
        response: responses({ 200: one }, writeErrors),
      }),
      async (request) =>
        users.setDisabled(principal(request).programId, request.params.userId, false, await manager(request)),
    );

    app.post(
      '/users/:userId/password',
      userOp('admin', "Reset a console user's password; their sessions end (audited, without the password)", {
        description: 'Without a password in the body one is generated and answered this once.',
        params: UserParams,
        body: PasswordBody,
        response: responses({ 200: UserWithPasswordSchema }, writeErrors),
      }),
      async (request) =>
        users.resetPassword(
          principal(request).programId,
          request.params.userId,
          request.body?.password,
          await manager(request),
        ),
    );
  },
});
