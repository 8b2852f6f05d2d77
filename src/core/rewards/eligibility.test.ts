import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  approvalsNeeded,
  ineligibility,
  redeemable,
  refusals,
  shortBy,
  tierNamesOf,
  unavailability,
  windowStart,
} from './eligibility.ts';

const facts = { segment: 'hospitality', country: 'NL', tier: null, memberships: [] as string[] };

describe('ineligibility', () => {
  it('names every rule the account or contact misses', () => {
    expect(ineligibility({}, facts)).toEqual([]);
    expect(ineligibility({ tiers: ['Platinum'] }, facts)).toEqual(['needs Platinum']);
    expect(ineligibility({ tiers: ['Gold', 'Platinum'] }, { ...facts, tier: 'Gold' })).toEqual([]);
    expect(
      ineligibility(
        { segments: ['construction'], countries: ['BE', 'DE'], memberships: ['Club'], roles: ['admin'] },
        { ...facts, role: 'buyer' },
      ),
    ).toEqual([
      'only for the segment construction',
      'only in BE, DE',
      'needs the membership Club',
      'only contacts with the role admin can redeem it',
    ]);
    expect(ineligibility({ roles: ['buyer'] }, facts)).toEqual([
      'only contacts with the role buyer can redeem it',
    ]);
  });

  it('admits only the RFM segments named; an account never scored has none', () => {
    const rules = { rfmSegments: ['champions', 'at_risk'] };
    expect(ineligibility(rules, { ...facts, rfmSegment: 'at_risk' })).toEqual([]);
    expect(ineligibility(rules, { ...facts, rfmSegment: 'lost' })).toEqual([
      'only for accounts whose buying pattern is champions or at risk',
    ]);
    expect(ineligibility(rules, { ...facts, rfmSegment: null })).toHaveLength(1);
    expect(ineligibility(rules, facts)).toHaveLength(1);
    expect(ineligibility({ rfmSegments: [] }, facts)).toEqual([]);
  });

  it("names tiers by the ladders' display names, keeping a code no ladder names", () => {
    const tierNames = tierNamesOf([
      {
        tiers: [
          { code: 'diamond', name: 'Diamond' },
          { code: 'diamond_honors', name: 'Diamond Honors' },
        ],
      },
      { tiers: [{ code: 'diamond', name: 'Diamant' }] },
    ]);
    expect(tierNames.get('diamond')).toBe('Diamond');
    expect(ineligibility({ tiers: ['diamond', 'diamond_honors'] }, { ...facts, tierNames })).toEqual([
      'needs Diamond or Diamond Honors',
    ]);
    expect(ineligibility({ tiers: ['constructor', 'gold'] }, { ...facts, tierNames })).toEqual([
      'needs constructor or gold',
    ]);
    expect(ineligibility({ tiers: ['diamond'] }, { ...facts, tier: 'diamond', tierNames })).toEqual([]);
  });

  it('lets through a listed country, a listed role and any one of several memberships', () => {
    expect(ineligibility({ countries: ['BE', 'NL'] }, facts)).toEqual([]);
    expect(ineligibility({ countries: ['BE', 'NL'] }, { ...facts, country: null })).toEqual([
      'only in BE, NL',
    ]);
    expect(ineligibility({ roles: ['buyer', 'admin'] }, { ...facts, role: 'admin' })).toEqual([]);
    expect(ineligibility({ memberships: ['Club', 'Plus'] }, { ...facts, memberships: ['Plus'] })).toEqual([]);
    expect(ineligibility({ memberships: ['Club', 'Plus'] }, { ...facts, memberships: ['Basic'] })).toEqual([
      'needs the membership Club or Plus',
    ]);
    expect(ineligibility({ segments: ['retail', 'hospitality'] }, facts)).toEqual([]);
    expect(ineligibility({ segments: ['retail'] }, { ...facts, segment: null })).toEqual([
      'only for the segment retail',
    ]);
    // Every reason lists all the values that would do.
    expect(
      ineligibility(
        { tiers: ['Gold', 'Platinum'], segments: ['retail', 'wholesale'], roles: ['admin', 'owner'] },
        { ...facts, tier: 'Silver', role: 'buyer' },
      ),
    ).toEqual([
      'needs Gold or Platinum',
      'only for the segment retail or wholesale',
      'only contacts with the role admin or owner can redeem it',
    ]);
    // Empty lists restrict nothing.
    expect(
      ineligibility({ tiers: [], segments: [], countries: [], memberships: [], roles: [] }, facts),
    ).toEqual([]);
  });

  it('is eligible exactly when every given rule is met (property)', () => {
    const tag = fc.constantFrom('a', 'b', 'c');
    fc.assert(
      fc.property(fc.array(tag, { maxLength: 3 }), fc.option(tag, { nil: null }), (segments, segment) => {
        const reasons = ineligibility({ segments }, { ...facts, segment });
        const met = segments.length === 0 || (segment !== null && segments.includes(segment));
        expect(reasons.length === 0).toBe(met);
      }),
    );
  });
});

