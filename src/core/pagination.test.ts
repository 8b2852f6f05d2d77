import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, toPage } from './pagination.ts';

describe('pagination', () => {
  it('round-trips a cursor', () => {
    expect(decodeCursor(encodeCursor('acc_01'))).toBe('acc_01');
  });
  it('rejects foreign cursors', () => {
    expect(decodeCursor('not-base64-json')).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"after":1}').toString('base64url'))).toBeUndefined();
  });
  it('gives a next cursor only when more rows exist', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(toPage(rows, 2)).toEqual({ data: [{ id: 'a' }, { id: 'b' }], nextCursor: encodeCursor('b') });
    expect(toPage(rows, 3).nextCursor).toBeNull();
  });
});
