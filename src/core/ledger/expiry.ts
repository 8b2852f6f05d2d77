// When earned points expire, by program policy, in the program's time zone.

export type ExpiryPolicy =
  | { kind: 'none' }
  | { kind: 'months_after_earning'; months: number }
  | { kind: 'end_of_quarter'; quartersAfter: number }
  | { kind: 'end_of_year'; yearsAfter: number };

interface LocalDate {
  year: number;
  month: number; // 1..12
  day: number;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** Formatters are costly to build; one per zone is kept. */
function formatter(
  cache: Map<string, Intl.DateTimeFormat>,
  timeZone: string,
  withTime: boolean,
): Intl.DateTimeFormat {
  let f = cache.get(timeZone);
  if (!f) {
    f = withTime
      ? new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
        })
      : new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    cache.set(timeZone, f);
  }
  return f;
}

function localDate(instant: Date, timeZone: string): LocalDate {
  const parts = formatter(dateFormats, timeZone, false).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** Offset (ms) of the zone from UTC at an instant. */
function offsetAt(instant: Date, timeZone: string): number {
  const parts = formatter(timeFormats, timeZone, true).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The UTC instant of local midnight starting the given local date. */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const guess = Date.UTC(date.year, date.month - 1, date.day);
  let instant = guess - offsetAt(new Date(guess), timeZone);
  // A second pass settles days where the offset changes around midnight.
  instant = guess - offsetAt(new Date(instant), timeZone);
  return new Date(instant);
}

function addMonths(d: LocalDate, months: number): LocalDate {
  const index = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { year, month, day: Math.min(d.day, lastDay) };
}

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

function nextDayStart(d: LocalDate, timeZone: string): Date {
  const utc = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return startOfLocalDay(
    { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() },
    timeZone,
  );
}