describe('unavailability', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  it('checks the window, end exclusive, and archived rewards', () => {
    const open = { status: 'active' as const, availableFrom: null, availableUntil: null };
    expect(unavailability(open, now)).toBeNull();
    expect(unavailability({ ...open, status: 'archived' }, now)).toMatch(/withdrawn/);
    expect(unavailability({ ...open, availableFrom: new Date('2026-06-02T00:00:00Z') }, now)).toMatch(/from/);
    expect(unavailability({ ...open, availableUntil: now }, now)).toMatch(/until/);
    expect(unavailability({ ...open, availableFrom: now }, now)).toBeNull();
    expect(unavailability({ ...open, availableUntil: new Date('2026-06-01T00:00:00.001Z') }, now)).toBeNull();
    expect(
      unavailability(
        {
          ...open,
          availableFrom: new Date('2026-05-01T00:00:00Z'),
          availableUntil: new Date('2026-07-01T00:00:00Z'),
        },
        now,
      ),
    ).toBeNull();
  });
});

describe('approvalsNeeded', () => {
  const policy = { above: { points: 1000 }, requesterRoles: ['buyer'], always: false, steps: 2 };
  it('asks for the policy steps above the threshold of the unit, or for listed requester roles', () => {
    expect(approvalsNeeded(policy, { amount: 1000, unit: 'points' }, undefined)).toBe(0);
    expect(approvalsNeeded(policy, { amount: 1001, unit: 'points' }, undefined)).toBe(2);
    expect(approvalsNeeded(policy, { amount: 99_999, unit: 'EUR' }, 'admin')).toBe(0);
    expect(approvalsNeeded(policy, { amount: 1, unit: 'points' }, 'buyer')).toBe(2);
    expect(approvalsNeeded({ ...policy, always: true }, { amount: 1, unit: 'EUR' }, undefined)).toBe(2);
  });
});

describe('windowStart and shortBy', () => {
  it('rolls windows back from now', () => {
    const now = new Date('2026-03-31T12:00:00Z');
    expect(windowStart('lifetime', now)).toBeNull();
    expect(windowStart('day', now)?.toISOString()).toBe('2026-03-30T12:00:00.000Z');
    expect(windowStart('month', now)?.toISOString()).toBe('2026-03-01T12:00:00.000Z');
  });

  it('says what is missing in points or money', () => {
    expect(shortBy(380, 'points', 0)).toBe('380 points short');
    expect(shortBy(380, 'EUR', 2)).toBe('EUR 3.80 short');
    expect(shortBy(5, 'JPY', 0)).toBe('JPY 5 short');
  });
});

describe('refusals and redeemable', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const reward = {
    status: 'active' as const,
    availableFrom: null,
    availableUntil: null,
    eligibility: {},
    priceAmount: 500,
    priceUnit: 'points',
  };
  const account = { status: 'enrolled', facts, balance: 500 };

  it('refuses an account that is not enrolled before the rules it misses', () => {
    expect(refusals({ tiers: ['Gold'] }, 'suspended', facts)).toEqual([
      'the account is suspended',
      'needs Gold',
    ]);
    expect(refusals({}, 'enrolled', facts)).toEqual([]);
  });

  it('can redeem when eligible, affordable and in stock', () => {
    expect(redeemable(reward, account, null, now)).toEqual({
      ok: true,
      eligible: true,
      affordable: true,
      inStock: true,
      shortBy: null,
      reasons: [],
    });
  });

  it('gives every reason, in order: window, account, rules, balance, stock', () => {
    const r = redeemable(
      { ...reward, status: 'archived', eligibility: { tiers: ['Gold'] }, priceUnit: 'EUR' },
      { status: 'suspended', facts, balance: 120 },
      0,
      now,
    );
    expect(r).toEqual({
      ok: false,
      eligible: false,
      affordable: false,
      inStock: false,
      shortBy: 380,
      reasons: [
        'the reward was withdrawn from the catalog',
        'the account is suspended',
        'needs Gold',
        'EUR 3.80 short',
        'out of stock',
      ],
    });
    expect(redeemable(reward, { ...account, balance: 499 }, 3, now)).toMatchObject({
      ok: false,
      eligible: true,
      shortBy: 1,
      reasons: ['1 points short'],
    });
  });
});
