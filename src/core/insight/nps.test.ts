import { describe, expect, it } from 'vitest';
import { categoryOf, npsOf } from './nps.ts';

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
