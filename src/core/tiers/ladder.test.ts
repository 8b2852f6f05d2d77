import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  atDue,
  dueAt,
  eventTypesOf,
  formatMetric,
  instantTier,
  isManagedMetric,
  type LadderDocument,
  ladderProblems,
  metricDigits,
  onActivity,
  periodEndAfter,
  qualifiedTier,
  scaleMetric,
  type TierState,
  windowStart,
} from './ladder.ts';

const TZ = 'Europe/Amsterdam';
const at = (iso: string) => new Date(iso);
const eur = (v: string) => scaleMetric(v, 2);

const partner: LadderDocument = {
  name: 'Partner',
  metric: 'qualifying_spend',
  window: { kind: 'rolling_months', months: 12 },
  graceDays: 90,
  softLanding: true,
  tiers: [
    { code: 'silver', name: 'Silver', threshold: '1000' },
    { code: 'gold', name: 'Gold', threshold: '5000', multiplier: '1.5' },
    { code: 'platinum', name: 'Platinum', threshold: '20000', instantAmount: '15000' },
  ],
};

const none: TierState = { tier: null, since: null, securedUntil: null, graceUntil: null, override: null };
const holding = (tier: string, securedUntil: string): TierState => ({
  tier,
  since: at('2026-01-01T00:00:00Z'),
  securedUntil: at(securedUntil),
  graceUntil: null,
  override: null,
});

describe('ladderProblems', () => {
  it('accepts a sound ladder', () => {
    expect(ladderProblems(partner, 'EUR')).toEqual([]);
  });

  it('names an overlapping threshold and a repeated code', () => {
    const doc: LadderDocument = {
      ...partner,
      tiers: [
        { code: 'a', name: 'A', threshold: '100' },
        { code: 'b', name: 'B', threshold: '100' },
        { code: 'a', name: 'C', threshold: '50' },
      ],
    };
    const problems = ladderProblems(doc, 'EUR');
    expect(problems.map((p) => p.path)).toEqual([
      '/tiers/1/threshold',
      '/tiers/2/code',
      '/tiers/2/threshold',
    ]);
    expect(problems[0]!.message).toMatch(/overlaps/);
  });

  it('refuses more decimals than the metric has and instant qualification off spend', () => {
    expect(
      ladderProblems({ ...partner, tiers: [{ code: 'a', name: 'A', threshold: '1.005' }] }, 'EUR'),
    ).toHaveLength(1);
    expect(ladderProblems({ ...partner, tiers: [{ code: 'a', name: 'A', threshold: '10' }] }, 'JPY')).toEqual(
      [],
    );
    expect(
      ladderProblems({ ...partner, tiers: [{ code: 'a', name: 'A', threshold: '1.5' }] }, 'JPY'),
    ).toHaveLength(1);
    const orders: LadderDocument = {
      ...partner,
      metric: 'orders',
      tiers: [{ code: 'a', name: 'A', threshold: '3', instantAmount: '100' }],
    };
    expect(ladderProblems(orders, 'EUR')).toEqual([
      { path: '/tiers/0/instantAmount', message: 'instant qualification needs the qualifying_spend metric' },
    ]);
  });

  it('says what is wrong with each tier', () => {
    const tiers = (...list: LadderDocument['tiers']) => ladderProblems({ ...partner, tiers: list }, 'EUR');
    expect(
      tiers({ code: 'a', name: 'A', threshold: '10' }, { code: 'a', name: 'B', threshold: '20' }),
    ).toEqual([{ path: '/tiers/1/code', message: 'code a is used twice' }]);
    expect(tiers({ code: 'a', name: 'A', threshold: 'ten' })).toEqual([
      { path: '/tiers/0/threshold', message: 'must be a decimal with at most 2 decimals' },
    ]);
    // A threshold of 0 is fine for the first tier; an unreadable one is left out of the overlap check.
    expect(
      tiers({ code: 'a', name: 'A', threshold: '0' }, { code: 'b', name: 'B', threshold: '10' }),
    ).toEqual([]);
    expect(
      tiers(
        { code: 'a', name: 'A', threshold: '100' },
        { code: 'b', name: 'B', threshold: 'x' },
        { code: 'c', name: 'C', threshold: '50' },
      ).map((p) => p.path),
    ).toEqual(['/tiers/1/threshold', '/tiers/2/threshold']);
    const instant = (instantAmount: string) =>
      tiers({ code: 'a', name: 'A', threshold: '10', instantAmount });
    expect(instant('0.01')).toEqual([]);
    for (const amount of ['0', '-5', 'lots', '1.001'])
      expect(instant(amount)).toEqual([
        { path: '/tiers/0/instantAmount', message: 'must be a decimal above 0 with at most 2 decimals' },
      ]);
    const multiplier = (value: string) => tiers({ code: 'a', name: 'A', threshold: '10', multiplier: value });
    expect(multiplier('0.5')).toEqual([]);
    for (const value of ['0', '-1', 'double'])
      expect(multiplier(value)).toEqual([
        { path: '/tiers/0/multiplier', message: 'must be a decimal above 0' },
      ]);
  });

  it('counts events by type for spend, orders and managed spend only', () => {
    const withTypes = (metric: LadderDocument['metric']) =>
      ladderProblems(
        { ...partner, metric, eventTypes: ['purchase'], tiers: [{ code: 'a', name: 'A', threshold: '1' }] },
        'EUR',
      );
    expect(withTypes('qualifying_spend')).toEqual([]);
    expect(withTypes('orders')).toEqual([]);
    expect(withTypes('managed_spend')).toEqual([]);
    for (const metric of ['points_earned', 'operator_value', 'managed_accounts'] as const)
      expect(withTypes(metric)).toEqual([
        {
          path: '/eventTypes',
          message: 'only the qualifying_spend, orders and managed_spend metrics count events by type',
        },
      ]);
    expect(eventTypesOf(partner)).toEqual(['purchase', 'invoice.paid']);
    expect(eventTypesOf({ ...partner, metric: 'orders' })).toEqual(['purchase']);
    expect(eventTypesOf({ ...partner, metric: 'orders', eventTypes: ['order.shipped'] })).toEqual([
      'order.shipped',
    ]);
  });
});

