// Signing in to the member portal by e-mail (decision 0029): a member types their address on the
// portal's page; if it is a contact of that portal's program, Fidelis mails a one-time link. The answer
// is the same whether or not the address is a member's: it is given before anything is looked up, and
// the lookup, the link and the mail happen afterwards, off the request. Requests are limited per
// address and per client address (per server instance, in memory, like console sign-in failures).
import { FidelisError } from '../../core/errors.ts';

/** How long a mailed link may be opened: longer than the operator's (mail takes a while), still short. */
export const MAILED_LINK_MINUTES = 15;

export interface SignInLimits {
  /** Requests per address within the window. */
  perAddress: number;
  /** Requests per client address within the window. */
  perClient: number;
  windowMs: number;
}

export const SIGN_IN_LIMITS: SignInLimits = { perAddress: 3, perClient: 20, windowMs: 15 * 60_000 };

/** A sliding window of request times per key, bounded in memory. */
export function slidingLimiter(max: number, windowMs: number) {
  const seen = new Map<string, number[]>();
  return {
    /** Counts a request for `key` at `now`; answers the seconds to wait when it is over the limit. */
    take(key: string, now: number): number | null {
      const recent = (seen.get(key) ?? []).filter((t) => now - t < windowMs);
      if (recent.length >= max) {
        seen.set(key, recent);
        return Math.max(1, Math.ceil((recent[0]! + windowMs - now) / 1000));
      }
      // Bounded memory: a flood of keys starts the counts afresh rather than growing the map.
      if (seen.size >= 100_000) seen.clear();
      recent.push(now);
      seen.set(key, recent);
      return null;
    },
  };
}

/** The limits of mailed sign-ins: per program and address, and per client address. */
export function signInLimiter(limits: SignInLimits = SIGN_IN_LIMITS) {
  const byAddress = slidingLimiter(limits.perAddress, limits.windowMs);
  const byClient = slidingLimiter(limits.perClient, limits.windowMs);
  return {
    /** Refuses with `portal_sign_in_rate_limited` (and when to retry) past either limit. */
    check(programId: string, address: string, client: string, now = Date.now()): void {
      const wait = byClient.take(client, now) ?? byAddress.take(`${programId}:${address}`, now);
      if (wait !== null)
        throw new FidelisError(
          'portal_sign_in_rate_limited',
          `Too many sign-in links asked for; try again in ${wait} seconds`,
          { retryAfter: wait },
        );
    },
  };
}

/** An e-mail address as contacts are found by it. */
export const normalAddress = (email: string) => email.trim().toLowerCase();
