// Calendar arithmetic in a program's time zone (Intl only: no clock reads, no dependencies).

export interface LocalDate {
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

const HOUR = 3_600_000;
/** Bounded memo tables: cleared whole when full (they only save work; any answer can be recomputed). */
const MEMO_MAX = 100_000;
/** `${zone}|${hour index}` → the zone's offset throughout that UTC hour, or null when it changes within it. */
const steadyOffsets = new Map<string, number | null>();
/** `${zone}|${yyyymmdd}` → the instant local midnight starts that date. */
const dayStarts = new Map<string, number>();

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(key, value);
  return value;
}

/**
 * The zone's offset at an instant when it holds for the instant's whole UTC hour (formatting with
 * Intl is costly, and offsets change a few times a year): read once per zone and hour, at both ends
 * of the hour. Null in an hour where it changes: the caller asks Intl about the instant itself.
 */
function steadyOffset(instant: Date, timeZone: string): number | null {
  const hour = Math.floor(instant.getTime() / HOUR);
  const key = `${timeZone}|${hour}`;
  const known = steadyOffsets.get(key);
  if (known !== undefined) return known;
  const first = offsetAt(new Date(hour * HOUR), timeZone);
  const last = offsetAt(new Date(hour * HOUR + HOUR - 1000), timeZone);
  return remember(steadyOffsets, key, first === last ? first : null);
}

export function localDate(instant: Date, timeZone: string): LocalDate {
  const offset = steadyOffset(instant, timeZone);
  if (offset !== null) {
    const local = new Date(instant.getTime() + offset);
    return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
  }
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
  const key = `${timeZone}|${date.year * 10_000 + date.month * 100 + date.day}`;
  const known = dayStarts.get(key);
  if (known !== undefined) return new Date(known);
  return new Date(remember(dayStarts, key, findStartOfLocalDay(date, timeZone).getTime()));
}

function findStartOfLocalDay(date: LocalDate, timeZone: string): Date {
  const guess = Date.UTC(date.year, date.month - 1, date.day);
  const day = 86_400_000;
  const key = (d: LocalDate) => d.year * 10_000 + d.month * 100 + d.day;
  const target = key(date);
  // Local midnight under each offset in force around that date; where the clocks jump at midnight
  // some of these fall on the day before. The earliest one that is on the date starts it.
  const candidates = [guess - day, guess, guess + day].map((t) => guess - offsetAt(new Date(t), timeZone));
  const onDate = candidates.filter((c) => key(localDate(new Date(c), timeZone)) === target);
  if (onDate.length > 0) return new Date(Math.min(...onDate));
  // The date does not exist in the zone (a skipped day): the next day starts where it would have.
  const after = candidates.filter((c) => key(localDate(new Date(c), timeZone)) > target);
  return new Date(Math.min(...(after.length > 0 ? after : candidates)));
}

export function addMonths(d: LocalDate, months: number): LocalDate {
  const index = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { year, month, day: Math.min(d.day, lastDay) };
}

export function nextDayStart(d: LocalDate, timeZone: string): Date {
  const utc = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return startOfLocalDay(
    { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() },
    timeZone,
  );
}

export type Period = 'day' | 'month' | 'year';

/** The local calendar day, month or year containing `instant`, as a half-open UTC interval [start, end). */
export function periodOf(instant: Date, period: Period, timeZone: string): { start: Date; end: Date } {
  const local = localDate(instant, timeZone);
  const first: LocalDate =
    period === 'day'
      ? local
      : period === 'month'
        ? { ...local, day: 1 }
        : { year: local.year, month: 1, day: 1 };
  const next = period === 'day' ? null : addMonths(first, period === 'month' ? 1 : 12);
  return {
    start: startOfLocalDay(first, timeZone),
    end: next ? startOfLocalDay(next, timeZone) : nextDayStart(first, timeZone),
  };
}