describe('metric values', () => {
  it('are exact scaled integers', () => {
    expect(metricDigits('qualifying_spend', 'EUR')).toBe(2);
    expect(metricDigits('points_earned', 'EUR')).toBe(0);
    expect(metricDigits('operator_value', 'JPY')).toBe(4);
    expect(metricDigits('managed_spend', 'EUR')).toBe(2);
    expect(metricDigits('managed_accounts', 'EUR')).toBe(0);
    expect(isManagedMetric('managed_spend') && isManagedMetric('managed_accounts')).toBe(true);
    expect(isManagedMetric('qualifying_spend')).toBe(false);
    expect(eur('1234.5')).toBe(123450n);
    expect(formatMetric(123450n, 2)).toBe('1234.5');
    expect(formatMetric(100n, 2)).toBe('1');
    expect(formatMetric(7n, 0)).toBe('7');
    expect(formatMetric(-123450n, 2)).toBe('-1234.5');
    expect(formatMetric(-5n, 2)).toBe('-0.05');
    expect(() => scaleMetric('1.234', 2)).toThrow(new RangeError('1.234 has more than 2 decimals'));
  });

  it('finds the highest tier reached by the metric and by one event', () => {
    expect(qualifiedTier(partner, eur('999.99'), 2)).toBeNull();
    expect(qualifiedTier(partner, eur('1000'), 2)).toBe('silver');
    expect(qualifiedTier(partner, eur('19999.99'), 2)).toBe('gold');
    expect(qualifiedTier(partner, eur('20000'), 2)).toBe('platinum');
    expect(instantTier(partner, eur('14999'), 2)).toBeNull();
    expect(instantTier(partner, eur('15000'), 2)).toBe('platinum');
  });
});

