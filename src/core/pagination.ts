// Opaque cursors for keyset pagination over sortable keys: every list of the API pages the same way.
import { FidelisError } from './errors.ts';

export const DEFAULT_LIMIT = 50;

export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId }), 'utf8').toString('base64url');
}

/**
 * The key to continue after, or undefined when the cursor is not one of ours. Keys are ids (64
 * characters at most) unless a list whose key is longer says how long it may be.
 */
export function decodeCursor(cursor: string, maxLength = 64): string | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    return typeof value.after === 'string' && value.after.length <= maxLength ? value.after : undefined;
  } catch {
    return undefined;
  }
}

/** Where a list continues: undefined for the first page; a cursor that is not ours is `invalid_cursor`. */
export function afterCursor(cursor: string | undefined, maxLength?: number): string | undefined {
  if (cursor === undefined) return undefined;
  const after = decodeCursor(cursor, maxLength);
  if (after === undefined) throw new FidelisError('invalid_cursor');
  return after;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Given limit+1 rows fetched in key order, the page (each row mapped) and the cursor to the next one.
 * The key is the row's id unless `keyOf` says otherwise.
 */
export function toPage<R, T = R>(
  rows: R[],
  limit: number,
  map: (row: R) => T = (row) => row as unknown as T,
  keyOf: (row: R) => string = (row) => (row as { id: string }).id,
): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return { data: kept.map(map), nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}

/** What a list request names: where to continue, and how many at most. */
export interface PageQuery {
  cursor?: string;
  limit?: number;
}

/**
 * One page of a list: `fetch` reads up to `limit` rows in key order after the cursor's key (one
 * more than the page holds, to know whether another page follows); each row is mapped by `map`.
 */
export async function fetchPage<R, T = R>(
  query: PageQuery,
  fetch: (after: string | undefined, limit: number) => Promise<R[]>,
  map?: (row: R) => T,
  keyOf?: (row: R) => string,
): Promise<Page<T>> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  return toPage(await fetch(afterCursor(query.cursor), limit + 1), limit, map, keyOf);
}
