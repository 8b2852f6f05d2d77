// Console users and their sessions: created by the CLI (or the demo), signed in with e-mail and
// password, a session per sign-in (its token only hashed in the store), resolved to the principal
// the API authorizes — the same scopes an API key carries, from the user's role.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Actor, type Principal, roleOfScopes, scopesFor } from '../../core/access.ts';
import { FidelisError, fieldError } from '../../core/errors.ts';
import type { Page } from '../../core/pagination.ts';
import type { Database } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { AuditService } from '../audit/audit-service.ts';
import {
  type ConsoleUser,
  checkPassword,
  checkRole,
  generatePassword,
  getUser,
  listConsoleUsers,
  type Manager,
  mayGrant,
  resetPassword,
  roleOf,
  setUserDisabled,
  toUser,
  updateConsoleUser,
} from './users-manage.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from './users-passwords.ts';

export type { ConsoleUser } from './users-manage.ts';

import {
  deleteSessionsBefore,
  endSession,
  findLiveSession,
  findUserByEmail,
  insertSession,
  insertUser,
} from './users-store.ts';

/** How long a session lasts from sign-in. */
export const SESSION_HOURS = 12;
/** Failed sign-ins allowed per e-mail address in a window, per server instance. */
const FAILURES_ALLOWED = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;

