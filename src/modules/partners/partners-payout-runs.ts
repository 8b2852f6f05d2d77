// Payout runs (decision 0032): a run of a past or current period proposes one payout per partner
// owed at least the minimum (due commission lines, less clawbacks and earlier payouts, capped by what
// the cash wallet holds), each with its lines and statement. One run per program, period and currency
// (a partial unique index: concurrent proposals leave one). Maker-checker: someone other than the
// proposer approves it, which releases the money (a payout debit per partner, keyed by run and
// partner); a proposed run can be cancelled (its lines go back to the next run).
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError, type FieldError, fieldErrors } from '../../core/errors.ts';
import { parseAmount } from '../../core/money.ts';
import { fetchPage } from '../../core/pagination.ts';
import { parsePeriod, type Statement, statementOf } from '../../core/partners/commission.ts';
import { isCurrency } from '../../core/reference.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import { availableByAccount } from '../ledger/ledger-reads.ts';
import { ledgerSettings } from '../ledger/ledger-settings.ts';
import { userDisplayNames } from '../users/users-reads.ts';
import type { ProposeRunInput, RunsQueryInput } from './partners-commission-schemas.ts';
import {
  attachLines,
  detachLines,
  detachRunLines,
  dueEntriesOf,
  findRun,
  insertPayouts,
  insertRun,
  listRuns,
  lockRun,
  openRunOf,
  owedBefore,
  type PartnerPayoutRow,
  type PayoutRunRow,
  payoutsOfRun,
  setPayoutsOfRun,
  updatePayout,
  updateRun,
} from './partners-commission-store.ts';
import { type PayoutRunView, toPayout, toRun } from './partners-commission-views.ts';
import type { PartnerDeps } from './partners-deps.ts';
import { minimumPayoutOf } from './partners-settings.ts';

export function existingRun(row: PayoutRunRow | undefined, id: string): PayoutRunRow {
  if (!row) throw new FidelisError('payout_run_not_found', `No payout run ${id}`);
  return row;
}

function runExists(run: PayoutRunRow): FidelisError {
  return fieldErrors(
    'payout_run_exists',
    [{ path: '/period', message: `${run.period} has a ${run.status} run already (${run.id})` }],
    { runId: run.id },
  );
}

/** A run as the API answers it: with the proposer's and decider's display names (decision 0051). */
export async function viewRun(deps: PartnerDeps, programId: string, row: PayoutRunRow) {
  return named(deps, programId, toRun(row, await payoutsOfRun(deps.database.db, programId, row.id)));
}

/**
 * The run with who proposed and decided it by name: a console user's name (or e-mail), read by every
 * role that reads runs; null for an API key or a job, whose id says what it is.
 */
async function named(deps: PartnerDeps, programId: string, view: PayoutRunView) {
  const names = await userDisplayNames(deps.database.db, programId, [view.proposedBy, view.decidedBy]);
  return {
    ...view,
    proposedByName: names.get(view.proposedBy) ?? null,
    decidedByName: (view.decidedBy && names.get(view.decidedBy)) ?? null,
  };
}

/** Posts the partners' pending commission credits that are due (the ledger's due run would, with the same keys). */
async function postDue(
  deps: PartnerDeps,
  programId: string,
  accountIds: string[],
  unit: string,
  cutoff: Date,
) {
  for (const entryId of await dueEntriesOf(deps.database.db, programId, accountIds, unit, cutoff)) {
    try {
      await deps.ledger.resolve(programId, entryId, 'post', {
        key: `job:auto-post:${entryId}`,
        sourceType: 'job',
        explanation: 'Posted for a payout run: a commission that is due',
      });
    } catch (error) {
      if (!(error instanceof FidelisError && error.code === 'entry_not_open')) throw error;
    }
  }
}

/** What each partner's wallet of `unit` holds available: one read, unless wallets are pooled by group. */
async function availableOf(
  deps: PartnerDeps,
  program: { id: string; settings: Record<string, unknown> },
  accountIds: string[],
  unit: string,
  now: Date,
): Promise<Map<string, number>> {
  if (ledgerSettings(program.settings).pooling !== 'group')
    return availableByAccount(deps.database.db, program.id, accountIds, unit);
  const found = new Map<string, number>();
  for (const accountId of accountIds) {
    const wallet = (await deps.ledger.summary(program.id, accountId, now)).find((w) => w.unit === unit);
    found.set(accountId, wallet?.available ?? 0);
  }
  return found;
}

