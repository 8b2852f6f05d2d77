// Referrals and sales claims, the pure part: code and invoice-number normalisation, the fraud guards
// an attribution goes through (each verdict explained), and the conversion window. No I/O, no clock.

/** What a guard does when it finds something: nothing, flag the referral for review, or refuse it. */
export type GuardAction = 'off' | 'flag' | 'refuse';

export interface ReferralGuards {
  /** Referrer and referred belong to the same group (the same top of the account hierarchy). */
  sameGroup: GuardAction;
  /** A contact of the referrer and one of the referred share an e-mail domain. */
  sameEmailDomain: GuardAction;
  /** More than `max` referrals by one referrer within `days`. */
  velocity: { max: number; days: number; action: GuardAction } | null;
}

export const DEFAULT_GUARDS: ReferralGuards = { sameGroup: 'flag', sameEmailDomain: 'flag', velocity: null };

/** What the guards look at, read by the caller before deciding. */
export interface AttributionFacts {
  referrerId: string;
  referredId: string;
  /** The top of each account's hierarchy (itself when it has no parent). */
  referrerTop: string;
  referredTop: string;
  referrerDomains: string[];
  referredDomains: string[];
  /** The referrer's referrals within the velocity window (before this one). */
  recentByReferrer: number;
  /** How many of those are earlier rows of the same import file (decision 0063); 0 elsewhere. */
  recentInFile?: number;
}

export interface GuardFinding {
  guard: 'same_account' | 'same_group' | 'same_email_domain' | 'velocity';
  action: 'flag' | 'refuse';
  reason: string;
}

/** Domains a guard ignores: shared mailbox providers say nothing about who owns a business. */
const PUBLIC_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'yahoo.com',
  'icloud.com',
  'me.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.de',
  'web.de',
  'aol.com',
]);

export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf('@');
  if (at < 0) return null;
  const domain = email
    .slice(at + 1)
    .trim()
    .toLowerCase();
  return domain.length === 0 || PUBLIC_DOMAINS.has(domain) ? null : domain;
}

/**
 * Every guard that finds something, in a fixed order. The same account referring itself is always
 * refused; the others do what the referral program says.
 */
export function checkAttribution(facts: AttributionFacts, guards: ReferralGuards): GuardFinding[] {
  const found: GuardFinding[] = [];
  if (facts.referrerId === facts.referredId) {
    found.push({ guard: 'same_account', action: 'refuse', reason: 'an account cannot refer itself' });
    return found;
  }
  if (guards.sameGroup !== 'off' && facts.referrerTop === facts.referredTop)
    found.push({
      guard: 'same_group',
      action: guards.sameGroup,
      reason: `referrer and referred belong to the same group (${facts.referrerTop})`,
    });
  if (guards.sameEmailDomain !== 'off') {
    const theirs = new Set(facts.referredDomains);
    const shared = [...new Set(facts.referrerDomains)].filter((d) => theirs.has(d)).sort();
    if (shared.length > 0)
      found.push({
        guard: 'same_email_domain',
        action: guards.sameEmailDomain,
        reason: `contacts of both accounts use the e-mail domain ${shared.join(', ')}`,
      });
  }
  const velocity = velocityFinding(facts.recentByReferrer, facts.recentInFile ?? 0, guards.velocity);
  if (velocity) found.push(velocity);
  return found;
}

/**
 * The velocity guard alone: `recent` referrals of the referrer within the window before this one
 * (`inFile` of them earlier rows of the same import file) reach the limit. The attribution's writer
 * calls it again with the count read under the referrer's lock (decision 0063).
 */
export function velocityFinding(
  recent: number,
  inFile: number,
  v: ReferralGuards['velocity'],
): GuardFinding | null {
  if (!v || v.action === 'off' || recent < v.max) return null;
  const file = inFile > 0 ? `, ${inFile} of them on earlier rows of this import file` : '';
  return {
    guard: 'velocity',
    action: v.action,
    reason: `the referrer made ${recent} referrals in the last ${v.days} days${file} (at most ${v.max})`,
  };
}

/** The verdict of the findings: refused when any refuses, in review when any flags, else accepted. */
export function verdictOf(found: GuardFinding[]): 'refuse' | 'review' | 'accept' {
  if (found.some((f) => f.action === 'refuse')) return 'refuse';
  return found.length > 0 ? 'review' : 'accept';
}

const DAY_MS = 86_400_000;

/** Whether an account that joined at `joinedAt` may still be attributed at `at` (within `days` of joining). */
export function withinAttributionWindow(joinedAt: Date, at: Date, days: number): boolean {
  return at.getTime() - joinedAt.getTime() <= days * DAY_MS;
}

/** The instant a referral attributed at `attributedAt` must convert before. */
export function convertBy(attributedAt: Date, windowDays: number): Date {
  return new Date(attributedAt.getTime() + windowDays * DAY_MS);
}

/**
 * Whether an event that occurred at `occurredAt` is in time for a referral that must convert before
 * `deadline`. Only events recorded after the attribution are ever looked at (the events' after-commit
 * hook sees new events only), so an event stamped a moment before the attribution (a client clock, a
 * second-precision timestamp) still counts.
 */
export function convertsWithin(deadline: Date, occurredAt: Date): boolean {
  return occurredAt.getTime() < deadline.getTime();
}

/** A referral code as stored and matched: trimmed, upper case ("fjord-2026 " → "FJORD-2026"). */
export function normaliseCode(code: string): string {
  return code.trim().toUpperCase();
}

export const CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{3,31}$/;

/**
 * An invoice number as duplicates are found: case, spaces, dashes, dots and slashes ignored
 * ("inv-2026/001" = "INV 2026 001" = "INV2026001").
 */
export function normaliseInvoice(invoice: string): string {
  return invoice.replace(/[\s\-./_]/g, '').toUpperCase();
}

/** Crockford's base32 alphabet (no I, L, O, U): codes people read out and type. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A code of `length` characters from random bytes the caller draws (one byte a character). */
export function codeFromBytes(bytes: Uint8Array): string {
  return [...bytes].map((b) => ALPHABET[b % 32]).join('');
}
