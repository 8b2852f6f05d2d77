// A released payout's life (decision 0032): pending → sent → paid, or failed (from pending or sent),
// set through the API with the bank's reference. A failed payout gives the money back to the wallet
// (a reversal of its debit, keyed by the payout) and frees its lines for the next run. The finance
// export: one CSV row per payout of a run.
import { type Actor, actorName } from '../../core/access.ts';
import { localDate } from '../../core/calendar.ts';
import { FidelisError } from '../../core/errors.ts';
import { csvLine } from '../../lib/csv.ts';
import { ledgerSettings } from '../ledger/ledger-settings.ts';
import type { PayoutStatusInput } from './partners-commission-schemas.ts';
import {
  detachLines,
  findPayout,
  findRun,
  lockPayout,
  type PartnerPayoutRow,
  payoutsOfRun,
  updatePayout,
} from './partners-commission-store.ts';
import type { PayoutStatus } from './partners-commission-tables.ts';
import { decimalOf, toPayout } from './partners-commission-views.ts';
import type { PartnerDeps } from './partners-deps.ts';
import { existingRun } from './partners-payout-runs.ts';

/** Where a payout may go from each status. */
const NEXT: Partial<Record<PayoutStatus, readonly PayoutStatus[]>> = {
  pending: ['sent', 'paid', 'failed'],
  sent: ['paid', 'failed'],
};

function existingPayout(row: PartnerPayoutRow | undefined, runId: string, id: string): PartnerPayoutRow {
  if (!row || row.runId !== runId)
    throw new FidelisError('payout_not_found', `No payout ${id} in run ${runId}`);
  return row;
}

export async function setPayoutStatus(
  deps: PartnerDeps,
  programId: string,
  runId: string,
  payoutId: string,
  input: PayoutStatusInput,
  actor: Actor,
  now = new Date(),
) {
  const program = await deps.programs.get(programId);
  const settings = ledgerSettings(program.settings);
  return deps.database.transaction(async (tx) => {
    const before = existingPayout(await lockPayout(tx, programId, payoutId), runId, payoutId);
    if (!NEXT[before.status]?.includes(input.status))
      throw new FidelisError(
        'payout_state_conflict',
        `The payout is ${before.status}; it cannot become ${input.status}`,
      );
    const patch: Partial<PartnerPayoutRow> = {
      status: input.status,
      reference: input.reference ?? before.reference,
      reason: input.reason ?? before.reason,
      updatedAt: now,
    };
    if (input.status === 'failed') {
      const { entry } = await deps.ledger.reverse(
        programId,
        before.entryId!,
        {
          key: `partner-payout:${payoutId}:failed`,
          reasonCode: 'commission_payout_failed',
          explanation: `Payout ${payoutId} failed${input.reason ? `: ${input.reason}` : ''}; the money is back in the wallet`,
          sourceType: 'api',
          sourceId: payoutId,
          actor: actorName(actor),
        },
        tx,
        settings,
      );
      patch.refundEntryId = entry.id;
      await detachLines(tx, programId, payoutId);
    }
    const row = (await updatePayout(tx, programId, payoutId, patch))!;
    const after = toPayout(row);
    await deps.audit.record(tx, programId, {
      actor,
      action: `payout.${input.status}`,
      resourceType: 'partner_payout',
      resourceId: payoutId,
      before: toPayout(before),
      after,
    });
    await deps.outbox?.emit(tx, programId, [
      { type: 'payout.status_changed', payload: { ...after, previousStatus: before.status } },
    ]);
    return after;
  });
}

export async function getPayout(deps: PartnerDeps, programId: string, runId: string, payoutId: string) {
  return toPayout(existingPayout(await findPayout(deps.database.db, programId, payoutId), runId, payoutId));
}

export const PAYOUT_CSV_COLUMNS = [
  'payout_id',
  'partner_account_id',
  'partner_external_id',
  'partner_name',
  'tax_id',
  'country',
  'amount',
  'currency',
  'status',
  'reference',
  'period',
  'run_id',
  'period_from',
  'period_to',
] as const;

const isoDate = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** The run for finance: one row per payout (cancelled runs too, marked so), tax id from the account's attributes. */
export async function runCsv(deps: PartnerDeps, programId: string, runId: string): Promise<string[]> {
  const run = existingRun(await findRun(deps.database.db, programId, runId), runId);
  const lines = [csvLine(PAYOUT_CSV_COLUMNS)];
  // The period's first and last local day, so a week (2026-W49) or quarter reads without a calendar.
  const { timeZone } = await deps.programs.get(programId);
  const from = isoDate(localDate(run.periodStart, timeZone));
  const to = isoDate(localDate(new Date(run.periodEnd.getTime() - 1), timeZone));
  for (const p of await payoutsOfRun(deps.database.db, programId, runId)) {
    const account = await deps.accounts.resolve(programId, p.accountId);
    const attributes = account.attributes as Record<string, unknown>;
    const taxId = attributes.taxId ?? attributes.vatId ?? attributes.vatNumber ?? '';
    lines.push(
      csvLine([
        p.id,
        account.id,
        account.externalId,
        account.name,
        taxId,
        account.country,
        decimalOf(p.amount, p.unit),
        p.unit,
        p.status,
        p.reference,
        run.period,
        run.id,
        from,
        to,
      ]),
    );
  }
  return lines;
}
