// The points or cashback a rule's effects give one event, before multipliers and caps: fixed, per amount
// (of the money amount or of a numeric attribute), percent and per item. Pure.
import { displayAmount, divide, minorDigits, parseDecimal, type Rounding } from '../money.ts';
import type { EvaluationInput } from './evaluate.ts';
import type { AwardAs, Effect, ItemRate, RuleDocument } from './rule.ts';

export function fraction(value: string): { n: bigint; d: bigint } {
  const { numerator, denominator } = parseDecimal(value);
  return { n: numerator, d: denominator };
}

/** A positive finite number as a plain decimal string (no exponent), for exact arithmetic. */
function decimalOf(x: number): string | null {
  const text = x.toFixed(9).replace(/\.?0+$/, '');
  return text === '0' ? null : text;
}

function itemMatches(rate: ItemRate, item: { sku: string; category: string }): boolean {
  const { skus, categories } = rate.match;
  if (!skus?.length && !categories?.length) return true;
  return (skus?.includes(item.sku) ?? false) || (categories?.includes(item.category) ?? false);
}

interface Computed {
  amount: bigint;
  words: string[];
}

/** The points or cashback of a rule's effects, before multipliers and caps. */
export function computeEffects(
  doc: RuleDocument,
  input: EvaluationInput,
  bonusGiven: boolean,
): Computed & {
  tierCredits: number;
  notes: string[];
} {
  const digits = 10n ** BigInt(minorDigits(input.baseCurrency));
  const money = (minor: bigint) => displayAmount(minor, input.baseCurrency, input.locale);
  const base = input.baseMinor;
  let amount = 0n;
  let tierCredits = 0;
  const words: string[] = [];
  const notes: string[] = [];
  const percentOf = (minor: bigint, percent: string, as: AwardAs, rounding: Rounding) => {
    const p = fraction(percent);
    return as === 'cashback'
      ? divide(minor * p.n, p.d * 100n, rounding)
      : divide(minor * p.n, p.d * 100n * digits, rounding);
  };
  for (const e of doc.effects as Effect[]) {
    switch (e.kind) {
      case 'fixed':
        if (e.oncePerAccount && bonusGiven) {
          notes.push('the one-off bonus was already given to this account');
          break;
        }
        if (e.cashback !== undefined) {
          const c = fraction(e.cashback);
          const got = divide(c.n * digits, c.d, 'down');
          amount += got;
          words.push(`${money(got)} cashback${e.oncePerAccount ? ' (one-off bonus)' : ''}`);
          break;
        }
        amount += BigInt(e.points ?? 0);
        words.push(
          `${e.points} point${e.points === 1 ? '' : 's'}${e.oncePerAccount ? ' (one-off bonus)' : ''}`,
        );
        break;
      case 'per_amount': {
        const per = fraction(e.per);
        const rate = fraction(e.cashback ?? e.points ?? '0');
        const rounding = e.rounding ?? 'down';
        const what =
          e.cashback !== undefined
            ? `${money(divide(rate.n * digits, rate.d, 'down'))} cashback`
            : `${e.points} point${e.points === '1' ? '' : 's'}`;
        const shown = (got: bigint) => (e.cashback !== undefined ? money(got) : String(got));
        if (e.of !== undefined) {
          // A quantity from a numeric attribute (nights, kilograms): the rate for every `per` of it.
          const raw = input.facts.event.attributes[e.of];
          const quantity = typeof raw === 'number' && Number.isFinite(raw) && raw > 0 ? decimalOf(raw) : null;
          if (quantity === null) {
            notes.push(`the event has no positive number ${e.of}`);
            break;
          }
          const q = fraction(quantity);
          const scale = e.cashback !== undefined ? digits : 1n;
          const got = divide(q.n * rate.n * per.d * scale, q.d * rate.d * per.n, rounding);
          amount += got;
          words.push(`${what} per ${e.per === '1' ? '' : `${e.per} `}${e.of} on ${quantity} = ${shown(got)}`);
          break;
        }
        if (base === null) {
          notes.push('the event has no amount');
          break;
        }
        const got =
          e.cashback !== undefined
            ? divide(base * rate.n * per.d, rate.d * per.n, rounding)
            : divide(base * rate.n * per.d, rate.d * per.n * digits, rounding);
        amount += got;
        words.push(
          `${what} per ${e.per === '1' ? '' : `${e.per} `}${input.baseCurrency} on ${money(base)} = ${shown(got)}`,
        );
        break;
      }
      case 'percent': {
        if (base === null) {
          notes.push('the event has no amount');
          break;
        }
        const got = percentOf(base, e.percent, e.as, e.rounding ?? 'down');
        amount += got;
        words.push(
          `${e.percent}% of ${money(base)} = ${e.as === 'cashback' ? `${money(got)} cashback` : `${got} points`}`,
        );
        break;
      }
      case 'per_item': {
        let got = 0n;
        let counted = 0;
        input.facts.event.items.forEach((item, i) => {
          const rate = e.rates.find((r) => itemMatches(r, item));
          if (!rate) return;
          const itemBase = input.itemBaseMinor[i] ?? null;
          if (rate.pointsPerQuantity !== undefined) {
            got += BigInt(rate.pointsPerQuantity * item.quantity);
          } else if (itemBase === null) {
            return;
          } else if (rate.percent !== undefined) {
            got += percentOf(itemBase, rate.percent, e.as, e.rounding ?? 'down');
          } else if (rate.pointsPerUnit !== undefined) {
            const r = fraction(rate.pointsPerUnit);
            got += divide(itemBase * r.n, r.d * digits, e.rounding ?? 'down');
          }
          counted++;
        });
        if (counted === 0) {
          notes.push('no item of the event matches the rule');
          break;
        }
        amount += got;
        words.push(
          `${counted} matching item${counted === 1 ? '' : 's'} = ${e.as === 'cashback' ? `${money(got)} cashback` : `${got} points`}`,
        );
        break;
      }
      case 'tier_credit':
        tierCredits += e.credits;
        words.push(`${e.credits} tier credits`);
        break;
      case 'multiplier':
        break;
    }
  }
  return { amount, words, tierCredits, notes };
}
