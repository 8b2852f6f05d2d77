import { describe, expect, it } from 'vitest';
import {
  actorName,
  actorOf,
  allows,
  isAbove,
  ROLES,
  roleOfScopes,
  SCOPES,
  type Scope,
  scopesFor,
} from './access.ts';

describe('allows', () => {
  it('lets a higher scope do what a lower one may: operator ⊇ admin ⊇ write ⊇ read', () => {
    const table = SCOPES.map((granted) => SCOPES.filter((needed) => allows([granted], needed)));
    expect(table).toEqual([
      ['read'],
      ['read', 'write'],
      ['read', 'write', 'admin'],
      ['read', 'write', 'admin', 'operator'],
    ]);
  });

  it('needs one granted scope that is enough, and allows nothing without scopes', () => {
    expect(allows(['read', 'admin'], 'write')).toBe(true);
    expect(allows(['read', 'read'], 'write')).toBe(false);
    expect(allows([] as Scope[], 'read')).toBe(false);
  });
});

describe('console roles', () => {
  it('map onto the API scopes; only the deciding roles decide approvals, with the admin scope', () => {
    const rows = ROLES.map((role) => [role, scopesFor(role, false), scopesFor(role, true)]);
    expect(rows).toEqual([
      ['viewer', ['read'], ['read']],
      ['approver', ['read'], ['admin']],
      ['manager', ['write'], ['admin']],
      ['admin', ['admin'], ['admin']],
      ['owner', ['admin'], ['admin']],
    ]);
  });

  it('name a console user in records by the user id', () => {
    const principal = { programId: 'prg_1', keyId: 'usr_1', userId: 'usr_1', scopes: ['read' as const] };
    expect(actorName(actorOf(principal))).toBe('usr_1');
    expect(actorName(actorOf({ ...principal, userId: undefined, keyId: 'key_1' }))).toBe('key_1');
  });
});

describe('managing console users', () => {
  it('orders the roles: a role is above those before it, never above itself', () => {
    const above = ROLES.map((own) => ROLES.filter((role) => isAbove(role, own)));
    expect(above).toEqual([
      ['approver', 'manager', 'admin', 'owner'],
      ['manager', 'admin', 'owner'],
      ['admin', 'owner'],
      ['owner'],
      [],
    ]);
  });

  it('lets an API key act as the role of its highest scope (an operator key as an owner)', () => {
    expect((['read', 'write', 'admin', 'operator'] as const).map((s) => roleOfScopes([s]))).toEqual([
      'viewer',
      'manager',
      'admin',
      'owner',
    ]);
  });
});
