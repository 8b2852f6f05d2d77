// Opaque cursors for keyset pagination over sortable ids.

export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId }), 'utf8').toString('base64url');
}

/** The id to continue after, or undefined when the cursor is not one of ours. */
export function decodeCursor(cursor: string): string | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    return typeof value.after === 'string' && value.after.length <= 64 ? value.after : undefined;
  } catch {
    return undefined;
  }
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Given limit+1 rows fetched in id order, the page and the cursor to the next one. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}
