// Managing console users over the API (decision 0030): list, change role or name, disable and enable,
// reset a password. Only admins and owners reach these (the routes need the admin scope); nobody
// grants a role above their own or manages a user above it, and the program always keeps an enabled
// owner. Every write is audited in its own transaction; a disabled user's sessions end at once.
import { randomBytes } from 'node:crypto';
import { type Actor, isAbove, ROLES, type Role } from '../../core/access.ts';
import { FidelisError, fieldError } from '../../core/errors.ts';
import { fetchPage, type Page } from '../../core/pagination.ts';
import type { Database, Executor } from '../../db/client.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { hashPassword } from './users-passwords.ts';
import {
  endSessionsOf,
  findUser,
  listUsers,
  lockOwners,
  lockUser,
  type UserRow,
  updateUser,
} from './users-store.ts';

export interface ConsoleUser {
  id: string;
  programId: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: string;
  disabledAt: string | null;
}

export function toUser(row: UserRow): ConsoleUser {
  return {
    id: row.id,
    programId: row.programId,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    createdAt: row.createdAt.toISOString(),
    disabledAt: row.disabledAt?.toISOString() ?? null,
  };
}

/** Who manages: the actor recorded in the audit log and the role they act with. */
export interface Manager {
  actor: Actor;
  role: Role;
}

export interface ManageDeps {
  database: Database;
  audit: AuditService;
}

const PASSWORD_MIN = 10;

/** A password for a user who was given none: 24 characters of base64url (144 random bits). */
export const generatePassword = () => randomBytes(18).toString('base64url');

export function checkRole(role: string, field = 'role'): Role {
  if (!(ROLES as readonly string[]).includes(role))
    throw fieldError('validation_failed', `role must be one of ${ROLES.join(', ')}`, {
      [field]: `unknown role ${role}`,
    });
  return role as Role;
}

export function checkPassword(password: string, field = 'password'): void {
  if (password.length < PASSWORD_MIN || password.length > 200)
    throw fieldError('validation_failed', `The password needs ${PASSWORD_MIN} to 200 characters`, {
      [field]: 'too short or too long',
    });
}

/** Refuses a role above the manager's own. */
export function mayGrant(by: Manager, role: Role): void {
  if (isAbove(role, by.role))
    throw new FidelisError('role_above_own', `A user acting as ${by.role} cannot grant the role ${role}`);
}

function mayManage(by: Manager, user: UserRow): void {
  if (isAbove(user.role as Role, by.role))
    throw new FidelisError(
      'role_above_own',
      `A user acting as ${by.role} cannot manage ${user.id}, whose role is ${user.role}`,
    );
}

const audited = (user: ConsoleUser) => {
  const { programId: _, ...rest } = user;
  return rest;
};

export async function getUser({ database }: ManageDeps, programId: string, id: string): Promise<ConsoleUser> {
  const row = await findUser(database.db, programId, id);
  if (!row) throw new FidelisError('user_not_found', `No console user ${id}`);
  return toUser(row);
}

export function listConsoleUsers(
  { database }: ManageDeps,
  programId: string,
  query: { role?: string; disabled?: boolean; limit?: number; cursor?: string },
): Promise<Page<ConsoleUser>> {
  const filters = { role: query.role, disabled: query.disabled };
  return fetchPage(query, (after, limit) => listUsers(database.db, programId, filters, after, limit), toUser);
}

/**
 * One change of a user in a transaction: the program's enabled owners locked first (in id order, so
 * two changes never wait on each other crosswise), then the user; `change` gets both and answers the
 * patch and the audit action.
 */
async function change(
  { database, audit }: ManageDeps,
  programId: string,
  id: string,
  by: Manager,
  decide: (
    user: UserRow,
    owners: UserRow[],
  ) => { patch: Partial<UserRow>; action: string; endSessions?: boolean } | undefined,
  now = new Date(),
): Promise<ConsoleUser> {
  return database.transaction(async (tx) => {
    const owners = await lockOwners(tx, programId);
    const user = await lockUser(tx, programId, id);
    if (!user) throw new FidelisError('user_not_found', `No console user ${id}`);
    mayManage(by, user);
    const decided = decide(user, owners);
    if (!decided) return toUser(user);
    const updated = (await updateUser(tx, programId, id, decided.patch))!;
    if (decided.endSessions) await endSessionsOf(tx, programId, id, now);
    await audit.record(tx, programId, {
      actor: by.actor,
      action: decided.action,
      resourceType: 'user',
      resourceId: id,
      before: audited(toUser(user)),
      after: audited(toUser(updated)),
    });
    return toUser(updated);
  });
}

/** Whether taking this user away from the owners would leave the program none. */
function lastOwner(user: UserRow, owners: UserRow[]): boolean {
  return !user.disabledAt && user.role === 'owner' && owners.every((o) => o.id === user.id);
}

/** Changes a user's role and/or name (audited as `user.update`; `user_role_change` when the role moves). */
export function updateConsoleUser(
  deps: ManageDeps,
  programId: string,
  id: string,
  input: { role?: string; name?: string | null },
  by: Manager,
): Promise<ConsoleUser> {
  const role = input.role === undefined ? undefined : checkRole(input.role);
  if (role) mayGrant(by, role);
  return change(deps, programId, id, by, (user, owners) => {
    const patch: Partial<UserRow> = {};
    if (role !== undefined && role !== user.role) {
      if (lastOwner(user, owners))
        throw new FidelisError('last_owner', `${id} is the program's last enabled owner: make another first`);
      patch.role = role;
    }
    if (input.name !== undefined && input.name !== user.name) patch.name = input.name;
    if (Object.keys(patch).length === 0) return undefined;
    return { patch, action: patch.role ? 'user.role_change' : 'user.update' };
  });
}

/** Disables a user (their sessions end at once, sign-in is refused) or enables them again. */
export function setUserDisabled(
  deps: ManageDeps,
  programId: string,
  id: string,
  disabled: boolean,
  by: Manager,
  now = new Date(),
): Promise<ConsoleUser> {
  return change(
    deps,
    programId,
    id,
    by,
    (user, owners) => {
      if (disabled === !!user.disabledAt) return undefined;
      if (disabled && lastOwner(user, owners))
        throw new FidelisError(
          'last_owner',
          `${id} is the program's last enabled owner: it cannot be disabled`,
        );
      return disabled
        ? { patch: { disabledAt: now }, action: 'user.disable', endSessions: true }
        : { patch: { disabledAt: null }, action: 'user.enable' };
    },
    now,
  );
}

/**
 * Sets a new password (the one given, or a generated one answered once); the user's sessions end,
 * so whoever held the old password is signed out. Audited as `user.password_reset` (without it).
 */
export async function resetPassword(
  deps: ManageDeps,
  programId: string,
  id: string,
  given: string | undefined,
  by: Manager,
): Promise<{ user: ConsoleUser; password?: string }> {
  if (given !== undefined) checkPassword(given);
  const password = given ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const user = await change(deps, programId, id, by, () => ({
    patch: { passwordHash },
    action: 'user.password_reset',
    endSessions: true,
  }));
  return given === undefined ? { user, password } : { user };
}

/** The role a session's user has now (undefined when the user is gone). */
export async function roleOf(db: Executor, programId: string, userId: string): Promise<Role | undefined> {
  return (await findUser(db, programId, userId))?.role as Role | undefined;
}