describe('windows and periods', () => {
  it('rolls N months back in local time', () => {
    expect(windowStart(partner.window, at('2026-07-15T10:00:00Z'), TZ, at('2020-01-01T00:00:00Z'))).toEqual(
      at('2025-07-15T10:00:00Z'),
    );
    expect(
      periodEndAfter(partner.window, at('2026-01-10T10:00:00Z'), TZ, at('2020-01-01T00:00:00Z')),
    ).toEqual(at('2027-01-10T10:00:00Z'));
  });

  it('uses local calendar years and anniversaries of joining', () => {
    const year = { kind: 'calendar_year' } as const;
    expect(windowStart(year, at('2026-07-15T10:00:00Z'), TZ, at('2020-01-01T00:00:00Z'))).toEqual(
      at('2025-12-31T23:00:00Z'),
    );
    expect(periodEndAfter(year, at('2026-07-15T10:00:00Z'), TZ, at('2020-01-01T00:00:00Z'))).toEqual(
      at('2026-12-31T23:00:00Z'),
    );
    const programYear = { kind: 'program_year' } as const;
    const joined = at('2024-03-10T12:00:00Z');
    expect(windowStart(programYear, at('2026-02-01T00:00:00Z'), TZ, joined)).toEqual(
      at('2025-03-09T23:00:00Z'),
    );
    expect(windowStart(programYear, at('2026-03-20T00:00:00Z'), TZ, joined)).toEqual(
      at('2026-03-09T23:00:00Z'),
    );
    expect(periodEndAfter(programYear, at('2026-03-20T00:00:00Z'), TZ, joined)).toEqual(
      at('2027-03-09T23:00:00Z'),
    );
  });

  it('takes calendar years whatever the joining date, and program years from the joining day itself', () => {
    const year = { kind: 'calendar_year' } as const;
    const joined = at('2024-03-10T12:00:00Z');
    expect(windowStart(year, at('2026-07-15T10:00:00Z'), TZ, joined)).toEqual(at('2025-12-31T23:00:00Z'));
    expect(periodEndAfter(year, at('2026-07-15T10:00:00Z'), TZ, joined)).toEqual(at('2026-12-31T23:00:00Z'));
    const programYear = { kind: 'program_year' } as const;
    // At the anniversary's very start the new program year has begun.
    expect(windowStart(programYear, at('2026-03-09T23:00:00Z'), TZ, joined)).toEqual(
      at('2026-03-09T23:00:00Z'),
    );
    expect(windowStart(programYear, at('2026-03-09T22:59:59.999Z'), TZ, joined)).toEqual(
      at('2025-03-09T23:00:00Z'),
    );
    // Before the joining day (a back-dated event): the first program year, never one before it.
    expect(windowStart(programYear, at('2024-03-01T00:00:00Z'), TZ, joined)).toEqual(
      at('2024-03-09T23:00:00Z'),
    );
  });

  it('always holds the instant inside [windowStart, periodEnd)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }),
        fc.date({ min: new Date('1990-01-01'), max: new Date('2000-01-01'), noInvalidDate: true }),
        fc.constantFrom<LadderDocument['window']>(
          { kind: 'rolling_months', months: 12 },
          { kind: 'calendar_year' },
          { kind: 'program_year' },
        ),
        (instant, joined, window) => {
          expect(windowStart(window, instant, TZ, joined).getTime()).toBeLessThanOrEqual(instant.getTime());
          expect(periodEndAfter(window, instant, TZ, joined).getTime()).toBeGreaterThan(instant.getTime());
        },
      ),
    );
  });
});

