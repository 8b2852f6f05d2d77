import { describe, expect, it } from 'vitest';
import { type LadderDocument, periodEndAfter, scaleMetric, type TierState, windowStart } from './ladder.ts';
import {
  activityInstant,
  downgradeAhead,
  duePeriods,
  joinedAt,
  nextEvaluation,
  standing,
} from './standing.ts';

const TZ = 'Europe/Amsterdam';
const at = (iso: string) => new Date(iso);
const eur = (v: string) => scaleMetric(v, 2);

const partner: LadderDocument = {
  name: 'Partner',
  metric: 'qualifying_spend',
  window: { kind: 'calendar_year' },
  graceDays: 90,
  softLanding: true,
  tiers: [
    { code: 'silver', name: 'Silver', threshold: '1000' },
    { code: 'gold', name: 'Gold', threshold: '5000', multiplier: '1.5', perks: ['lounge'] },
  ],
};

const none: TierState = { tier: null, since: null, securedUntil: null, graceUntil: null, override: null };
const silver: TierState = {
  tier: 'silver',
  since: at('2026-03-01T10:00:00Z'),
  securedUntil: at('2026-12-31T23:00:00Z'),
  graceUntil: null,
  override: null,
};

describe('joinedAt', () => {
  it('is local midnight of customerSince, else the creation, else the epoch', () => {
    const created = at('2025-06-01T12:00:00Z');
    expect(joinedAt({ since: '2024-02-03', createdAt: created }, TZ)).toEqual(at('2024-02-02T23:00:00Z'));
    expect(joinedAt({ since: null, createdAt: created }, TZ)).toEqual(created);
    expect(joinedAt(undefined, TZ)).toEqual(new Date(0));
  });
});

describe('activityInstant', () => {
  it('never dates a decision before the status last changed', () => {
    expect(activityInstant(silver, at('2026-02-01T00:00:00Z'))).toEqual(silver.since);
    expect(activityInstant(silver, at('2026-04-01T00:00:00Z'))).toEqual(at('2026-04-01T00:00:00Z'));
    expect(activityInstant(none, at('2026-02-01T00:00:00Z'))).toEqual(at('2026-02-01T00:00:00Z'));
  });
});

describe('duePeriods', () => {
  it('gives the period ending and the one starting at a due instant, as the window functions do', () => {
    const periods = duePeriods(partner.window, TZ);
    const due = at('2026-12-31T23:00:00Z');
    const enrolled = new Date(0);
    expect(periods.before(due, enrolled)).toEqual(at('2025-12-31T23:00:00Z'));
    expect(periods.before(due, enrolled)).toEqual(
      windowStart(partner.window, new Date(due.getTime() - 1), TZ, enrolled),
    );
    expect(periods.after(due, enrolled)).toEqual(periodEndAfter(partner.window, due, TZ, enrolled));
    // Remembered: the same instant answers the same object.
    expect(periods.after(due, enrolled)).toBe(periods.after(due, enrolled));
  });

  it('keeps every period it worked out, and shares them across joining dates outside program years', () => {
    const periods = duePeriods(partner.window, TZ);
    const first = at('2026-12-31T23:00:00Z');
    const second = at('2027-12-31T23:00:00Z');
    const a = periods.after(first, new Date(0));
    periods.after(second, new Date(0));
    periods.before(first, new Date(0));
    expect(periods.after(first, at('2024-05-01T00:00:00Z'))).toBe(a);
  });

  it('tells joining dates apart only for program years', () => {
    const periods = duePeriods({ kind: 'program_year' }, TZ);
    const due = at('2026-06-01T00:00:00Z');
    const a = periods.before(due, at('2020-03-01T00:00:00Z'));
    const b = periods.before(due, at('2020-05-01T00:00:00Z'));
    expect(a).not.toEqual(b);
  });
});