export async function proposeRun(
  deps: PartnerDeps,
  programId: string,
  input: ProposeRunInput,
  actor: Actor,
  now = new Date(),
  how: { scheduled?: boolean } = {},
) {
  const program = await deps.programs.get(programId);
  const unit = input.currency ?? program.baseCurrency;
  const errors: FieldError[] = [];
  const period = parsePeriod(input.period, program.timeZone);
  if (!period)
    errors.push({
      path: '/period',
      message: `${input.period} is neither a month (2026-11), a quarter (2026-Q4) nor an ISO week (2026-W49)`,
    });
  else if (period.start.getTime() > now.getTime())
    errors.push({
      path: '/period',
      message: `${input.period} has not started yet: runs pay past or current periods`,
    });
  if (!isCurrency(unit)) errors.push({ path: '/currency', message: `unknown currency ${unit}` });
  let minimum = minimumPayoutOf(program.settings);
  if (input.minimum !== undefined && isCurrency(unit)) {
    try {
      minimum = Number(parseAmount(input.minimum, unit));
    } catch (error) {
      errors.push({ path: '/minimum', message: (error as Error).message });
    }
  }
  if (errors.length > 0 || !period) throw fieldErrors('payout_run_invalid', errors);
  const open = await openRunOf(deps.database.db, programId, period.key, unit);
  if (open) throw runExists(open);
  const cutoff = new Date(Math.min(period.end.getTime(), now.getTime()));
  const owed = (await owedBefore(deps.database.db, programId, unit, period.start, cutoff)).filter(
    (o) => o.carried + o.commissions - o.clawbacks >= Math.max(minimum, 1),
  );
  await postDue(
    deps,
    programId,
    owed.map((o) => o.accountId),
    unit,
    cutoff,
  );
  const available = await availableOf(
    deps,
    program,
    owed.map((o) => o.accountId),
    unit,
    now,
  );
  const payouts: Array<{ accountId: string; payoutId: string; statement: Statement }> = [];
  for (const o of owed) {
    const statement = statementOf({ ...o, available: available.get(o.accountId) ?? 0, minimum });
    if (statement.payout > 0) payouts.push({ accountId: o.accountId, payoutId: newId('ppo'), statement });
  }
  const id = newId('prn');
  try {
    const row = await deps.database.transaction(async (tx) => {
      await insertRun(tx, {
        programId,
        id,
        period: period.key,
        periodStart: period.start,
        periodEnd: period.end,
        cutoff,
        unit,
        minimum,
        status: 'proposed',
        payoutCount: payouts.length,
        total: payouts.reduce((s, p) => s + p.statement.payout, 0),
        proposedBy: actorName(actor),
        proposedAt: now,
        scheduled: how.scheduled ?? false,
      });
      const lineCounts = await attachLines(tx, programId, unit, cutoff, payouts);
      await insertPayouts(
        tx,
        payouts.map((p) => ({
          programId,
          id: p.payoutId,
          runId: id,
          accountId: p.accountId,
          unit,
          amount: p.statement.payout,
          status: 'proposed' as const,
          statement: p.statement,
          lineCount: lineCounts.get(p.payoutId) ?? 0,
        })),
      );
      const view = toRun((await findRun(tx, programId, id))!, await payoutsOfRun(tx, programId, id));
      await deps.audit.record(tx, programId, {
        actor,
        action: 'payout_run.propose',
        resourceType: 'payout_run',
        resourceId: id,
        after: view,
      });
      await deps.outbox?.emit(tx, programId, [{ type: 'payout_run.proposed', payload: view }]);
      return view;
    });
    return named(deps, programId, row);
  } catch (error) {
    if (isUniqueViolation(error, 'payout_runs_period_uq')) {
      const winner = await openRunOf(deps.database.db, programId, period.key, unit);
      if (winner) throw runExists(winner);
    }
    throw error;
  }
}

