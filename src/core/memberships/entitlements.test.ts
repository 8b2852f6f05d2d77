import { describe, expect, it } from 'vitest';
import { entitlementHeld, entitlementUntil } from './entitlements.ts';

const at = (s: string) => new Date(s);

describe('entitlementUntil', () => {
  it('runs a free period for its months and anything else to the term end', () => {
    const starts = at('2026-01-31T10:00:00Z');
    const termEnds = at('2027-01-31T10:00:00Z');
    expect(entitlementUntil({ kind: 'free_period', months: 1 }, starts, termEnds)).toEqual(
      at('2026-02-28T10:00:00Z'),
    );
    expect(entitlementUntil({ kind: 'flag' }, starts, termEnds)).toEqual(termEnds);
    expect(entitlementUntil({ kind: 'service_credit' }, starts, termEnds)).toEqual(termEnds);
  });
});

describe('entitlementHeld', () => {
  const e = { kind: 'flag', validFrom: at('2026-01-01T00:00:00Z'), validUntil: at('2026-02-01T00:00:00Z') };
  it('is held from its start until (not at) its end', () => {
    expect(entitlementHeld(e, at('2025-12-31T23:59:59Z'), false)).toBe(false);
    expect(entitlementHeld(e, at('2026-01-01T00:00:00Z'), false)).toBe(true);
    expect(entitlementHeld(e, at('2026-02-01T00:00:00Z'), false)).toBe(false);
  });
  it('is held past its end while its membership renews itself, except a free period', () => {
    expect(entitlementHeld(e, at('2026-03-01T00:00:00Z'), true)).toBe(true);
    expect(entitlementHeld({ ...e, kind: 'free_period' }, at('2026-03-01T00:00:00Z'), true)).toBe(false);
    expect(entitlementHeld(e, at('2025-12-01T00:00:00Z'), true)).toBe(false);
  });
});