describe('nextEvaluation', () => {
  it('says in words what the next evaluation does if the metric stays', () => {
    const input = { due: silver.securedUntil!, digits: 2, periodEnd: at('2027-12-31T23:00:00Z') };
    expect(nextEvaluation(partner, silver, { ...input, metric: eur('1500') })).toEqual({
      at: '2026-12-31T23:00:00.000Z',
      outcome: 'if the metric stays 1500: keeps Silver',
    });
    expect(nextEvaluation(partner, silver, { ...input, metric: eur('6000') }).outcome).toBe(
      'if the metric stays 6000: moves from Silver to Gold',
    );
    expect(nextEvaluation(partner, silver, { ...input, metric: eur('10') }).outcome).toBe(
      'if the metric stays 10: a 90-day grace period starts, still Silver',
    );
    const frozen: TierState = {
      ...silver,
      override: { kind: 'freeze', tier: 'silver', until: at('2026-06-01T00:00:00Z'), reason: 'break' },
    };
    expect(
      nextEvaluation(partner, frozen, { ...input, due: at('2026-06-01T00:00:00Z'), metric: 0n }).outcome,
    ).toBe('if the metric stays 0: the freeze ends; Silver afterwards');
  });

  it('names the end of a set override, a drop after grace and a drop to no tier', () => {
    const input = { digits: 2, periodEnd: at('2027-12-31T23:00:00Z') };
    const set: TierState = {
      ...none,
      tier: 'gold',
      since: at('2026-01-01T00:00:00Z'),
      override: { kind: 'set', tier: 'gold', until: at('2026-06-01T00:00:00Z'), reason: 'deal' },
    };
    expect(
      nextEvaluation(partner, set, { ...input, due: at('2026-06-01T00:00:00Z'), metric: eur('5000') })
        .outcome,
    ).toBe('if the metric stays 5000: the override ends; Gold afterwards');
    const graced: TierState = { ...silver, tier: 'gold', graceUntil: at('2027-03-31T22:00:00Z') };
    expect(
      nextEvaluation(partner, graced, { ...input, due: at('2027-03-31T22:00:00Z'), metric: eur('1000') })
        .outcome,
    ).toBe('if the metric stays 1000: moves from Gold to Silver');
    const hard: LadderDocument = { ...partner, graceDays: 0 };
    expect(nextEvaluation(hard, silver, { ...input, due: silver.securedUntil!, metric: 0n }).outcome).toBe(
      'if the metric stays 0: moves from Silver to no tier',
    );
  });
});

describe('downgradeAhead', () => {
  const input = { digits: 2, periodEnd: at('2027-12-31T23:00:00Z') };
  it('names a drop at a grace end (soft landing: one tier) with what keeping the tier needs', () => {
    const graced: TierState = { ...silver, tier: 'gold', graceUntil: at('2027-03-31T22:00:00Z') };
    expect(
      downgradeAhead(partner, graced, { ...input, due: graced.graceUntil!, metric: eur('1200.50') }),
    ).toEqual({
      fromCode: 'gold',
      fromName: 'Gold',
      toCode: 'silver',
      toName: 'Silver',
      downgradeAt: '2027-03-31T22:00:00.000Z',
      metric: '1200.5',
      threshold: '5000',
      needed: '3799.5',
    });
  });

  it('names a drop to no tier at a period end without grace, and a set override ending below', () => {
    const hard: LadderDocument = { ...partner, graceDays: 0 };
    expect(downgradeAhead(hard, silver, { ...input, due: silver.securedUntil!, metric: 0n })).toMatchObject({
      fromCode: 'silver',
      toCode: null,
      toName: null,
      needed: '1000',
    });
    const set: TierState = {
      ...none,
      tier: 'gold',
      since: at('2026-01-01T00:00:00Z'),
      override: { kind: 'set', tier: 'gold', until: at('2026-06-01T00:00:00Z'), reason: 'deal' },
    };
    expect(
      downgradeAhead(hard, set, { ...input, due: at('2026-06-01T00:00:00Z'), metric: eur('1000') }),
    ).toMatchObject({ fromCode: 'gold', toCode: 'silver' });
  });

  it('is null when the tier is kept or raised, or when a grace period would only start', () => {
    const due = silver.securedUntil!;
    expect(downgradeAhead(partner, silver, { ...input, due, metric: eur('1000') })).toBeNull();
    expect(downgradeAhead(partner, silver, { ...input, due, metric: eur('9000') })).toBeNull();
    expect(downgradeAhead(partner, silver, { ...input, due, metric: 0n })).toBeNull();
  });
});

