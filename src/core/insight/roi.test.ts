import { describe, expect, it } from 'vitest';
import { type CreditRow, programCost } from './roi.ts';

const row = (unit: string, entryType: string, reasonCode: string, amount: number): CreditRow => ({
  accountId: 'a',
  unit,
  entryType,
  reasonCode,
  amount,
});

const base = {
  currency: 'EUR',
  costPerPoint: '0.005',
  days: 365,
  netRevenueMinor: 1_000_000,
  breakageRate: null,
  credits: [] as CreditRow[],
  assumptions: {},
  withOperating: true,
};

describe('programCost', () => {
  it('takes returns off, expects breakage, classifies commissions by reason and skips other currencies', () => {
    const cost = programCost({
      ...base,
      breakageRate: 0.2,
      credits: [
        row('points', 'earn', 'purchase', 10_000),
        row('points', 'reverse', 'return', -2_000),
        row('EUR', 'earn', 'cashback', 1_234),
        row('EUR', 'earn', 'commission', 5_000),
        row('EUR', 'reverse', 'commission_clawback', -1_000),
        row('points', 'earn', 'commission', 1_000),
        row('USD', 'earn', 'cashback', 9_999),
      ],
    });
    // 8,000 points at 0.005 = 40.00; 20% expected breakage = −8.00; commissions 40.00 + 1,000 points (5.00).
    expect(cost.cost).toEqual({
      points: '40.00',
      expectedBreakage: '-8.00',
      cashback: '12.34',
      commissions: '45.00',
      operating: null,
      total: '89.34',
    });
    expect(cost.roi).toBeNull();
    expect(cost.assumptions.join(' ')).toContain('20.00% of points are expected never to be redeemed');
  });

  it('computes the return from the stated share and margin, with operating cost by the month', () => {
    const cost = programCost({
      ...base,
      days: 30,
      credits: [row('points', 'earn', 'purchase', 200_000)],
      assumptions: { grossMargin: '0.5', incrementalRevenueShare: '0.05', operatingCostPerMonth: '30.4369' },
    });
    // 200,000 × 0.005 = 1,000.00; operating 30.4369 × 30 ÷ 30.436875 ≈ 30.00; revenue 10,000.00 → 500.00 → 250.00.
    expect(cost.cost.operating).toBe('30.00');
    expect(cost.cost.total).toBe('1030.00');
    expect(cost.incrementalRevenue).toBe('500.00');
    expect(cost.incrementalGrossProfit).toBe('250.00');
    expect(cost.roi).toBe(Math.round(((250 - 1030) / 1030) * 10_000) / 10_000);
  });

  it('leaves the operating cost out of a group, and has no return when nothing cost', () => {
    const group = programCost({
      ...base,
      withOperating: false,
      assumptions: { grossMargin: '1', incrementalRevenueShare: '1', operatingCostPerMonth: '10' },
    });
    expect(group.cost.operating).toBeNull();
    expect(group.cost.total).toBe('0.00');
    expect(group.roi).toBeNull();
  });
});
