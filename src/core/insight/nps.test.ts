import { describe, expect, it } from 'vitest';
import { categoryOf, median, npsByValue, npsOf } from './nps.ts';

describe('NPS', () => {
  it('categorises at the edges', () => {
    expect([0, 6, 7, 8, 9, 10].map(categoryOf)).toEqual([
      'detractor',
      'detractor',
      'passive',
      'passive',
      'promoter',
      'promoter',
    ]);
  });
  it('is % promoters − % detractors', () => {
    expect(npsOf([10, 9, 8, 3])).toEqual({ answers: 4, promoters: 2, passives: 1, detractors: 1, nps: 25 });
    expect(npsOf([0, 0, 10])).toMatchObject({ nps: -33.3 });
    expect(npsOf([])).toMatchObject({ answers: 0, nps: null });
  });
});

describe('npsByValue', () => {
  it('classifies each account by its average score and its CLV against the median of all customers', () => {
    const scores = new Map([
      ['a', [10, 9]],
      ['b', [9, 8]],
      ['c', [3]],
      ['d', [10]],
    ]);
    const clv = new Map([
      ['a', 500],
      ['b', 100],
      ['c', 900],
    ]);
    const { medianClv, rows } = npsByValue(scores, (id) => clv.get(id) ?? 0, [500, 100, 900, 300]);
    expect(medianClv).toBe(400);
    expect(rows.map((r) => [r.accountId, r.category, r.averageScore, r.highClv])).toEqual([
      ['c', 'detractor', 3, true],
      ['a', 'promoter', 9.5, true],
      ['b', 'passive', 8.5, false],
      ['d', 'promoter', 10, false],
    ]);
  });

  it('has no median and no high CLV without customers', () => {
    const { medianClv, rows } = npsByValue(new Map([['a', [9]]]), () => 0, []);
    expect(medianClv).toBeNull();
    expect(rows[0]!.highClv).toBe(false);
    expect(median([3, 1, 2])).toBe(2);
  });
});
