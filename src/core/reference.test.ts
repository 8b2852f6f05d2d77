import { describe, expect, it } from 'vitest';
import { canonicalLocale, isCalendarDate, isCountry, isCurrency, isTimeZone } from './reference.ts';

describe('reference values', () => {
  it('knows currencies', () => {
    expect(isCurrency('EUR')).toBe(true);
    expect(isCurrency('eur')).toBe(false);
    expect(isCurrency('XYZ')).toBe(false);
  });
  it('knows countries', () => {
    expect(isCountry('NL')).toBe(true);
    expect(isCountry('QQ')).toBe(false);
    expect(isCountry('nl')).toBe(false);
    for (const code of ['ZZ', 'EU', 'UN', 'QO', 'EZ', 'XA']) expect(isCountry(code), code).toBe(false);
    expect(isCountry('XK')).toBe(true);
    // Two letters exactly, and a code Intl has a name for.
    for (const code of ['NLD', 'xNL', 'N', 'AB']) expect(isCountry(code), code).toBe(false);
  });
  it('knows time zones', () => {
    expect(isTimeZone('Europe/Amsterdam')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
  it('canonicalises locales', () => {
    expect(canonicalLocale('en-us')).toBe('en-US');
    expect(canonicalLocale('not a locale')).toBeUndefined();
  });
  it('checks calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2023-2-1')).toBe(false);
    expect(isCalendarDate('x2024-02-29')).toBe(false);
    expect(isCalendarDate('2024-02-29x')).toBe(false);
    expect(isCalendarDate('2023-13-01')).toBe(false);
    expect(isCalendarDate('2023-00-10')).toBe(false);
    // Years 0-99 would land in the 1900s.
    expect(isCalendarDate('0050-01-01')).toBe(false);
  });
});
