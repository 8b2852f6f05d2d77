import { describe, expect, it } from 'vitest';
import { type AutomationDocument, automationProblems, explanation, yearlyOccurrence } from './automation.ts';

const doc = (extra: Partial<AutomationDocument>): AutomationDocument => ({
  name: 'Anniversary',
  trigger: { kind: 'membership_anniversary' },
  effect: { points: 10 },
  startsAt: '2026-01-01T00:00:00Z',
  enabled: true,
  ...extra,
});

describe('membership and tier anniversaries', () => {
  it('explain themselves with the plan or the tier and the years', () => {
    expect(explanation(doc({}), { name: 'ACME', year: 2026, years: 2, label: 'Club' })).toBe(
      'Happy anniversary, ACME — 2 years of Club (2026)',
    );
    const tier = doc({ trigger: { kind: 'tier_anniversary', tier: 'gold' } });
    expect(explanation(tier, { name: null, year: 2026, years: 1, label: 'Gold' })).toBe(
      'Happy anniversary, member — 1 year as Gold (2026)',
    );
  });

  it('a catalog reward alone is an effect; an empty plan list is not a filter', () => {
    expect(automationProblems(doc({ effect: { catalogReward: 'rwd_1' } }))).toEqual({});
    expect(automationProblems(doc({ effect: {} }))).toHaveProperty('effect');
    expect(
      automationProblems(doc({ trigger: { kind: 'membership_anniversary', plans: [] } })),
    ).toHaveProperty(['trigger/plans']);
  });

  it('fire from the first year, on the local date, up to a month late', () => {
    const from = { year: 2026, month: 1, day: 1 };
    expect(yearlyOccurrence('2025-06-11', { year: 2026, month: 6, day: 10 }, from, 1)).toBeNull();
    expect(yearlyOccurrence('2025-06-11', { year: 2026, month: 6, day: 11 }, from, 1)).toMatchObject({
      year: 2026,
      years: 1,
    });
    expect(yearlyOccurrence('2026-06-11', { year: 2026, month: 6, day: 11 }, from, 1)).toBeNull();
    expect(yearlyOccurrence('2025-06-11', { year: 2026, month: 7, day: 20 }, from, 1)).toBeNull();
  });
});