describe('onActivity: upgrades only', () => {
  const input = (metric: string, eventAmount: string | null = null) => ({
    at: at('2026-03-01T10:00:00Z'),
    metric: eur(metric),
    eventAmount: eventAmount === null ? null : eur(eventAmount),
    digits: 2,
    periodEnd: at('2027-03-01T10:00:00Z'),
  });

  it('lifts to the tier the metric reaches and secures it until the period end', () => {
    const d = onActivity(partner, none, input('6000'));
    expect(d.state).toMatchObject({ tier: 'gold', securedUntil: at('2027-03-01T10:00:00Z') });
    expect(d.changes).toEqual([
      { from: null, to: 'gold', reason: 'threshold', at: at('2026-03-01T10:00:00Z') },
    ]);
  });

  it('calls a lift instant only when the event reaches more than the metric does', () => {
    expect(onActivity(partner, none, input('25000', '16000')).changes).toEqual([
      { from: null, to: 'platinum', reason: 'threshold', at: at('2026-03-01T10:00:00Z') },
    ]);
    expect(onActivity(partner, none, input('500', '16000')).changes[0]!.reason).toBe('instant');
    expect(onActivity(partner, none, input('500', '14999.99')).changes).toEqual([]);
  });

  it('changes nothing when the metric reaches the tier already held', () => {
    const gold = holding('gold', '2027-01-01T00:00:00Z');
    expect(onActivity(partner, gold, input('6000'))).toEqual({ state: gold, changes: [] });
  });

  it('lifts instantly on one big event, and never lowers', () => {
    expect(onActivity(partner, none, input('15000', '15000')).changes[0]).toMatchObject({
      to: 'platinum',
      reason: 'instant',
    });
    expect(onActivity(partner, holding('gold', '2027-01-01T00:00:00Z'), input('10')).changes).toEqual([]);
  });

  it('leaves a set override alone until it ends', () => {
    const overridden: TierState = {
      ...none,
      tier: 'silver',
      override: { kind: 'set', tier: 'silver', until: at('2026-06-01T00:00:00Z'), reason: 'deal' },
    };
    expect(onActivity(partner, overridden, input('30000')).changes).toEqual([]);
  });

  it('lifts again once a set override has ended, even before the due run handled its end', () => {
    const ended = (until: string | null): TierState => ({
      ...none,
      tier: 'silver',
      override: { kind: 'set', tier: 'silver', until: until === null ? null : at(until), reason: 'deal' },
    });
    // Ended before the activity, and ending at its very instant (the end is exclusive).
    for (const until of ['2026-02-01T00:00:00Z', '2026-03-01T10:00:00Z'])
      expect(onActivity(partner, ended(until), input('6000')).changes).toEqual([
        { from: 'silver', to: 'gold', reason: 'threshold', at: at('2026-03-01T10:00:00Z') },
      ]);
    // A millisecond before its end it still holds; an open-ended one holds until lifted.
    expect(onActivity(partner, ended('2026-03-01T10:00:00.001Z'), input('6000')).changes).toEqual([]);
    expect(onActivity(partner, ended(null), input('30000', '30000'))).toEqual({
      state: ended(null),
      changes: [],
    });
  });

  it('lets a frozen tier rise: a freeze only keeps it from dropping', () => {
    const frozen: TierState = {
      ...holding('silver', '2026-12-01T00:00:00Z'),
      override: { kind: 'freeze', tier: 'silver', until: null, reason: 'break' },
    };
    expect(onActivity(partner, frozen, input('6000')).state).toMatchObject({
      tier: 'gold',
      since: at('2026-03-01T10:00:00Z'),
      override: frozen.override,
    });
  });
});

