// When earned points expire, by program policy, in the program's time zone.
import { addMonths, localDate, nextDayStart, startOfLocalDay } from '../calendar.ts';

export type ExpiryPolicy =
  | { kind: 'none' }
  | { kind: 'months_after_earning'; months: number }
  | { kind: 'end_of_quarter'; quartersAfter: number }
  | { kind: 'end_of_year'; yearsAfter: number };

/**
 * The instant points earned at `earnedAt` expire under the policy, or null for never.
 * "End of a period" means the first instant of the next period in the program's zone.
 */
export function expiryFor(policy: ExpiryPolicy, earnedAt: Date, timeZone: string): Date | null {
  const local = localDate(earnedAt, timeZone);
  switch (policy.kind) {
    case 'none':
      return null;
    case 'months_after_earning':
      // Points expire at the end of the same calendar day N months later (the start of the next day).
      return nextDayStart(addMonths(local, policy.months), timeZone);
    case 'end_of_quarter': {
      const quarterStartMonth = Math.floor((local.month - 1) / 3) * 3 + 1;
      const next = addMonths(
        { year: local.year, month: quarterStartMonth, day: 1 },
        3 * (policy.quartersAfter + 1),
      );
      return startOfLocalDay(next, timeZone);
    }
    case 'end_of_year':
      return startOfLocalDay({ year: local.year + policy.yearsAfter + 1, month: 1, day: 1 }, timeZone);
  }
}
