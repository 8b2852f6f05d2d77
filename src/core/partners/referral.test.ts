import { describe, expect, it } from 'vitest';
import {
  type AttributionFacts,
  checkAttribution,
  codeFromBytes,
  convertBy,
  convertsWithin,
  DEFAULT_GUARDS,
  emailDomain,
  normaliseCode,
  normaliseInvoice,
  velocityFinding,
  verdictOf,
  withinAttributionWindow,
} from './referral.ts';

const facts = (extra: Partial<AttributionFacts> = {}): AttributionFacts => ({
  referrerId: 'acc_a',
  referredId: 'acc_b',
  referrerTop: 'acc_a',
  referredTop: 'acc_b',
  referrerDomains: ['alpha.example'],
  referredDomains: ['bravo.example'],
  recentByReferrer: 0,
  ...extra,
});

describe('the attribution guards', () => {
  it('accept unrelated accounts', () => {
    expect(checkAttribution(facts(), DEFAULT_GUARDS)).toEqual([]);
    expect(verdictOf([])).toBe('accept');
  });

  it('always refuse an account referring itself, and look no further', () => {
    const found = checkAttribution(facts({ referredId: 'acc_a', referredTop: 'acc_a' }), DEFAULT_GUARDS);
    expect(found).toEqual([
      { guard: 'same_account', action: 'refuse', reason: 'an account cannot refer itself' },
    ]);
    expect(verdictOf(found)).toBe('refuse');
  });

  it('flag or refuse the same group, a shared domain and the velocity limit, as configured', () => {
    const guards = {
      sameGroup: 'refuse' as const,
      sameEmailDomain: 'flag' as const,
      velocity: { max: 3, days: 7, action: 'flag' as const },
    };
    const found = checkAttribution(
      facts({ referredTop: 'acc_a', referredDomains: ['alpha.example', 'x.example'], recentByReferrer: 3 }),
      guards,
    );
    expect(found.map((f) => [f.guard, f.action])).toEqual([
      ['same_group', 'refuse'],
      ['same_email_domain', 'flag'],
      ['velocity', 'flag'],
    ]);
    expect(found[2]!.reason).toBe('the referrer made 3 referrals in the last 7 days (at most 3)');
    expect(verdictOf(found)).toBe('refuse');
    expect(verdictOf(found.slice(1))).toBe('review');
  });

  it('ignore what is switched off, and velocity below its limit', () => {
    const off = {
      sameGroup: 'off' as const,
      sameEmailDomain: 'off' as const,
      velocity: { max: 3, days: 7, action: 'off' as const },
    };
    expect(
      checkAttribution(
        facts({ referredTop: 'acc_a', referredDomains: ['alpha.example'], recentByReferrer: 9 }),
        off,
      ),
    ).toEqual([]);
    expect(
      checkAttribution(facts({ recentByReferrer: 2 }), {
        ...DEFAULT_GUARDS,
        velocity: { max: 3, days: 7, action: 'refuse' },
      }),
    ).toEqual([]);
  });

  it("counts an import file's earlier rows toward the velocity limit and says so (decision 0063)", () => {
    const v = { max: 10, days: 30, action: 'flag' as const };
    expect(velocityFinding(9, 9, v)).toBeNull();
    expect(velocityFinding(10, 4, v)).toEqual({
      guard: 'velocity',
      action: 'flag',
      reason:
        'the referrer made 10 referrals in the last 30 days, 4 of them on earlier rows of this import file (at most 10)',
    });
    expect(velocityFinding(12, 0, { ...v, action: 'refuse' })?.reason).toBe(
      'the referrer made 12 referrals in the last 30 days (at most 10)',
    );
    expect(velocityFinding(50, 50, { ...v, action: 'off' })).toBeNull();
    expect(velocityFinding(50, 50, null)).toBeNull();
    expect(
      checkAttribution(facts({ recentByReferrer: 10, recentInFile: 10 }), { ...DEFAULT_GUARDS, velocity: v }),
    ).toEqual([velocityFinding(10, 10, v)]);
  });

  it('reads business domains of e-mail addresses, not shared mailbox providers', () => {
    expect(emailDomain('Anna@Nordic.Example')).toBe('nordic.example');
    expect(emailDomain('someone@gmail.com')).toBeNull();
    expect(emailDomain('no-at-sign')).toBeNull();
  });
});

describe('windows', () => {
  const joined = new Date('2026-05-01T00:00:00Z');
  it('attributes within the days after joining, the last instant included', () => {
    expect(withinAttributionWindow(joined, new Date('2026-05-31T00:00:00Z'), 30)).toBe(true);
    expect(withinAttributionWindow(joined, new Date('2026-05-31T00:00:00.001Z'), 30)).toBe(false);
  });
  it('converts before the deadline only', () => {
    const deadline = convertBy(new Date('2026-05-01T12:00:00Z'), 90);
    expect(deadline.toISOString()).toBe('2026-07-30T12:00:00.000Z');
    expect(convertsWithin(deadline, new Date('2026-07-30T11:59:59Z'))).toBe(true);
    expect(convertsWithin(deadline, deadline)).toBe(false);
  });
});

describe('normalising', () => {
  it('matches codes without case or surrounding spaces', () => {
    expect(normaliseCode(' fjord-2026 ')).toBe('FJORD-2026');
  });
  it('finds duplicate invoice numbers whatever their case, spaces, dashes, dots and slashes', () => {
    expect(normaliseInvoice('inv-2026/001')).toBe('INV2026001');
    expect(normaliseInvoice(' INV 2026.001_')).toBe('INV2026001');
  });
  it('makes codes of Crockford base32 from random bytes', () => {
    expect(codeFromBytes(Uint8Array.from([0, 31, 32, 255, 18, 19, 20, 21]))).toBe('0Z0ZJKMN');
  });
});
