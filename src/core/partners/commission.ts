// Commissions, exactly: periods in a program's time zone, a percentage (flat or tiered by volume) of
// referred revenue in integer minor units, target bonuses, clawbacks of returned revenue, and a
// partner's payout statement. No floats: rates are decimal strings, amounts BigInt minor units.
import { addMonths, type LocalDate, localDate, startOfLocalDay } from '../calendar.ts';
import { divRound, parseDecimal } from '../money.ts';
import { indexOfKey, periodStartDate } from './payout-period.ts';

export type CommissionPeriod = 'month' | 'quarter';

/** A calendar month or quarter in a time zone: its key ("2026-11", "2026-Q4") and [start, end). */
export interface PeriodWindow {
  key: string;
  start: Date;
  end: Date;
}

function windowOf(first: LocalDate, months: number, key: string, timeZone: string): PeriodWindow {
  return {
    key,
    start: startOfLocalDay(first, timeZone),
    end: startOfLocalDay(addMonths(first, months), timeZone),
  };
}

/** The month or quarter (in the time zone) that contains `instant`. */
export function periodContaining(instant: Date, period: CommissionPeriod, timeZone: string): PeriodWindow {
  const local = localDate(instant, timeZone);
  if (period === 'month') {
    const key = `${local.year}-${String(local.month).padStart(2, '0')}`;
    return windowOf({ year: local.year, month: local.month, day: 1 }, 1, key, timeZone);
  }
  const quarter = Math.floor((local.month - 1) / 3) + 1;
  return windowOf(
    { year: local.year, month: (quarter - 1) * 3 + 1, day: 1 },
    3,
    `${local.year}-Q${quarter}`,
    timeZone,
  );
}

/** A period as written ("2026-11", "2026-Q4" or the ISO week "2026-W49") in the time zone, or null when it is none. */
export function parsePeriod(text: string, timeZone: string): PeriodWindow | null {
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (month) return windowOf({ year: Number(month[1]), month: Number(month[2]), day: 1 }, 1, text, timeZone);
  const quarter = /^(\d{4})-Q([1-4])$/.exec(text);
  if (quarter)
    return windowOf(
      { year: Number(quarter[1]), month: (Number(quarter[2]) - 1) * 3 + 1, day: 1 },
      3,
      text,
      timeZone,
    );
  const week = indexOfKey(text, 'weekly');
  if (week !== null)
    return {
      key: text,
      start: startOfLocalDay(periodStartDate(week, 'weekly'), timeZone),
      end: startOfLocalDay(periodStartDate(week + 1, 'weekly'), timeZone),
    };
  return null;
}

/** Rates are percentages with at most 12 decimals; scaled to integers over this denominator. */
const RATE_SCALE = 10n ** 12n;

function scaledRate(rate: string): bigint {
  const { numerator, denominator } = parseDecimal(rate);
  return (numerator * RATE_SCALE) / denominator;
}

/** Whether `rate` is a percentage from 0 to 100 with at most 12 decimals. */
export function isRate(rate: string): boolean {
  try {
    return scaledRate(rate) <= 100n * RATE_SCALE;
  } catch {
    return false;
  }
}

/**
 * `rate` percent of `revenue` (minor units of the revenue's currency), in minor units of the
 * commission's unit: `divisor` is 1 for cash in the revenue's currency, 10^digits for points (a
 * point per major unit). Rounded half away from zero.
 */
export function percentOf(revenue: bigint, rate: string, divisor = 1n): bigint {
  return divRound(revenue * scaledRate(rate), RATE_SCALE * 100n * divisor);
}

/** A volume tier: from this volume (minor units) on, this rate applies to the part above it. */
export interface Tier {
  from: bigint;
  rate: string;
}

/**
 * The commission on a cumulative volume under marginal tiers (each part of the volume at the rate
 * of the tier it falls in), rounded once. A line's commission is the difference of this function
 * before and after its revenue, so a period's lines add up to the commission on its whole volume.
 */
export function tieredTotal(volume: bigint, tiers: readonly Tier[], divisor = 1n): bigint {
  if (volume <= 0n) return 0n;
  const sorted = [...tiers].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  let sum = 0n;
  sorted.forEach((tier, i) => {
    const next = sorted[i + 1]?.from;
    const top = next === undefined || next > volume ? volume : next;
    if (top > tier.from) sum += (top - tier.from) * scaledRate(tier.rate);
  });
  return divRound(sum, RATE_SCALE * 100n * divisor);
}

/** The commission of revenue that takes the period's volume from `before` to `before + revenue`. */
export function tieredLine(before: bigint, revenue: bigint, tiers: readonly Tier[], divisor = 1n): bigint {
  return tieredTotal(before + revenue, tiers, divisor) - tieredTotal(before, tiers, divisor);
}

/** Whether revenue taking the period's volume from `before` to `after` reaches the target. */
export function reachesTarget(before: bigint, after: bigint, target: bigint): boolean {
  return before < target && after >= target;
}

/**
 * What a return takes back of a commission line: the share of the line that the revenue returned so
 * far stands for, less what earlier returns took (so partial returns add up exactly to the line).
 */
export function clawbackOf(
  line: { amount: bigint; revenue: bigint },
  returnedBefore: bigint,
  returnedNow: bigint,
): bigint {
  if (line.revenue <= 0n) return 0n;
  const share = (returned: bigint) => {
    const capped = returned > line.revenue ? line.revenue : returned;
    return divRound(line.amount * capped, line.revenue);
  };
  return share(returnedBefore + returnedNow) - share(returnedBefore);
}

/** A partner's statement in a payout run: what it carried in, earned, lost, is paid and carries on. */
export interface Statement {
  openingBalance: number;
  commissions: number;
  clawbacks: number;
  payout: number;
  closingBalance: number;
}

/**
 * The statement of a partner: `carried` is what was owed before the period (commission lines due
 * before it, less earlier payouts); `commissions` and `clawbacks` what the period's lines add and
 * take; the payout is what is owed, capped by what the wallet holds, when it reaches `minimum`.
 */
export function statementOf(input: {
  carried: number;
  commissions: number;
  clawbacks: number;
  available: number;
  minimum: number;
}): Statement {
  const owed = input.carried + input.commissions - input.clawbacks;
  const payable = Math.min(owed, input.available);
  const payout = payable >= input.minimum && payable > 0 ? payable : 0;
  return {
    openingBalance: input.carried,
    commissions: input.commissions,
    clawbacks: input.clawbacks,
    payout,
    closingBalance: owed - payout,
  };
}