/** Releases each proposed payout of an approved run: a payout debit keyed by run and partner (once). */
async function release(deps: PartnerDeps, programId: string, run: PayoutRunRow, actor: Actor, now: Date) {
  for (const payout of await payoutsOfRun(deps.database.db, programId, run.id)) {
    if (payout.status !== 'proposed') continue;
    let patch: Partial<PartnerPayoutRow>;
    try {
      const { entry } = await deps.ledger.debit(programId, {
        key: `payout-run:${run.id}:${payout.accountId}`,
        account: payout.accountId,
        unit: payout.unit,
        amount: payout.amount,
        type: 'payout',
        reasonCode: 'commission_payout',
        explanation: `Commission payout of ${run.period} (run ${run.id})`,
        sourceType: 'api',
        sourceId: payout.id,
        actor: actorName(actor),
      });
      patch = { status: 'pending', entryId: entry.id, updatedAt: now };
    } catch (error) {
      if (!(error instanceof FidelisError && error.code === 'insufficient_balance')) throw error;
      patch = {
        status: 'failed',
        reason: 'the wallet no longer held the amount at approval',
        updatedAt: now,
      };
    }
    await deps.database.transaction(async (tx) => {
      const row = (await updatePayout(tx, programId, payout.id, patch))!;
      if (row.status === 'failed') await detachLines(tx, programId, payout.id);
      await deps.outbox?.emit(tx, programId, [
        { type: 'payout.status_changed', payload: { ...toPayout(row), previousStatus: 'proposed' } },
      ]);
    });
  }
}

export async function approveRun(
  deps: PartnerDeps,
  programId: string,
  id: string,
  input: { reason?: string },
  actor: Actor,
  now = new Date(),
) {
  const seen = existingRun(await findRun(deps.database.db, programId, id), id);
  if (actorName(actor) === seen.proposedBy)
    throw new FidelisError(
      'payout_run_approver_not_allowed',
      `${seen.proposedBy} proposed payout run ${id} and cannot approve it; another approver must`,
    );
  // Approved before, but not every payout was released (a crash in between): only those are.
  if (seen.status === 'approved') {
    await release(deps, programId, seen, actor, now);
    return viewRun(deps, programId, seen);
  }
  const approved = await deps.database.transaction(async (tx) => {
    const before = existingRun(await lockRun(tx, programId, id), id);
    if (before.status !== 'proposed')
      throw new FidelisError('payout_run_state_conflict', `The payout run is ${before.status}, not proposed`);
    const row = (await updateRun(tx, programId, id, {
      status: 'approved',
      decidedBy: actorName(actor),
      decidedAt: now,
      decisionReason: input.reason ?? null,
    }))!;
    const payouts = await payoutsOfRun(tx, programId, id);
    await deps.audit.record(tx, programId, {
      actor,
      action: 'payout_run.approve',
      resourceType: 'payout_run',
      resourceId: id,
      before: toRun(before, payouts),
      after: toRun(row, payouts),
    });
    await deps.outbox?.emit(tx, programId, [{ type: 'payout_run.approved', payload: toRun(row, payouts) }]);
    return row;
  });
  await release(deps, programId, approved, actor, now);
  return viewRun(deps, programId, approved);
}

export async function cancelRun(
  deps: PartnerDeps,
  programId: string,
  id: string,
  input: { reason?: string },
  actor: Actor,
  now = new Date(),
) {
  const after = await deps.database.transaction(async (tx) => {
    const before = existingRun(await lockRun(tx, programId, id), id);
    if (before.status !== 'proposed')
      throw new FidelisError('payout_run_state_conflict', `The payout run is ${before.status}, not proposed`);
    const payouts = await payoutsOfRun(tx, programId, id);
    await detachRunLines(tx, programId, id);
    await setPayoutsOfRun(tx, programId, id, { status: 'cancelled', updatedAt: now });
    const row = (await updateRun(tx, programId, id, {
      status: 'cancelled',
      decidedBy: actorName(actor),
      decidedAt: now,
      decisionReason: input.reason ?? null,
    }))!;
    const after = toRun(row, await payoutsOfRun(tx, programId, id));
    await deps.audit.record(tx, programId, {
      actor,
      action: 'payout_run.cancel',
      resourceType: 'payout_run',
      resourceId: id,
      before: toRun(before, payouts),
      after,
    });
    return after;
  });
  return named(deps, programId, after);
}

export async function getRun(deps: PartnerDeps, programId: string, id: string) {
  return viewRun(deps, programId, existingRun(await findRun(deps.database.db, programId, id), id));
}

export async function runsOf(deps: PartnerDeps, programId: string, query: RunsQueryInput) {
  const page = await fetchPage(query, (after, limit) =>
    listRuns(deps.database.db, programId, { status: query.status, period: query.period }, after, limit),
  );
  const data = [];
  for (const row of page.data) data.push(await viewRun(deps, programId, row));
  return { ...page, data };
}
