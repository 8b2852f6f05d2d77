// Membership terms and fees: calendar arithmetic and decimal money, pure (values in, values out).

export type Term = { months: number } | { days: number };

const DAY = 86_400_000;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * The end of term `n` of a membership anchored at `anchor` (n = 1: the end of the first term).
 * Months count on the UTC calendar from the anchor itself, so a membership started on 31 January
 * runs to 28/29 February, then 31 March (the day is clamped per month, never drifts).
 */
export function termEnd(anchor: Date, term: Term, n: number): Date {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`term number must be a whole number, got ${n}`);
  if ('days' in term) return new Date(anchor.getTime() + term.days * n * DAY);
  const total = anchor.getUTCMonth() + term.months * n;
  const year = anchor.getUTCFullYear() + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const day = Math.min(anchor.getUTCDate(), daysInMonth(year, month));
  return new Date(
    Date.UTC(
      year,
      month,
      day,
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}

/** Adds whole months on the UTC calendar (clamping the day), e.g. the end of a free period. */
export function addMonths(start: Date, months: number): Date {
  return termEnd(start, { months }, 1);
}

/**
 * The terms a due run must renew: every term end of the membership at or before `asOf`, starting
 * with its current term `current` (ending at termEnd(anchor, term, current)). Evaluated at each
 * term's end, so a late run renews exactly what runs on time would have.
 */
export function termsDue(anchor: Date, term: Term, current: number, asOf: Date, max = 1000): number[] {
  const due: number[] = [];
  for (let n = current; due.length < max && termEnd(anchor, term, n).getTime() <= asOf.getTime(); n++) {
    due.push(n);
  }
  return due;
}

export type FeeParse = { ok: true; minor: number } | { ok: false; reason: string };

/** Parses a fee ("49.90") into minor units of a currency with `digits` decimals; refuses negatives. */
export function feeToMinor(amount: string, digits: number): FeeParse {
  const m = /^(-)?(\d{1,12})(?:\.(\d{1,6}))?$/.exec(amount);
  if (!m) return { ok: false, reason: 'must be a decimal number such as "49.90"' };
  if (m[1]) return { ok: false, reason: 'must not be negative' };
  const fraction = m[3] ?? '';
  if (fraction.length > digits) {
    return { ok: false, reason: `has more than ${digits} decimals for this currency` };
  }
  return { ok: true, minor: Number(m[2]! + fraction.padEnd(digits, '0')) };
}

/** Formats minor units back as a decimal string with the currency's decimals ("49.90"). */
export function minorToFee(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const s = String(minor).padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/**
 * When a cancellation at `now` ends a membership: now, or at its term end if the due run has not
 * yet handled that; never before it began. Null for one that never started (pending).
 */
export function cancelledAt(startsAt: Date | null, endsAt: Date | null, now: Date): Date | null {
  if (endsAt === null || startsAt === null) return null;
  return new Date(Math.max(startsAt.getTime(), Math.min(endsAt.getTime(), now.getTime())));
}
