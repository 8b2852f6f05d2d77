// A reward in several currencies (decision 0057): the values it states per currency (its price's worth
// and its face value), their checks, and the reward shown in one currency — the stated value where
// there is one, else converted at the program's exchange rates in force, saying so.
import { divide, minorDigits, parseDecimal, valueInMinorUnits } from '../../core/money.ts';
import { isCurrency } from '../../core/reference.ts';
import type { CurrencyValue } from './rewards-tables.ts';

/** At most this many currencies per reward. */
export const MAX_CURRENCY_VALUES = 30;

/** What the checks need of the reward as it will be after the write. */
interface Priced {
  price: { amount: number; unit: string };
  faceValue?: { amount: number; currency: string } | null;
  currencyValues?: CurrencyValue[];
}

/** Field errors of `currencyValues`: known currencies, each once, something stated, a face value to state. */
export function currencyValueProblems(reward: Priced): Record<string, string> {
  const fields: Record<string, string> = {};
  const seen = new Set<string>();
  (reward.currencyValues ?? []).forEach((v, i) => {
    const at = `currencyValues/${i}`;
    if (!isCurrency(v.currency)) fields[`${at}/currency`] = `unknown currency ${v.currency}`;
    else if (seen.has(v.currency)) fields[`${at}/currency`] = `${v.currency} is listed twice`;
    seen.add(v.currency);
    if (v.price === undefined && v.faceValue === undefined)
      fields[at] = 'states neither a price nor a face value';
    if (v.price !== undefined && reward.price.unit === v.currency)
      fields[`${at}/price`] = `the price is already in ${v.currency}`;
    if (v.faceValue !== undefined) {
      if (!reward.faceValue)
        fields[`${at}/faceValue`] = 'the reward has no faceValue to state in other currencies';
      else if (reward.faceValue.currency === v.currency)
        fields[`${at}/faceValue`] = `the faceValue is already in ${v.currency}`;
    }
  });
  return fields;
}

/** A rate into the base currency (units of the base per one unit of the currency), and from when. */
export interface RateInForce {
  rate: string;
  effectiveFrom: Date;
}

/** The program's money facts for showing a reward in a currency. */
export interface CurrencyContext {
  baseCurrency: string;
  costPerPoint: string;
  /** The rates in force now, by currency (the base currency has none). */
  rates: ReadonlyMap<string, RateInForce>;
}

/** Minor units of `from` in `to` through the base currency's rates; null when a rate is missing. */
export function convertThroughBase(
  minor: number,
  from: string,
  to: string,
  context: CurrencyContext,
): number | null {
  if (from === to) return minor;
  const rateOf = (currency: string) =>
    currency === context.baseCurrency ? { numerator: 1n, denominator: 1n } : rateFraction(context, currency);
  const a = rateOf(from);
  const b = rateOf(to);
  if (!a || !b) return null;
  // minor × (base per from) ÷ (base per to), moved between the two currencies' minor digits.
  const shift = minorDigits(to) - minorDigits(from);
  const n = BigInt(minor) * a.numerator * b.denominator * (shift > 0 ? 10n ** BigInt(shift) : 1n);
  const d = a.denominator * b.numerator * (shift < 0 ? 10n ** BigInt(-shift) : 1n);
  return Number(divide(n, d, 'half_even'));
}

function rateFraction(context: CurrencyContext, currency: string) {
  const found = context.rates.get(currency);
  return found ? parseDecimal(found.rate) : undefined;
}

/** How a value shown in the asked currency was had. */
export type ValueSource = 'stated' | 'converted';

export interface InCurrency {
  currency: string;
  price: { minorUnits: number; source: ValueSource } | null;
  faceValue: { amount: number; source: ValueSource } | null;
  /** The rates used for what was converted, and anything that could not be shown. */
  note: string | null;
}

/**
 * The reward's price (what it is worth) and face value in `currency`: the values the reward states
 * for it, else its own converted at the rates in force (points at the cost per point in the base
 * currency first). What has no rate is null, and the note says why.
 */
export function inCurrency(
  reward: {
    priceAmount: number;
    priceUnit: string;
    faceValueAmount: number | null;
    faceValueCurrency: string | null;
    currencyValues: CurrencyValue[];
  },
  currency: string,
  context: CurrencyContext,
): InCurrency {
  const stated = reward.currencyValues.find((v) => v.currency === currency);
  const used = new Set<string>();
  const missing = new Set<string>();
  const convert = (minor: number, from: string): number | null => {
    const out = convertThroughBase(minor, from, currency, context);
    for (const c of [from, currency])
      if (c !== context.baseCurrency) (context.rates.has(c) ? used : missing).add(c);
    return out;
  };

  let price: InCurrency['price'] = null;
  if (stated?.price !== undefined) price = { minorUnits: stated.price, source: 'stated' };
  else if (reward.priceUnit === currency) price = { minorUnits: reward.priceAmount, source: 'stated' };
  else {
    const [minor, from] =
      reward.priceUnit === 'points'
        ? [
            valueInMinorUnits(reward.priceAmount, context.costPerPoint, context.baseCurrency),
            context.baseCurrency,
          ]
        : [reward.priceAmount, reward.priceUnit];
    const converted = convert(minor, from);
    price = converted === null ? null : { minorUnits: converted, source: 'converted' };
  }

  let faceValue: InCurrency['faceValue'] = null;
  if (reward.faceValueAmount !== null && reward.faceValueCurrency !== null) {
    if (stated?.faceValue !== undefined) faceValue = { amount: stated.faceValue, source: 'stated' };
    else if (reward.faceValueCurrency === currency)
      faceValue = { amount: reward.faceValueAmount, source: 'stated' };
    else {
      const converted = convert(reward.faceValueAmount, reward.faceValueCurrency);
      faceValue = converted === null ? null : { amount: converted, source: 'converted' };
    }
  }

  const notes: string[] = [];
  if (used.size > 0)
    notes.push(
      `Converted at the program's exchange rates in force: ${[...used]
        .sort()
        .map((c) => {
          const r = context.rates.get(c)!;
          return `1 ${c} = ${r.rate} ${context.baseCurrency} (from ${r.effectiveFrom.toISOString().slice(0, 10)})`;
        })
        .join('; ')}`,
    );
  if (missing.size > 0)
    notes.push(`No exchange rate for ${[...missing].sort().join(', ')}: not shown in ${currency}`);
  return { currency, price, faceValue, note: notes.length > 0 ? notes.join('. ') : null };
}
