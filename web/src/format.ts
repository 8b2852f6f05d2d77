// Dates, numbers and money in the user's locale (the browser's).
const locale = navigator.language || 'en';

const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
const number = new Intl.NumberFormat(locale);

export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
export const formatDate = (iso: string) => date.format(new Date(iso));

/**
 * A number with the locale's digit grouping, as the wallets show points. A decimal string (the API's
 * tier metrics and thresholds) is formatted as the exact decimal it is, not through a float.
 */
export const formatNumber = (value: number | string) =>
  number.format(typeof value === 'string' ? (value as `${number}`) : value);

/** Points as a number; a cash unit (ISO 4217) from minor units, in its currency. */
export function formatAmount(amount: number, unit: string): string {
  if (unit === 'points') return `${number.format(amount)} pts`;
  const currency = new Intl.NumberFormat(locale, { style: 'currency', currency: unit });
  const digits = currency.resolvedOptions().maximumFractionDigits ?? 2;
  return currency.format(amount / 10 ** digits);
}

/**
 * A decimal string of a unit, as the API writes plan amounts and cashback ("50.00"): points grouped,
 * a currency in its format — formatted as the exact decimal it is, not through a float.
 */
export function formatDecimalAmount(decimal: string, unit: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(decimal)) return `${decimal} ${unit}`;
  if (unit === 'points') return `${formatNumber(decimal)} pts`;
  return new Intl.NumberFormat(locale, { style: 'currency', currency: unit }).format(decimal as `${number}`);
}
