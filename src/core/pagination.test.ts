import { describe, expect, it } from 'vitest';
import { FidelisError } from './errors.ts';
import { afterCursor, decodeCursor, encodeCursor, toPage } from './pagination.ts';

describe('pagination', () => {
  it('round-trips a cursor', () => {
    expect(decodeCursor(encodeCursor('acc_01'))).toBe('acc_01');
  });
  it('rejects foreign cursors', () => {
    expect(decodeCursor('not-base64-json')).toBeUndefined();
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(decodeCursor(cursor({ after: 1 }))).toBeUndefined();
    expect(decodeCursor(cursor({ after: ['acc_01'] }))).toBeUndefined();
    expect(decodeCursor(cursor(null))).toBeUndefined();
    // Keys are at most 64 characters.
    expect(decodeCursor(cursor({ after: 'k'.repeat(64) }))).toBe('k'.repeat(64));
    expect(decodeCursor(cursor({ after: 'k'.repeat(65) }))).toBeUndefined();
  });
  it('gives a next cursor only when more rows exist', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(toPage(rows, 2)).toEqual({ data: [{ id: 'a' }, { id: 'b' }], nextCursor: encodeCursor('b') });
    expect(toPage(rows, 3).nextCursor).toBeNull();
  });
  it('maps rows and keys the cursor by what the list is ordered on', () => {
    const rows = [
      { n: 1, at: 't1' },
      { n: 2, at: 't2' },
    ];
    expect(
      toPage(
        rows,
        1,
        (r) => r.n,
        (r) => r.at,
      ),
    ).toEqual({ data: [1], nextCursor: encodeCursor('t1') });
  });
  it('reads where a list continues, refusing foreign cursors', () => {
    expect(afterCursor(undefined)).toBeUndefined();
    expect(afterCursor(encodeCursor('acc_9'))).toBe('acc_9');
    expect(() => afterCursor('nope')).toThrow(FidelisError);
  });
});
