// What the commission use cases answer: plans, assignments, lines, payout runs and payouts as the
// API shows them (amounts in minor units or points, beside their unit), and the money words lines use.
import { formatAmount, minorDigits } from '../../core/money.ts';
import type {
  CommissionLineRow,
  CommissionPartnerRow,
  CommissionPlanRow,
  PartnerPayoutRow,
  PayoutRunRow,
} from './partners-commission-store.ts';

/** "EUR 1,200.00" (exact: from minor units, never through a float); points as "1,200 points". */
export function moneyWords(minor: bigint, unit: string): string {
  const grouped = (text: string) => {
    const [whole, fraction] = text.replace('-', '').split('.');
    const withCommas = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return `${text.startsWith('-') ? '-' : ''}${withCommas}${fraction !== undefined ? `.${fraction}` : ''}`;
  };
  if (unit === 'points') return `${grouped(minor.toString())} points`;
  return `${unit} ${grouped(formatAmount(minor, unit))}`;
}

/** A decimal string of minor units ("1200.00"), or the points as they are. */
export function decimalOf(minor: number, unit: string): string {
  return unit === 'points' ? String(minor) : formatAmount(BigInt(minor), unit);
}

/** Points are whole; a currency's minor units are 10^digits of one unit. */
export function unitDigits(unit: string): number {
  return unit === 'points' ? 0 : minorDigits(unit);
}

export function toPlan(row: CommissionPlanRow) {
  const d = row.document;
  return {
    code: row.code,
    version: row.version,
    active: row.active,
    name: d.name,
    unit: d.unit,
    holdingDays: d.holdingDays,
    fixed: d.fixed,
    revenue: d.revenue,
    bonus: d.bonus,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type CommissionPlanView = ReturnType<typeof toPlan>;

export function toAssignment(row: CommissionPartnerRow) {
  return {
    accountId: row.accountId,
    plan: row.planCode,
    assignedAt: row.assignedAt.toISOString(),
    actor: row.actor,
  };
}

/** A line's status at `now`: a clawback, clawed back in full, paid (in a payout), pending or due. */
export function lineStatus(row: LineRow, now: Date): string {
  if (row.kind === 'clawback') return 'clawback';
  if (row.remaining === 0 && row.amount !== 0) return 'clawed_back';
  if (row.payoutId) return 'in_payout';
  return row.dueAt.getTime() > now.getTime() ? 'pending' : 'due';
}

/** A line, with the payout it is in when read with it (a line just written is in none). */
type LineRow = CommissionLineRow & { payoutId?: string | null };

export function toLine(row: LineRow, now = new Date()) {
  return {
    id: row.id,
    partnerAccountId: row.partnerAccountId,
    plan: row.planCode,
    planVersion: row.planVersion,
    kind: row.kind,
    status: lineStatus(row, now),
    referralId: row.referralId,
    referredAccountId: row.referredAccountId,
    eventId: row.eventId,
    relatedLineId: row.relatedLineId,
    period: row.period,
    revenue: row.revenueMinor,
    returned: row.returnedMinor,
    rate: row.rate,
    unit: row.unit,
    amount: row.amount,
    remaining: row.remaining,
    explanation: row.explanation,
    entryId: row.entryId,
    how: row.how,
    dueAt: row.dueAt.toISOString(),
    occurredAt: row.occurredAt.toISOString(),
    payoutId: row.payoutId ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
export type CommissionLineView = ReturnType<typeof toLine>;

export function toPayout(row: PartnerPayoutRow) {
  return {
    id: row.id,
    runId: row.runId,
    accountId: row.accountId,
    unit: row.unit,
    amount: row.amount,
    status: row.status,
    statement: row.statement,
    lineCount: row.lineCount,
    entryId: row.entryId,
    refundEntryId: row.refundEntryId,
    reference: row.reference,
    reason: row.reason,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type PartnerPayoutView = ReturnType<typeof toPayout>;

export function toRun(row: PayoutRunRow, payouts: PartnerPayoutRow[]) {
  return {
    id: row.id,
    period: row.period,
    periodStart: row.periodStart.toISOString(),
    periodEnd: row.periodEnd.toISOString(),
    cutoff: row.cutoff.toISOString(),
    unit: row.unit,
    minimum: row.minimum,
    status: row.status,
    payoutCount: row.payoutCount,
    total: row.total,
    proposedBy: row.proposedBy,
    proposedAt: row.proposedAt.toISOString(),
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decisionReason: row.decisionReason,
    payouts: payouts.map(toPayout),
  };
}
export type PayoutRunView = ReturnType<typeof toRun>;
