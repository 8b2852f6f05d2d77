// Who may do what: the scopes an API key (or a console user's role) carries, the principal a
// request acts as, and the actor a write is recorded as. Pure: the keys module stores keys, http/
// reads the principal off a request, services name the actor in what they record.

export const SCOPES = ['read', 'write', 'admin', 'operator'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * The scopes a program's own keys may carry: `operator` is above them (it creates, lists and archives
 * programs and mints their keys), so it is never minted over the API — only by the CLI or
 * FIDELIS_OPERATOR_KEY (decision 0024).
 */
export const PROGRAM_SCOPES = ['read', 'write', 'admin'] as const satisfies readonly Scope[];

/**
 * operator ⊇ admin ⊇ write ⊇ read: a key holding a higher scope may do what the lower ones may (an
 * operator key also administers the program it belongs to, its home program).
 */
const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3, operator: 4 };

export function allows(granted: readonly Scope[], needed: Scope): boolean {
  return granted.some((s) => RANK[s] >= RANK[needed]);
}

/** The program and key a request acts for. */
export interface Principal {
  programId: string;
  /** The API key; for a console session, the user's id (`usr_…`), so journals name the user. */
  keyId: string;
  scopes: Scope[];
  /** Set when a console user acts (through a session cookie) rather than an API key. */
  userId?: string;
}

/**
 * The roles of console users, each a set of API scopes: a viewer reads; an approver reads and
 * decides approvals (approve or reject a waiting redemption as the operator's staff); a manager
 * writes and decides approvals; an admin may do all an admin key may; an owner too (and, as the
 * console grows, manages users).
 */
export const ROLES = ['viewer', 'approver', 'manager', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_SCOPES: Record<Role, Scope[]> = {
  viewer: ['read'],
  approver: ['read'],
  manager: ['write'],
  admin: ['admin'],
  owner: ['admin'],
};

/** The roles in order: a user may grant (and manage users of) a role up to their own, never above. */
const ROLE_RANK: Record<Role, number> = { viewer: 1, approver: 2, manager: 3, admin: 4, owner: 5 };

/** Whether `role` is above `own` (an admin may not make an owner; an owner may make anyone). */
export function isAbove(role: Role, own: Role): boolean {
  return ROLE_RANK[role] > ROLE_RANK[own];
}

/**
 * The role an API key acts with when it manages console users: an operator key as an owner, an
 * admin key as an admin, any other as a viewer (it cannot reach those routes anyway).
 */
export function roleOfScopes(scopes: readonly Scope[]): Role {
  if (scopes.includes('operator')) return 'owner';
  return allows(scopes, 'admin') ? 'admin' : allows(scopes, 'write') ? 'manager' : 'viewer';
}

/** The roles that decide approvals (as the operator's staff, which the API grants an admin key). */
export const DECIDING_ROLES: readonly Role[] = ['approver', 'manager', 'admin', 'owner'];

/**
 * The scopes a user of `role` acts with on one request: the role's own, except that an approval
 * decision (`decision` true) is taken with the admin scope by the roles that decide approvals —
 * the API lets an admin key decide as operator staff, and the role only lends it for that step.
 */
export function scopesFor(role: Role, decision: boolean): Scope[] {
  return decision && DECIDING_ROLES.includes(role) ? ['admin'] : ROLE_SCOPES[role];
}

/**
 * Who does a write, as the audit log (and every other record of who acted) names it: an API key,
 * the `fidelis` command line, or a job of the server (the scheduler's due runs, the start-up).
 */
export type Actor =
  | { kind: 'key'; keyId: string }
  | { kind: 'user'; userId: string }
  /** A member acting for themself in the member portal (its cookie session). */
  | { kind: 'contact'; contactId: string }
  | { kind: 'cli' }
  | { kind: 'system'; job: string };

/** The `fidelis` command line. */
export const CLI: Actor = { kind: 'cli' };

/** The actor of a request: its API key, or the console user of its session. */
export function actorOf(principal: Principal): Actor {
  return principal.userId
    ? { kind: 'user', userId: principal.userId }
    : { kind: 'key', keyId: principal.keyId };
}

/** A job of the server (`scheduler`, `start`, …). */
export function systemActor(job: string): Actor {
  return { kind: 'system', job };
}

/**
 * How records name an actor: the key's id (`key_…`, as records always named keys), the console
 * user's id (`usr_…`), a member in the portal (`con_…`), `cli`, or `job:<job>`. The prefixes differ, so the forms never collide.
 */
export function actorName(actor: Actor): string {
  switch (actor.kind) {
    case 'key':
      return actor.keyId;
    case 'user':
      return actor.userId;
    case 'contact':
      return actor.contactId;
    case 'cli':
      return 'cli';
    case 'system':
      return `job:${actor.job}`;
  }
}
