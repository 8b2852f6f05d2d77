// Entitlements of a membership: how long one granted at the start of a term runs, and whether one is
// held at an instant. Pure (values in, values out).
import { addMonths } from './terms.ts';

/** Until when an entitlement granted at `startsAt` runs: a free period for its months, any other to the term end. */
export function entitlementUntil(
  e: { kind: 'free_period'; months: number } | { kind: 'flag' | 'discount_code' | 'service_credit' },
  startsAt: Date,
  termEndsAt: Date,
): Date {
  return e.kind === 'free_period' ? addMonths(startsAt, e.months) : termEndsAt;
}

/**
 * Whether an entitlement is held at `now`: from its start until its end; past its end too while
 * its membership renews itself (`renews`: active, auto-renewing; the due run extends it), except a
 * free period, which never renews.
 */
export function entitlementHeld(
  e: { kind: string; validFrom: Date; validUntil: Date },
  now: Date,
  renews: boolean,
): boolean {
  const held = e.validUntil > now || (renews && e.kind !== 'free_period');
  return e.validFrom <= now && held;
}
