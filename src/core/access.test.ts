import { describe, expect, it } from 'vitest';
import { allows, SCOPES, type Scope } from './access.ts';

describe('allows', () => {
  it('lets a higher scope do what a lower one may: admin ⊇ write ⊇ read', () => {
    const table = SCOPES.map((granted) => SCOPES.filter((needed) => allows([granted], needed)));
    expect(table).toEqual([['read'], ['read', 'write'], ['read', 'write', 'admin']]);
  });

  it('needs one granted scope that is enough, and allows nothing without scopes', () => {
    expect(allows(['read', 'admin'], 'write')).toBe(true);
    expect(allows(['read', 'read'], 'write')).toBe(false);
    expect(allows([] as Scope[], 'read')).toBe(false);
  });
});