describe('standing', () => {
  it('shows the tier, the metric, the gap to the next tier and the next evaluation', () => {
    const s = standing(partner, silver, {
      metric: eur('1200.5'),
      digits: 2,
      windowStart: at('2025-12-31T23:00:00Z'),
      periodEnd: at('2026-12-31T23:00:00Z'),
      due: silver.securedUntil,
    });
    expect(s).toMatchObject({
      tier: 'silver',
      tierName: 'Silver',
      since: '2026-03-01T10:00:00.000Z',
      multiplier: '1',
      perks: [],
      metric: '1200.5',
      windowStart: '2025-12-31T23:00:00.000Z',
      next: {
        tier: 'gold',
        name: 'Gold',
        threshold: '5000',
        needed: '3799.5',
        by: '2026-12-31T23:00:00.000Z',
      },
      nextEvaluation: { at: '2026-12-31T23:00:00.000Z' },
    });
  });

  it('shows its dates and override, and the date the next tier is due by', () => {
    const input = {
      metric: eur('100'),
      digits: 2,
      windowStart: at('2025-12-31T23:00:00Z'),
      periodEnd: at('2026-12-31T23:00:00Z'),
      due: null,
    };
    const state: TierState = {
      ...silver,
      securedUntil: at('2026-09-01T00:00:00Z'),
      graceUntil: at('2026-10-01T00:00:00Z'),
      override: { kind: 'freeze', tier: 'silver', until: null, reason: 'break' },
    };
    // Calendar and program years: by the end of the period the tier is secured for.
    expect(standing(partner, state, input)).toMatchObject({
      securedUntil: '2026-09-01T00:00:00.000Z',
      graceUntil: '2026-10-01T00:00:00.000Z',
      override: { kind: 'freeze', tier: 'silver', until: null, reason: 'break' },
      next: { by: '2026-09-01T00:00:00.000Z' },
    });
    expect(standing(partner, { ...state, securedUntil: null }, input).next?.by).toBe(
      '2026-12-31T23:00:00.000Z',
    );
    // A rolling window: by the end of the window running now.
    const rolling: LadderDocument = { ...partner, window: { kind: 'rolling_months', months: 12 } };
    expect(standing(rolling, state, input).next?.by).toBe('2026-12-31T23:00:00.000Z');
    const until = at('2026-08-01T00:00:00Z');
    expect(
      standing(partner, { ...state, override: { kind: 'set', tier: 'gold', until, reason: 'deal' } }, input)
        .override,
    ).toEqual({ kind: 'set', tier: 'gold', until: '2026-08-01T00:00:00.000Z', reason: 'deal' });
  });

  it('qualifies past a threshold not applied yet, never needs nothing, has no next tier at the top', () => {
    const input = {
      digits: 2,
      windowStart: at('2025-12-31T23:00:00Z'),
      periodEnd: at('2026-12-31T23:00:00Z'),
      due: null,
    };
    // Past Silver's threshold, not upgraded yet: it qualifies for Silver; Gold is what it works for.
    expect(standing(partner, none, { ...input, metric: eur('2000') })).toMatchObject({
      tier: null,
      tierName: null,
      qualifies: { tier: 'silver', name: 'Silver' },
      next: { tier: 'gold', needed: '3000' },
      nextEvaluation: null,
    });
    // Exactly at a threshold is reaching it; past every threshold there is nothing next.
    expect(standing(partner, none, { ...input, metric: eur('1000') })).toMatchObject({
      qualifies: { tier: 'silver' },
      next: { tier: 'gold', needed: '4000' },
    });
    expect(standing(partner, none, { ...input, metric: eur('5000') })).toMatchObject({
      qualifies: { tier: 'gold', name: 'Gold' },
      next: null,
    });
    expect(standing(partner, none, { ...input, metric: eur('999.99') })).toMatchObject({
      qualifies: null,
      next: { tier: 'silver', needed: '0.01' },
    });
    // Silver already held: qualifies is only ever a tier above it.
    expect(standing(partner, silver, { ...input, metric: eur('2000') }).qualifies).toBeNull();
    // A manual tier holds: nothing is applied while it lasts.
    const manual: TierState = {
      ...none,
      override: { kind: 'set', tier: null, until: null, reason: 'deal' },
    };
    expect(standing(partner, manual, { ...input, metric: eur('2000') }).qualifies).toBeNull();
    const gold = standing(partner, { ...silver, tier: 'gold' }, { ...input, metric: eur('2000') });
    expect(gold).toMatchObject({ tierName: 'Gold', multiplier: '1.5', perks: ['lounge'], next: null });
  });
});
