import { describe, expect, it } from 'vitest';
import { quintileScores, rfmScores, segmentOf } from './rfm.ts';

const day = (accountId: string, d: string, orders = 1, net = 1000) => ({ accountId, day: d, orders, net });

describe('quintileScores', () => {
  it('scores 1..5 by the share of values strictly below; ties alike', () => {
    expect(quintileScores([10, 20, 30, 40, 50])).toEqual([1, 2, 3, 4, 5]);
    expect(quintileScores([7, 7, 7])).toEqual([1, 1, 1]);
    expect(quintileScores([1, 2])).toEqual([1, 3]);
    expect(quintileScores([5])).toEqual([1]);
  });
});

describe('segmentOf', () => {
  it('covers every combination with the documented grid', () => {
    expect(segmentOf(5, 5, 9)).toBe('champions');
    expect(segmentOf(4, 1, 1)).toBe('new');
    expect(segmentOf(4, 2, 3)).toBe('promising');
    expect(segmentOf(3, 4, 6)).toBe('loyal');
    expect(segmentOf(3, 2, 2)).toBe('needs_attention');
    expect(segmentOf(2, 3, 5)).toBe('at_risk');
    expect(segmentOf(1, 5, 8)).toBe('at_risk');
    expect(segmentOf(2, 1, 1)).toBe('hibernating');
    expect(segmentOf(1, 2, 2)).toBe('lost');
  });
});

describe('rfmScores', () => {
  it('recency from the last order day, frequency and money over the last 365 days, churn from the rhythm', () => {
    const rows = rfmScores(
      [
        day('a', '2025-01-01', 1, 9999), // outside the window: recency and rhythm only
        day('a', '2026-05-01'),
        day('a', '2026-06-01'),
        day('b', '2026-06-25', 1, 500),
        day('c', '2026-01-01'),
        day('c', '2026-01-11'),
        day('d', '2026-06-29', 0, 0), // fully returned: not an order
      ],
      '2026-06-30',
    );
    expect(rows.map((r) => r.accountId)).toEqual(['a', 'b', 'c']);
    const [a, b, c] = rows;
    expect(a).toMatchObject({
      recencyDays: 29,
      frequency: 2,
      monetary: 2000,
      ordersToDate: 3,
      lastOrderDay: '2026-06-01',
    });
    expect(b).toMatchObject({
      recencyDays: 5,
      frequency: 1,
      monetary: 500,
      ordersToDate: 1,
      rhythmDays: null,
      segment: 'new',
    });
    // c ordered every 10 days, and not for 170: at risk. a's rhythm is (516 days) / 2 gaps.
    expect(c).toMatchObject({ recencyDays: 170, rhythmDays: 10, churnRisk: true });
    expect(a).toMatchObject({ rhythmDays: 258, churnRisk: false });
    // b has one order: the program's median gap (10 and 258 → 134) applies; 5 days is fine.
    expect(b!.churnRisk).toBe(false);
    // Recency scores: 1 + floor(5 × accounts with a longer recency ÷ 3).
    expect([a!.r, b!.r, c!.r]).toEqual([2, 4, 1]);
  });
});
