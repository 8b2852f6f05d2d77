// Money-grade arithmetic: integer minor units and exact decimal rates (no floating point).

/** Digits after the decimal point of a currency (EUR 2, JPY 0, BHD 3). */
const digitsByCurrency = new Map<string, number>();

export function minorDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    // Building a NumberFormat is costly; the answer per currency never changes.
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
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

export type Rounding = 'down' | 'up' | 'half_up' | 'half_even';
export const ROUNDINGS: readonly Rounding[] = ['down', 'up', 'half_up', 'half_even'];

/** Divides a non-negative numerator by a positive denominator with the given rounding. */
export function divide(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  if (numerator < 0n) throw new RangeError('numerator must not be negative');
  const q = numerator / denominator;
  const r = numerator % denominator;
  if (r === 0n) return q;
  switch (rounding) {
    case 'down':
      return q;
    case 'up':
      return q + 1n;
    case 'half_up':
      return r * 2n >= denominator ? q + 1n : q;
    case 'half_even':
      return r * 2n > denominator || (r * 2n === denominator && q % 2n === 1n) ? q + 1n : q;
  }
}

/**
 * Parses a decimal amount of `currency` ("1234.50") into integer minor units. Throws a RangeError
 * naming the problem when it is not a non-negative decimal or has more decimals than the currency.
 */
export function parseAmount(value: string, currency: string): bigint {
  const m = /^(\d{1,15})(?:\.(\d{1,12}))?$/.exec(value);
  if (!m) throw new RangeError(`${value} is not a non-negative decimal amount`);
  const digits = minorDigits(currency);
  const fraction = m[2] ?? '';
  if (fraction.replace(/0+$/, '').length > digits) {
    throw new RangeError(`${currency} has ${digits} decimal${digits === 1 ? '' : 's'}; ${value} has more`);
  }
  return BigInt(m[1]! + fraction.padEnd(digits, '0').slice(0, digits));
}

/** Minor units as a plain decimal string ("1234.50"). */
export function formatAmount(minor: bigint, currency: string): string {
  const digits = minorDigits(currency);
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const whole = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${whole}` : whole;
}

const currencyFormats = new Map<string, Intl.NumberFormat>();

/** Minor units for people: "€1,234.50". (A formatter per locale and currency, built once: building one is costly.) */
export function displayAmount(minor: bigint, currency: string, locale = 'en'): string {
  const digits = minorDigits(currency);
  const key = `${locale}\u0000${currency}`;
  let format = currencyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    currencyFormats.set(key, format);
  }
  return format.format(Number(minor) / 10 ** digits);
}

/**
 * Converts minor units of `from` into minor units of `to` at `rate` (a decimal string: units of `to`
 * per one unit of `from`), rounding half to even.
 */
export function convertMinor(minor: bigint, from: string, rate: string, to: string): bigint {
  const { numerator, denominator } = parseDecimal(rate);
  const shift = minorDigits(to) - minorDigits(from);
  const n = minor * numerator * (shift > 0 ? 10n ** BigInt(shift) : 1n);
  const d = denominator * (shift < 0 ? 10n ** BigInt(-shift) : 1n);
  return divide(n, d, 'half_even');
}
