// Who may do what: the scopes an API key (or a console user's role) carries, and the principal a
// request acts as. Pure: the keys module stores keys, http/ reads the principal off a request.

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
