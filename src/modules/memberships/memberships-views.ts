// The API shapes of membership rows: plans, memberships, terms, entitlements and events.
import { entitlementHeld } from '../../core/memberships/entitlements.ts';
import { minorToFee } from '../../core/memberships/terms.ts';
import { minorDigits } from '../../core/money.ts';
import type { EntitlementRow, EventRow, MembershipRow, PlanRow, TermRow } from './memberships-store.ts';

export const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function feeOf(minor: number, currency: string) {
  return { amount: minorToFee(minor, minorDigits(currency)), currency, minorUnits: minor };
}

export function toPlan(row: PlanRow) {
  const d = row.definition;
  return {
    id: row.id,
    status: row.status,
    version: row.version,
    name: d.name,
    description: d.description,
    fee: feeOf(d.fee.minor, d.fee.currency),
    term: d.term,
    renewal: d.renewal,
    joining: d.joining,
    entitlements: d.entitlements,
    condition: d.condition ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toMembership(row: MembershipRow) {
  return {
    id: row.id,
    planId: row.planId,
    planVersion: row.planVersion,
    accountId: row.accountId,
    status: row.status,
    via: row.via,
    reference: row.reference,
    renewal: row.renewal,
    startsAt: iso(row.startsAt),
    endsAt: iso(row.endsAt),
    term: row.term,
    note: row.note,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The API shape of an entitlement. `renews`: its membership is active and renews itself, so a
 * term-bound entitlement past its end still holds until the due run extends it.
 */
/** An entitlement as the API answers it; `used`: its uses in the membership's current term (decision 0056). */
export function toEntitlement(row: EntitlementRow, now: Date, renews = false, used = 0) {
  return {
    id: row.id,
    key: row.key,
    kind: row.kind,
    accountId: row.accountId,
    membershipId: row.membershipId,
    validFrom: row.validFrom.toISOString(),
    validUntil: row.validUntil.toISOString(),
    active: entitlementHeld(row, now, renews),
    code: row.code,
    percent: row.percent,
    unit: row.unit,
    amount: row.amount,
    ledgerEntryId: row.ledgerEntryId,
    usesPerTerm: row.usesPerTerm,
    used,
  };
}

export function toTerm(row: TermRow) {
  return {
    term: row.term,
    kind: row.kind,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    fee: feeOf(row.feeAmount, row.feeCurrency),
  };
}

export function toEvent(row: EventRow) {
  return {
    id: row.id,
    membershipId: row.membershipId,
    type: row.type,
    occurredAt: row.occurredAt.toISOString(),
    actor: row.actor,
    data: row.data,
    createdAt: row.createdAt.toISOString(),
  };
}
