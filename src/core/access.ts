// Who may do what: the scopes an API key (or a console user's role) carries, the principal a
// request acts as, and the actor a write is recorded as. Pure: the keys module stores keys, http/
// reads the principal off a request, services name the actor in what they record.

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** admin ⊇ write ⊇ read: a key holding a higher scope may do what the lower ones may. */
const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

export function allows(granted: readonly Scope[], needed: Scope): boolean {
  return granted.some((s) => RANK[s] >= RANK[needed]);
}

/** The program and key a request acts for. */
export interface Principal {
  programId: string;
  keyId: string;
  scopes: Scope[];
}

/**
 * Who does a write, as the audit log (and every other record of who acted) names it: an API key,
 * the `fidelis` command line, or a job of the server (the scheduler's due runs, the start-up).
 */
export type Actor = { kind: 'key'; keyId: string } | { kind: 'cli' } | { kind: 'system'; job: string };

/** The `fidelis` command line. */
export const CLI: Actor = { kind: 'cli' };

/** The actor of a request: its API key. */
export function actorOf(principal: Principal): Actor {
  return { kind: 'key', keyId: principal.keyId };
}

/** A job of the server (`scheduler`, `start`, …). */
export function systemActor(job: string): Actor {
  return { kind: 'system', job };
}

/**
 * How records name an actor: the key's id (`key_…`, as records always named keys), `cli`, or
 * `job:<job>`. Key ids start with `key_`, so the three forms never collide.
 */
export function actorName(actor: Actor): string {
  switch (actor.kind) {
    case 'key':
      return actor.keyId;
    case 'cli':
      return 'cli';
    case 'system':
      return `job:${actor.job}`;
  }
}
