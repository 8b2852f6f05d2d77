import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTime, formatId, ID_PATTERN } from './ids.ts';

describe('ids', () => {
  it('sorts lexicographically in time order', () => {
    fc.assert(
      fc.property(fc.nat(2 ** 47), fc.nat(2 ** 47), (a, b) => {
        const ea = encodeTime(a);
        const eb = encodeTime(b);
        expect(Math.sign(ea.localeCompare(eb, 'en'))).toBe(Math.sign(a - b));
        expect(ea < eb).toBe(a < b);
      }),
    );
  });

  it('formats a prefixed id that matches the id pattern', () => {
    const id = formatId('acc', Date.UTC(2026, 0, 1), new Uint8Array(10).fill(255));
    expect(id).toMatch(ID_PATTERN);
    expect(id.startsWith('acc_')).toBe(true);
  });

  it('rejects a negative timestamp and short entropy', () => {
    expect(() => encodeTime(-1)).toThrow(RangeError);
    expect(() => formatId('acc', 0, new Uint8Array(2))).toThrow(RangeError);
  });
});
