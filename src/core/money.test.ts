import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  convertMinor,
  displayAmount,
  divide,
  divRound,
  formatAmount,
  minorDigits,
  parseAmount,
  parseDecimal,
  ROUNDINGS,
  type Rounding,
  valueInMinorUnits,
} from './money.ts';

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

describe('money: divide, amounts and conversion', () => {
  it('divides with each rounding mode', () => {
    // 12.5, 13.5, 12.49, 12.51 and an exact 12.
    const cases: Array<[bigint, bigint, Record<Rounding, bigint>]> = [
      [1250n, 100n, { down: 12n, up: 13n, half_up: 13n, half_even: 12n }],
      [1350n, 100n, { down: 13n, up: 14n, half_up: 14n, half_even: 14n }],
      [1249n, 100n, { down: 12n, up: 13n, half_up: 12n, half_even: 12n }],
      [1251n, 100n, { down: 12n, up: 13n, half_up: 13n, half_even: 13n }],
      [1200n, 100n, { down: 12n, up: 12n, half_up: 12n, half_even: 12n }],
      [0n, 7n, { down: 0n, up: 0n, half_up: 0n, half_even: 0n }],
      [1n, 2n, { down: 0n, up: 1n, half_up: 1n, half_even: 0n }],
      [3n, 2n, { down: 1n, up: 2n, half_up: 2n, half_even: 2n }],
    ];
    for (const [n, d, expected] of cases)
      for (const rounding of ROUNDINGS)
        expect([n, d, rounding, divide(n, d, rounding)]).toEqual([n, d, rounding, expected[rounding]]);
  });

  it('refuses negative numerators and non-positive denominators', () => {
    expect(() => divide(-1n, 2n, 'down')).toThrow(new RangeError('numerator must not be negative'));
    expect(() => divide(1n, 0n, 'down')).toThrow(new RangeError('denominator must be positive'));
    expect(() => divide(1n, -2n, 'up')).toThrow(new RangeError('denominator must be positive'));
    expect(() => divRound(1n, 0n)).toThrow(new RangeError('denominator must be positive'));
    expect(() => divRound(5n, -2n)).toThrow(new RangeError('denominator must be positive'));
    expect(() => parseDecimal('1e3')).toThrow(new RangeError('not a non-negative decimal: 1e3'));
  });

  it('brackets the exact quotient: down ≤ n/d ≤ up, and the half modes pick the nearer', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        (n, d) => {
          const down = divide(n, d, 'down');
          const up = divide(n, d, 'up');
          expect(down * d <= n).toBe(true);
          expect(n <= up * d).toBe(true);
          expect(up - down).toBe(n % d === 0n ? 0n : 1n);
          for (const rounding of ['half_up', 'half_even'] as const) {
            const q = divide(n, d, rounding);
            expect(q === down || q === up).toBe(true);
            // Within half a unit of the exact value: |q·d − n| ≤ d/2.
            const error = q * d - n;
            expect((error < 0n ? -error : error) * 2n <= d).toBe(true);
          }
        },
      ),
    );
  });

  it('rounds exact halves to the even neighbour under half_even and up under half_up', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (q, half) => {
          // n / d = q + 1/2 exactly.
          const d = half * 2n;
          const n = q * d + half;
          expect(divide(n, d, 'half_up')).toBe(q + 1n);
          expect(divide(n, d, 'half_even')).toBe(q % 2n === 0n ? q : q + 1n);
          expect(divide(n, d, 'half_even') % 2n).toBe(0n);
        },
      ),
    );
  });

  it('parses amounts into minor units', () => {
    expect(parseAmount('1.50', 'EUR')).toBe(150n);
    expect(parseAmount('1.5', 'EUR')).toBe(150n);
    expect(parseAmount('1', 'EUR')).toBe(100n);
    expect(parseAmount('0.01', 'EUR')).toBe(1n);
    expect(parseAmount('1234.56', 'EUR')).toBe(123456n);
    expect(parseAmount('1.5000000', 'EUR')).toBe(150n);
    expect(parseAmount('1500', 'JPY')).toBe(1500n);
    expect(parseAmount('1500.000', 'JPY')).toBe(1500n);
    expect(parseAmount('1.234', 'BHD')).toBe(1234n);
    expect(parseAmount('999999999999999.99', 'EUR')).toBe(99999999999999999n);
  });

  it('refuses amounts with more decimals than the currency has', () => {
    expect(() => parseAmount('1.234', 'EUR')).toThrow(RangeError);
    // Only trailing zeros are dropped: 1.005 has three decimals.
    expect(() => parseAmount('1.005', 'EUR')).toThrow('EUR has 2 decimals; 1.005 has more');
    expect(() => parseAmount('1.234', 'EUR')).toThrow('EUR has 2 decimals; 1.234 has more');
    expect(() => parseAmount('1.5', 'JPY')).toThrow('JPY has 0 decimals; 1.5 has more');
    expect(() => parseAmount('1.2345', 'BHD')).toThrow('BHD has 3 decimals; 1.2345 has more');
    expect(() => parseAmount('1.2300001', 'EUR')).toThrow(RangeError);
  });

  it('refuses what is not a non-negative decimal', () => {
    for (const bad of [
      '',
      '-1',
      '-1.00',
      '1e3',
      '.5',
      '1.',
      '1,50',
      ' 1',
      '1 ',
      'abc',
      '0x10',
      '+1',
      '1.0000000000000',
    ])
      expect(() => parseAmount(bad, 'EUR'), bad).toThrow(RangeError);
    expect(() => parseAmount('-1', 'EUR')).toThrow('-1 is not a non-negative decimal amount');
  });

  it('formats minor units as plain decimals', () => {
    expect(formatAmount(150n, 'EUR')).toBe('1.50');
    expect(formatAmount(5n, 'EUR')).toBe('0.05');
    expect(formatAmount(0n, 'EUR')).toBe('0.00');
    expect(formatAmount(-5n, 'EUR')).toBe('-0.05');
    expect(formatAmount(-123456n, 'EUR')).toBe('-1234.56');
    expect(formatAmount(1500n, 'JPY')).toBe('1500');
    expect(formatAmount(1234n, 'BHD')).toBe('1.234');
  });

  it('round-trips formatAmount and parseAmount', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }),
        fc.constantFrom('EUR', 'JPY', 'BHD', 'USD'),
        (minor, currency) => {
          expect(parseAmount(formatAmount(minor, currency), currency)).toBe(minor);
        },
      ),
    );
  });

  it('displays amounts for people', () => {
    expect(displayAmount(123456n, 'EUR')).toBe('€1,234.56');
    expect(displayAmount(5n, 'EUR')).toBe('€0.05');
    expect(displayAmount(1500n, 'JPY')).toBe('¥1,500');
    expect(displayAmount(10000n, 'USD')).toBe('$100.00');
    // Other locales put their own separators and symbol place.
    expect(displayAmount(123456n, 'EUR', 'de-DE').replace(/\s/g, ' ')).toBe('1.234,56 €');
  });

  it('converts minor units at a rate, shifting digits between currencies', () => {
    // USD 100.00 at 0.92 EUR per USD = EUR 92.00.
    expect(convertMinor(10000n, 'USD', '0.92', 'EUR')).toBe(9200n);
    // JPY 1,000 at 0.0061 EUR per JPY = EUR 6.10.
    expect(convertMinor(1000n, 'JPY', '0.0061', 'EUR')).toBe(610n);
    // EUR 100.00 at 162.5 JPY per EUR = JPY 16,250.
    expect(convertMinor(10000n, 'EUR', '162.5', 'JPY')).toBe(16250n);
    // EUR 1.00 at 1.234 BHD per EUR = BHD 1.234.
    expect(convertMinor(100n, 'EUR', '1.234', 'BHD')).toBe(1234n);
    expect(convertMinor(0n, 'EUR', '162.5', 'JPY')).toBe(0n);
    expect(convertMinor(12345n, 'EUR', '1', 'EUR')).toBe(12345n);
  });

  it('rounds conversions half to even', () => {
    // EUR 0.01 at 0.5 = 0.005 → 0.00; EUR 0.03 at 0.5 = 0.015 → 0.02.
    expect(convertMinor(1n, 'EUR', '0.5', 'USD')).toBe(0n);
    expect(convertMinor(3n, 'EUR', '0.5', 'USD')).toBe(2n);
    // EUR 0.25 at 162 = JPY 40.5 → 40; EUR 0.75 at 162 = JPY 121.5 → 122.
    expect(convertMinor(25n, 'EUR', '162', 'JPY')).toBe(40n);
    expect(convertMinor(75n, 'EUR', '162', 'JPY')).toBe(122n);
    // JPY 1 at 0.005 EUR = EUR 0.005 → 0.00; JPY 3 → EUR 0.015 → 0.02.
    expect(convertMinor(1n, 'JPY', '0.005', 'EUR')).toBe(0n);
    expect(convertMinor(3n, 'JPY', '0.005', 'EUR')).toBe(2n);
  });

  it('converts within half a minor unit of the exact value', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.constantFrom('EUR', 'JPY', 'BHD'),
        fc.constantFrom('EUR', 'JPY', 'BHD'),
        fc.integer({ min: 1, max: 10_000_000 }),
        (minor, from, to, rateTenThousandths) => {
          const rate = (rateTenThousandths / 10_000).toFixed(4);
          const got = convertMinor(minor, from, rate, to);
          // exact = minor · rate · 10^to / 10^from, as a fraction.
          const n = minor * BigInt(rateTenThousandths) * 10n ** BigInt(minorDigits(to));
          const d = 10_000n * 10n ** BigInt(minorDigits(from));
          const error = got * d - n;
          expect((error < 0n ? -error : error) * 2n <= d).toBe(true);
        },
      ),
    );
  });
});
