import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRandom, encodeTime, formatId, ID_PATTERN } from './ids.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Reference encoding: the bytes as one big-endian number, its leading 5-bit groups as characters. */
function reference(bytes: Uint8Array, length: number): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  const bits = bytes.length * 8;
  let out = '';
  for (let i = 1; i <= length; i++) out += CROCKFORD[Number((value >> BigInt(bits - 5 * i)) & 31n)];
  return out;
}

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

  it('encodes the time as 10 Crockford base32 digits, most significant first', () => {
    expect(encodeTime(0)).toBe('0000000000');
    expect(encodeTime(32 ** 2 + 32 * 10 + 31)).toBe('00000001AZ');
    expect(encodeTime(Date.UTC(2026, 0, 1))).toBe('01KDVDNA00');
  });

  it('encodes the random bytes exactly, 5 bits a character', () => {
    // 0x00 0x44 0x32 0x14 0xC7 ... : 00000 00001 00010 00011 00100 00101 00110 00111 ...
    const bytes = Uint8Array.from([0x00, 0x44, 0x32, 0x14, 0xc7, 0x42, 0x54, 0xb6, 0x35, 0xcf]);
    expect(encodeRandom(bytes)).toBe('0123456789ABCDEF');
    expect(encodeRandom(bytes, 10)).toBe('0123456789');
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 10, maxLength: 10 }),
        fc.integer({ min: 1, max: 16 }),
        (b, n) => {
          expect(encodeRandom(b, n)).toBe(reference(b, n));
        },
      ),
    );
  });

  it('formats a prefixed id that matches the id pattern', () => {
    const id = formatId('acc', Date.UTC(2026, 0, 1), new Uint8Array(10).fill(255));
    expect(id).toBe('acc_01KDVDNA00ZZZZZZZZZZZZZZZZ');
    expect(id).toMatch(ID_PATTERN);
    expect(formatId('evt', 0, new Uint8Array(10))).toBe(`evt_${'0'.repeat(26)}`);
  });

  it('matches whole ids only', () => {
    const id = 'acc_01KDVDNA00ZZZZZZZZZZZZZZZZ';
    expect(ID_PATTERN.test(id)).toBe(true);
    expect(ID_PATTERN.test(`${id}0`)).toBe(false);
    expect(ID_PATTERN.test(`!${id}`)).toBe(false);
    expect(ID_PATTERN.test(`${id}!`)).toBe(false);
    expect(ID_PATTERN.test(id.replace('Z', 'U'))).toBe(false);
  });

  it('rejects a negative or fractional timestamp and short entropy', () => {
    expect(() => encodeTime(-1)).toThrow(RangeError);
    expect(() => encodeTime(1.5)).toThrow(/invalid timestamp: 1.5/);
    expect(() => formatId('acc', 0, new Uint8Array(2))).toThrow(RangeError);
    expect(() => encodeRandom(new Uint8Array(6), 10)).toThrow(/not enough entropy/);
  });
});
