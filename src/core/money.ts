// Money-grade arithmetic: integer minor units and exact decimal rates (no floating point).

/** Digits after the decimal point of a currency (EUR 2, JPY 0, BHD 3). */
export function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** Parses a non-negative decimal string ("0.0125") into an exact fraction of BigInts. */
export function parseDecimal(value: string): { numerator: bigint; denominator: bigint } {
  const m = /^(\d{1,15})(?:\.(\d{1,12}))?$/.exec(value);
  if (!m) throw new RangeError(`not a non-negative decimal: ${value}`);
  const fraction = m[2] ?? '';
  return { numerator: BigInt(m[1]! + fraction), denominator: 10n ** BigInt(fraction.length) };
}

/** Divides, rounding half away from zero. */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = (n * 2n + denominator) / (2n * denominator);
  return negative ? -q : q;
}

/** The value in minor units of `units` points at `rate` (a decimal string in major units per point). */
export function valueInMinorUnits(units: number, rate: string, currency: string): number {
  const { numerator, denominator } = parseDecimal(rate);
  const scale = 10n ** BigInt(minorDigits(currency));
  return Number(divRound(BigInt(units) * numerator * scale, denominator));
}
