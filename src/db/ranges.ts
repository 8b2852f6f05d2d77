// A time range over instants (either end open) and its SQL condition, for exports and reports that
// select rows by one of their timestamps.
import { type SQL, sql } from 'drizzle-orm';

/** Instants [start, end); a missing end is open. */
export interface TimeRange {
  start?: Date;
  end?: Date;
}

/** `and column >= start and column < end` for the ends given (nothing for an open range). */
export const rangeOn = (column: SQL, r: TimeRange) =>
  sql`${r.start ? sql`and ${column} >= ${r.start.toISOString()}` : sql``} ${r.end ? sql`and ${column} < ${r.end.toISOString()}` : sql``}`;