export interface SignedIn {
  user: ConsoleUser;
  /** The cookie's value (shown only here). */
  token: string;
  /** The header token state-changing requests must carry (bound to the session). */
  csrfToken: string;
  expiresAt: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The CSRF token of a session: derived from its secret token, so it needs no storage of its own. */
export function csrfTokenOf(token: string): string {
  return createHash('sha256').update(`csrf:${token}`).digest('base64url');
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const normalEmail = (email: string) => email.trim().toLowerCase();

export function createUserService(database: Database, audit: AuditService) {
  const failures = new Map<string, { count: number; since: number }>();
  const deps = { database, audit };

  const service = {
    /** Creates a console user (audited as `user.create`; the password never leaves this call). */
    async create(
      programId: string,
      input: { email: string; password: string; role: string; name?: string },
      actor: Actor,
    ): Promise<ConsoleUser> {
      const email = normalEmail(input.email);
      if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254)
        throw fieldError('validation_failed', 'The e-mail address is not valid', { email: 'not an e-mail' });
      checkRole(input.role);
      checkPassword(input.password);
      if (await findUserByEmail(database.db, email))
        throw new FidelisError('user_email_taken', `A console user with e-mail ${email} exists already`);
      const passwordHash = await hashPassword(input.password);
      return database.transaction(async (tx) => {
        const user = toUser(
          await insertUser(tx, {
            programId,
            id: newId('usr'),
            email,
            name: input.name ?? null,
            role: input.role,
            passwordHash,
          }),
        );
        const { programId: _, ...after } = user;
        await audit.record(tx, programId, {
          actor,
          action: 'user.create',
          resourceType: 'user',
          resourceId: user.id,
          after,
        });
        return user;
      });
    },

    /**
     * Creates a user for an admin or owner (of the console or an admin key): a role up to the
     * manager's own; without a password one is generated and answered this once.
     */
    async createAs(
      programId: string,
      input: { email: string; role: string; name?: string; password?: string },
      by: Manager,
    ): Promise<{ user: ConsoleUser; password?: string }> {
      mayGrant(by, checkRole(input.role));
      const password = input.password ?? generatePassword();
      const user = await service.create(programId, { ...input, password }, by.actor);
      return input.password === undefined ? { user, password } : { user };
    },

    /** The role a request manages users with: its user's role, or (an API key) its scopes' (roleOfScopes). */
    async managerOf(principal: Principal, actor: Actor): Promise<Manager> {
      const role = principal.userId
        ? await roleOf(database.db, principal.programId, principal.userId)
        : roleOfScopes(principal.scopes);
      if (!role) throw new FidelisError('session_expired');
      return { actor, role };
    },

    list: (
      programId: string,
      query: { role?: string; disabled?: boolean; limit?: number; cursor?: string },
    ): Promise<Page<ConsoleUser>> => listConsoleUsers(deps, programId, query),
    get: (programId: string, id: string) => getUser(deps, programId, id),
    update: (programId: string, id: string, input: { role?: string; name?: string | null }, by: Manager) =>
      updateConsoleUser(deps, programId, id, input, by),
    setDisabled: (programId: string, id: string, disabled: boolean, by: Manager) =>
      setUserDisabled(deps, programId, id, disabled, by),
    resetPassword: (programId: string, id: string, password: string | undefined, by: Manager) =>
      resetPassword(deps, programId, id, password, by),

    /** Whether a console user has this e-mail address. */
    async exists(email: string): Promise<boolean> {
      return (await findUserByEmail(database.db, normalEmail(email))) !== undefined;
    },

    /** Whether this e-mail and password would sign in (no session is made, no failure counted). */
    async verify(email: string, password: string): Promise<boolean> {
      const user = await findUserByEmail(database.db, normalEmail(email));
      return !!user && !user.disabledAt && (await verifyPassword(password, user.passwordHash));
    },

    /**
     * Signs in: the same refusal (`invalid_credentials`) for an unknown e-mail and a wrong password,
     * after the same work (a hash is checked either way). Too many failures for one address answer
     * `sign_in_rate_limited` until the window passes.
     */
    async signIn(emailGiven: string, password: string, now = new Date()): Promise<SignedIn> {
      const email = normalEmail(emailGiven);
      const failed = failures.get(email);
      if (failed && now.getTime() - failed.since > FAILURE_WINDOW_MS) failures.delete(email);
      if ((failures.get(email)?.count ?? 0) >= FAILURES_ALLOWED)
        throw new FidelisError(
          'sign_in_rate_limited',
          'Too many failed sign-ins for this address; wait a while',
        );
      const user = await findUserByEmail(database.db, email);
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok || user.disabledAt) {
        // Bounded memory: a flood of addresses starts the count afresh rather than growing the map.
        if (failures.size >= 100_000) failures.clear();
        const entry = failures.get(email) ?? { count: 0, since: now.getTime() };
        entry.count += 1;
        failures.set(email, entry);
        throw new FidelisError('invalid_credentials');
      }
      failures.delete(email);
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
      await insertSession(database.db, {
        programId: user.programId,
        id: newId('csn'),
        userId: user.id,
        tokenHash: sha256(token),
        createdAt: now,
        expiresAt,
      });
      return { user: toUser(user), token, csrfToken: csrfTokenOf(token), expiresAt: expiresAt.toISOString() };
    },

    /** The user of a live session token, or undefined. */
    async session(token: string, now = new Date()) {
      const found = await findLiveSession(database.db, sha256(token), now);
      if (!found) return undefined;
      return {
        sessionId: found.session.id,
        user: toUser(found.user),
        expiresAt: found.session.expiresAt.toISOString(),
        csrfToken: csrfTokenOf(token),
      };
    },

    /** The principal a session acts as on one request (an approval decision: see scopesFor). */
    principalOf(user: ConsoleUser, decision: boolean): Principal {
      return {
        programId: user.programId,
        keyId: user.id,
        userId: user.id,
        scopes: scopesFor(user.role, decision),
      };
    },

    /** Forgets the program's sessions that expired or ended more than a day before `asOf` (the scheduler's upkeep). */
    pruneSessions(programId: string, asOf: Date): Promise<number> {
      return deleteSessionsBefore(database.db, programId, new Date(asOf.getTime() - 86_400_000));
    },

    /** Ends the session of this token (a no-op when it is unknown or ended). */
    async signOut(token: string, now = new Date()): Promise<void> {
      const found = await findLiveSession(database.db, sha256(token), now);
      if (found) await endSession(database.db, found.session.programId, found.session.id, now);
    },
  };
  return service;
}

export type UserService = ReturnType<typeof createUserService>;
