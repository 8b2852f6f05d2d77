import { describe, expect, it } from 'vitest';
import {
  addMonth,
  cohortTable,
  computeKpis,
  daysIn,
  kpisByGroup,
  monthlyRetention,
  timesRate,
} from './kpis.ts';

const day = (accountId: string, d: string, orders = 1, net = 1000) => ({ accountId, day: d, orders, net });

describe('calendar helpers', () => {
  it('adds months across years and counts days inclusively', () => {
    expect(addMonth('2026-12', 1)).toBe('2027-01');
    expect(addMonth('2026-01', -1)).toBe('2025-12');
    expect(daysIn('2026-02-01', '2026-03-31')).toBe(59);
    expect(daysIn('2026-03-31', '2026-03-31')).toBe(1);
  });
});

describe('timesRate', () => {
  it('multiplies exactly, keeping the rate decimals', () => {
    expect(timesRate(1001, '0.005')).toBe('5.005');
    expect(timesRate(-51, '0.005')).toBe('-0.255');
    expect(timesRate(3, '2')).toBe('6');
    expect(timesRate(0, '0.01')).toBe('0.00');
  });
});

describe('computeKpis', () => {
  const base = { from: '2026-02-01', to: '2026-02-28', currency: 'EUR', costPerPoint: '0.01', postings: [] };

  it('counts orders of the period only, history only for CLV', () => {
    const k = computeKpis({
      ...base,
      orderDays: [
        day('a', '2026-01-15', 1, 500),
        day('a', '2026-02-02', 2, 3000),
        day('b', '2026-02-10', 1, 1001),
      ],
    });
    expect(k).toMatchObject({
      activeAccounts: 2,
      orders: 3,
      netRevenue: '40.01',
      repeatCustomers: 1,
      repeatCustomerRate: 0.5,
      purchaseFrequency: 1.5,
      averageOrderValue: '13.34',
      clv: { customers: 2, historicalAverage: '22.51' },
    });
  });

  it('a fully returned order (0 orders that day) makes nobody active', () => {
    const k = computeKpis({ ...base, orderDays: [day('a', '2026-02-02', 0, 0)] });
    expect(k).toMatchObject({ activeAccounts: 0, orders: 0, clv: { customers: 0, historicalAverage: null } });
  });

  it('roll-forward balances per unit and classifies entry types', () => {
    const k = computeKpis({
      ...base,
      orderDays: [],
      postings: [
        { accountId: 'a', unit: 'points', entryType: 'earn', before: 100, during: 50 },
        { accountId: 'a', unit: 'points', entryType: 'redeem', before: -20, during: -30 },
        { accountId: 'a', unit: 'points', entryType: 'expire', before: 0, during: -10 },
        { accountId: 'a', unit: 'points', entryType: 'reverse', before: 0, during: -5 },
        { accountId: 'a', unit: 'EUR', entryType: 'earn', before: 0, during: 250 },
      ],
    });
    const points = k.liability.find((l) => l.unit === 'points')!;
    expect(points).toMatchObject({
      opening: 80,
      issued: 50,
      redeemed: 30,
      expired: 10,
      adjusted: 5,
      closing: 85,
    });
    expect(points.opening + points.issued - points.redeemed - points.expired - points.adjusted).toBe(
      points.closing,
    );
    expect(k.liability.find((l) => l.unit === 'EUR')!.value).toMatchObject({
      currency: 'EUR',
      closing: '2.50',
    });
    expect(k.points).toMatchObject({
      issuedToDate: 150,
      redeemedToDate: 50,
      expiredToDate: 10,
      redemptionRate: 0.3333,
      breakage: { actualRate: 0.0667, estimatedRate: 0.1667, estimatedPoints: 14 },
    });
  });
});

describe('retention and cohorts', () => {
  const days = [
    day('a', '2026-01-05'),
    day('b', '2026-01-06'),
    day('a', '2026-02-03'),
    day('c', '2026-02-04'),
    day('c', '2026-03-01'),
  ];
  it('retention compares each month with the one before', () => {
    expect(monthlyRetention(days, '2026-02-01', '2026-03-31')).toEqual([
      { month: '2026-02', previous: 2, retained: 1, retentionRate: 0.5, churnRate: 0.5 },
      { month: '2026-03', previous: 2, retained: 1, retentionRate: 0.5, churnRate: 0.5 },
    ]);
  });
  it('the predicted lifetime is 1 / churn months', () => {
    const k = computeKpis({
      from: '2026-02-01',
      to: '2026-03-31',
      currency: 'EUR',
      costPerPoint: '0.01',
      postings: [],
      orderDays: days,
    });
    expect(k.clv.expectedLifetimeMonths).toBe(2);
  });
  it('cohorts follow first-order months', () => {
    const rows = cohortTable(days, '2026-01-01', '2026-03-31');
    expect(rows.map((r) => [r.cohort, r.size, r.retention.map((x) => x.active)])).toEqual([
      ['2026-01', 2, [2, 1, 0]],
      ['2026-02', 1, [1, 1]],
    ]);
  });
  it('groups split accounts, unnamed ones in none', () => {
    const groups = kpisByGroup(
      {
        from: '2026-02-01',
        to: '2026-03-31',
        currency: 'EUR',
        costPerPoint: '0.01',
        postings: [],
        orderDays: days,
      },
      (id) => (id === 'a' ? 'x' : null),
    );
    expect(groups.map((g) => [g.key, g.kpis.orders])).toEqual([
      ['none', 2],
      ['x', 1],
    ]);
  });
});
