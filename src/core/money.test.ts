import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divRound, minorDigits, parseDecimal, valueInMinorUnits } from './money.ts';

describe('money', () => {
  it('knows minor digits', () => {
    expect(minorDigits('EUR')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('BHD')).toBe(3);
  });
  it('parses decimals exactly', () => {
    expect(parseDecimal('0.0125')).toEqual({ numerator: 125n, denominator: 10000n });
    expect(() => parseDecimal('-1')).toThrow(RangeError);
    expect(() => parseDecimal('1e3')).toThrow(RangeError);
  });
  it('rounds half away from zero', () => {
    expect(divRound(5n, 2n)).toBe(3n);
    expect(divRound(-5n, 2n)).toBe(-3n);
    expect(divRound(4n, 3n)).toBe(1n);
  });
  it('values points at a cost per point', () => {
    // 1,234,567 points at EUR 0.005 = EUR 6,172.835 → 617,284 cents (half up).
    expect(valueInMinorUnits(1_234_567, '0.005', 'EUR')).toBe(617_284);
    expect(valueInMinorUnits(1000, '1.5', 'JPY')).toBe(1500);
  });
  it('is exact where floating point is not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (points) => {
        expect(valueInMinorUnits(points, '0.01', 'EUR')).toBe(points);
      }),
    );
  });
});