describe('atDue: requalification', () => {
  const due = (state: TierState, metric: string) =>
    atDue(partner, state, {
      at: dueAt(state)!,
      metric: eur(metric),
      digits: 2,
      nextPeriodEnd: at('2028-01-01T00:00:00Z'),
    });

  it('renews a tier the metric still reaches, and lifts when it reaches more', () => {
    const renewed = due(holding('gold', '2027-01-01T00:00:00Z'), '5000');
    expect(renewed.changes).toEqual([]);
    expect(renewed.state).toMatchObject({
      tier: 'gold',
      securedUntil: at('2028-01-01T00:00:00Z'),
      graceUntil: null,
    });
    expect(due(holding('gold', '2027-01-01T00:00:00Z'), '25000').changes[0]).toMatchObject({
      from: 'gold',
      to: 'platinum',
      reason: 'period_end',
    });
  });

  it('starts the grace period, then drops one tier at most with soft landing', () => {
    const graced = due(holding('platinum', '2027-01-01T00:00:00Z'), '0');
    expect(graced.state).toMatchObject({ tier: 'platinum', graceUntil: at('2027-04-01T00:00:00Z') });
    expect(graced.changes).toEqual([
      { from: 'platinum', to: 'platinum', reason: 'grace', at: at('2027-01-01T00:00:00Z') },
    ]);
    expect(dueAt(graced.state)).toEqual(at('2027-04-01T00:00:00Z'));
    const dropped = due(graced.state, '0');
    expect(dropped.changes).toEqual([
      { from: 'platinum', to: 'gold', reason: 'grace', at: at('2027-04-01T00:00:00Z') },
    ]);
    expect(dropped.state).toMatchObject({
      tier: 'gold',
      graceUntil: null,
      securedUntil: at('2028-01-01T00:00:00Z'),
    });
  });

  it('drops to what the metric reaches without soft landing or grace', () => {
    const hard: LadderDocument = { ...partner, softLanding: false, graceDays: 0 };
    const d = atDue(hard, holding('platinum', '2027-01-01T00:00:00Z'), {
      at: at('2027-01-01T00:00:00Z'),
      metric: eur('0'),
      digits: 2,
      nextPeriodEnd: at('2028-01-01T00:00:00Z'),
    });
    expect(d.changes).toEqual([
      { from: 'platinum', to: null, reason: 'period_end', at: at('2027-01-01T00:00:00Z') },
    ]);
    expect(d.state.securedUntil).toBeNull();
    expect(dueAt(d.state)).toBeNull();
  });

  it('keeps a frozen tier until the freeze ends, then requalifies', () => {
    const frozen: TierState = {
      ...holding('gold', '2026-12-01T00:00:00Z'),
      override: { kind: 'freeze', tier: 'gold', until: at('2027-02-01T00:00:00Z'), reason: 'break' },
    };
    expect(dueAt(frozen)).toEqual(at('2027-02-01T00:00:00Z'));
    const d = atDue(partner, frozen, {
      at: at('2027-02-01T00:00:00Z'),
      metric: eur('0'),
      digits: 2,
      nextPeriodEnd: at('2028-02-01T00:00:00Z'),
    });
    expect(d.changes.map((c) => c.reason)).toEqual(['unfreeze', 'grace']);
    expect(d.state).toMatchObject({ tier: 'gold', override: null, graceUntil: at('2027-05-02T00:00:00Z') });
  });

  it('keeps the tier when a freeze ends while the tier is still secured, until that period end', () => {
    const frozen: TierState = {
      ...holding('gold', '2027-06-01T00:00:00Z'),
      override: { kind: 'freeze', tier: 'gold', until: at('2027-02-01T00:00:00Z'), reason: 'break' },
    };
    const d = atDue(partner, frozen, {
      at: at('2027-02-01T00:00:00Z'),
      metric: eur('0'),
      digits: 2,
      nextPeriodEnd: at('2028-02-01T00:00:00Z'),
    });
    expect(d.changes).toEqual([
      { from: 'gold', to: 'gold', reason: 'unfreeze', at: at('2027-02-01T00:00:00Z') },
    ]);
    expect(d.state).toEqual({ ...frozen, override: null });
    expect(dueAt(d.state)).toEqual(at('2027-06-01T00:00:00Z'));
  });

  it('requalifies when a freeze ends exactly at the period end it secured', () => {
    const frozen: TierState = {
      ...holding('gold', '2027-02-01T00:00:00Z'),
      override: { kind: 'freeze', tier: 'gold', until: at('2027-02-01T00:00:00Z'), reason: 'break' },
    };
    const d = atDue(partner, frozen, {
      at: at('2027-02-01T00:00:00Z'),
      metric: eur('6000'),
      digits: 2,
      nextPeriodEnd: at('2028-02-01T00:00:00Z'),
    });
    expect(d.changes.map((c) => c.reason)).toEqual(['unfreeze']);
    expect(d.state).toMatchObject({ tier: 'gold', securedUntil: at('2028-02-01T00:00:00Z') });
  });

  it('ends a set override with a requalification at its end', () => {
    const set: TierState = {
      ...none,
      tier: 'platinum',
      since: at('2026-01-01T00:00:00Z'),
      override: { kind: 'set', tier: 'platinum', until: at('2026-06-01T00:00:00Z'), reason: 'deal' },
    };
    const d = atDue(partner, set, {
      at: at('2026-06-01T00:00:00Z'),
      metric: eur('6000'),
      digits: 2,
      nextPeriodEnd: at('2027-06-01T00:00:00Z'),
    });
    expect(d.changes.map((c) => c.reason)).toEqual(['override_end', 'grace']);
    expect(d.state.override).toBeNull();
  });

  it('decides the same however late it runs: the decision depends on the due instant only', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30_000 }),
        fc.constantFrom('silver', 'gold', 'platinum'),
        (spend, tier) => {
          const state = holding(tier, '2027-01-01T00:00:00Z');
          const a = due(state, String(spend));
          const b = due(structuredClone(state), String(spend));
          expect(b).toEqual(a);
          // A downgrade is never more than one tier with soft landing.
          const ranks = ['silver', 'gold', 'platinum'];
          let s = a.state;
          if (dueAt(s) !== null) s = due(s, String(spend)).state;
          const before = ranks.indexOf(tier);
          const after = s.tier === null ? -1 : ranks.indexOf(s.tier);
          expect(after).toBeGreaterThanOrEqual(before - 1);
        },
      ),
    );
  });
});
