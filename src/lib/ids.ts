import { randomBytes } from 'node:crypto';
import { formatId } from '../core/ids.ts';

export type IdPrefix =
  | 'prg'
  | 'msg'
  | 'whe'
  | 'whd'
  | 'wha'
  | 'ntm'
  | 'plk'
  | 'psn'
  | 'key'
  | 'acc'
  | 'con'
  | 'wal'
  | 'ent'
  | 'lot'
  | 'aud'
  | 'evt'
  | 'rul'
  | 'tld'
  | 'tch'
  | 'rwd'
  | 'cod'
  | 'ses'
  | 'red'
  | 'rev'
  | 'chr'
  | 'don'
  | 'pay'
  | 'mpl'
  | 'mem'
  | 'mev'
  | 'etl'
  | 'imp'
  | 'usr'
  | 'csn'
  | 'bga'
  | 'srv'
  | 'ans'
  | 'rfl'
  | 'clm'
  | 'cml'
  | 'prn'
  | 'ppo'
  | 'egr'
  | 'eus'
  | 'rel';

let lastMs = 0;
let lastEntropy: Uint8Array = new Uint8Array(10);

/** Increments the entropy as one big-endian number, so ids made in the same millisecond stay in order. */
function increment(bytes: Uint8Array): Uint8Array {
  const next = Uint8Array.from(bytes);
  for (let i = next.length - 1; i >= 0; i--) {
    next[i] = (next[i]! + 1) & 0xff;
    if (next[i] !== 0) return next;
  }
  return randomBytes(10);
}

/** A new prefixed, time-sortable id (`acc_01J…`), monotonic within this process. */
export function newId(prefix: IdPrefix): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    lastEntropy = randomBytes(10);
  } else {
    lastEntropy = increment(lastEntropy);
  }
  return formatId(prefix, lastMs, lastEntropy);
}
