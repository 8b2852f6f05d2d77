// Prefixed, time-sortable identifiers: `acc_01JD3…`. Pure: the caller supplies time and entropy.

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Encodes a millisecond timestamp as 10 Crockford base32 characters (sortable). */
export function encodeTime(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`invalid timestamp: ${ms}`);
  let out = '';
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** Encodes random bytes as Crockford base32, 5 bits per character. */
export function encodeRandom(bytes: Uint8Array, length = 16): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (out.length < length) throw new RangeError('not enough entropy for the requested length');
  return out;
}

export function formatId(prefix: string, ms: number, entropy: Uint8Array): string {
  return `${prefix}_${encodeTime(ms)}${encodeRandom(entropy)}`;
}

export const ID_PATTERN = /^[a-z]{2,4}_[0-9A-HJKMNP-TV-Z]{26}$/;
