// Checks of reference values (currencies, countries, time zones, locales) using the platform's Intl data.

const currencies = new Set(Intl.supportedValuesOf('currency'));
const timeZones = new Set(Intl.supportedValuesOf('timeZone'));
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** ISO 4217 alphabetic code known to the platform (e.g. EUR, USD). */
export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && currencies.has(code);
}

/** ISO 3166-1 alpha-2 region with a known name (e.g. NL, US). */
/** Codes Intl names that are not countries: groupings (EU, EZ, UN) and the user-assigned ranges. */
const NOT_COUNTRIES = /^(AA|Q[M-Z]|X[A-JL-Z]|ZZ|EU|EZ|UN)$/; // XK (Kosovo) is kept: it is in common use.

export function isCountry(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.test(code)) return false;
  const name = regionNames.of(code);
  return name !== undefined && name !== code;
}

/** IANA time zone name, or UTC. */
export function isTimeZone(zone: string): boolean {
  return zone === 'UTC' || timeZones.has(zone);
}

/** Canonical BCP 47 tag for a locale, or undefined when the tag is not well-formed. */
export function canonicalLocale(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** A calendar date `YYYY-MM-DD` that exists. */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}
