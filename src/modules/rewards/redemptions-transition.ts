// The machinery every redemption transition shares: running a step on the locked redemption in one
// transaction, asking the state machine (core/rewards/redemption-status.ts) whether the step is
// allowed, recording it (domain event and audit record), capturing the hold on approval, and giving
// back what a redemption took when it ends without its reward.
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import {
  nextStatus,
  type RedemptionState,
  type RedemptionStatus,
  type RedemptionStep,
  STEP_WORDS,
} from '../../core/rewards/redemption-status.ts';
import type { Tx } from '../../db/client.ts';
import { retryOnConflict } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import { MESSAGE_TYPES, type MessageType } from '../outbox/outbox-service.ts';
import { type ConversionCash, converts, creditConversion } from './redemptions-convert.ts';
import { toRedemption } from './redemptions-list.ts';
import type { RedemptionDeps } from './redemptions-service.ts';
import { insertEvent, lockRedemption, type RedemptionRow, updateRedemption } from './redemptions-store.ts';
import { issueCode, type RewardRow, releaseCode, returnSessionPlace, returnStock } from './rewards-store.ts';

export const TIMED_OUT = 'The approval time-out passed and the held points were released';

export function stateOf(r: RedemptionRow, reward: RewardRow): RedemptionState {
  return {
    status: r.status,
    delivery: r.delivery,
    atApproval: reward.fulfilment === 'code_pool' || converts(reward),
  };
}

export function conflict(r: RedemptionRow, action: string): FidelisError {
  return new FidelisError(
    'redemption_state_conflict',
    `Redemption ${r.id} is ${r.status}: it cannot be ${action}`,
  );
}

/** The status the step leads to; redemption_state_conflict when the step is not allowed now. */
export function allowed(r: RedemptionRow, reward: RewardRow, step: RedemptionStep): RedemptionStatus {
  const next = nextStatus(stateOf(r, reward), step);
  if (next === null) throw conflict(r, STEP_WORDS[step]);
  return next;
}

/** Runs a transition on the locked redemption in one transaction (retried on deadlock). */
export function transition(
  d: RedemptionDeps,
  programId: string,
  id: string,
  step: (tx: Tx, r: RedemptionRow, reward: RewardRow) => Promise<RedemptionRow>,
): Promise<RedemptionRow> {
  return retryOnConflict(() =>
    d.database.transaction(async (tx) => {
      const r = await lockRedemption(tx, programId, id);
      if (!r) throw new FidelisError('redemption_not_found', `No redemption ${id}`);
      const reward = await d.rewards.load(programId, r.rewardId, tx);
      return step(tx, r, reward);
    }),
  );
}

/** The transitions webhooks hear of (the message type is the transition's). */
const ANNOUNCED = new Set<string>(MESSAGE_TYPES.filter((t) => t.startsWith('redemption.')));

/** Records a transition: the domain event (the outbox for webhooks) and the audit record. */
export async function record(
  d: RedemptionDeps,
  tx: Tx,
  programId: string,
  actor: Actor,
  type: string,
  before: RedemptionRow | null,
  after: RedemptionRow,
  data: Record<string, unknown> = {},
): Promise<void> {
  await insertEvent(tx, {
    programId,
    id: newId('rev'),
    redemptionId: after.id,
    type,
    status: after.status,
    actor: actorName(actor),
    data,
  });
  if (ANNOUNCED.has(type))
    await d.outbox?.emit(tx, programId, [
      {
        type: type as MessageType,
        payload: { redemption: toRedemption(after, [], null), actor: actorName(actor), ...data },
      },
    ]);
  await d.audit.record(tx, programId, {
    actor,
    action: type,
    resourceType: 'redemption',
    resourceId: after.id,
    before,
    after,
  });
}

/**
 * Captures the hold; hands out the reserved code of a code-pool reward, or credits a conversion's
 * cash (`cash`: its credit context, read before the transaction), and then it is fulfilled.
 */
export async function settleApproved(
  d: RedemptionDeps,
  tx: Tx,
  programId: string,
  r: RedemptionRow,
  reward: RewardRow,
  actor: Actor,
  cash?: ConversionCash,
): Promise<RedemptionRow> {
  if (r.holdEntryId === null) return approveFree(d, tx, programId, r, reward, actor);
  let posted: Awaited<ReturnType<LedgerService['resolve']>>;
  try {
    posted = await d.ledger.resolve(
      programId,
      r.holdEntryId!,
      'post',
      { key: `redemption:${r.id}:post`, actor: actorName(actor), sourceType: 'redemption' },
      tx,
    );
  } catch (error) {
    // The ledger's due run released the hold: the redemption waited longer than the approval
    // time-out. It is cancelled (and its stock given back); approve() reports the conflict.
    if (error instanceof FidelisError && error.code === 'entry_not_open')
      return undo(d, tx, programId, r, reward, 'cancelled', TIMED_OUT, actor);
    throw error;
  }
  const approved = await updateRedemption(tx, programId, r.id, {
    status: 'approved',
    settleEntryId: posted.entry.id,
  });
  await record(d, tx, programId, actor, 'redemption.approved', r, approved, { entryId: posted.entry.id });
  if (converts(reward)) return handOutCash(d, tx, programId, approved, reward, actor, cash);
  return handOutCode(d, tx, programId, approved, reward, actor);
}

/** Credits the approved conversion's cash to the member's wallet of its currency: then it is fulfilled. */
async function handOutCash(
  d: RedemptionDeps,
  tx: Tx,
  programId: string,
  approved: RedemptionRow,
  reward: RewardRow,
  actor: Actor,
  cash: ConversionCash | undefined,
): Promise<RedemptionRow> {
  const credited = await creditConversion(d, tx, programId, approved, reward, actor, cash);
  const fulfilled = await updateRedemption(tx, programId, approved.id, {
    status: allowed(approved, reward, 'issue_code'),
    delivery: 'delivered',
  });
  await record(d, tx, programId, actor, 'redemption.fulfilled', approved, fulfilled, {
    cashEntryId: credited.entryId,
    cash: { amount: credited.amount, currency: credited.currency },
  });
  return fulfilled;
}

/** A free perk (price 0, no hold) approved: nothing to capture; a pool code is handed out. */
async function approveFree(
  d: RedemptionDeps,
  tx: Tx,
  programId: string,
  r: RedemptionRow,
  reward: RewardRow,
  actor: Actor,
): Promise<RedemptionRow> {
  const approved = await updateRedemption(tx, programId, r.id, { status: 'approved' });
  await record(d, tx, programId, actor, 'redemption.approved', r, approved, { free: true });
  return handOutCode(d, tx, programId, approved, reward, actor);
}

/** Hands out the reserved code of an approved code-pool redemption (then it is fulfilled). */
async function handOutCode(
  d: RedemptionDeps,
  tx: Tx,
  programId: string,
  approved: RedemptionRow,
  reward: RewardRow,
  actor: Actor,
): Promise<RedemptionRow> {
  const handOut = nextStatus(stateOf(approved, reward), 'issue_code');
  if (handOut === null || !approved.codeId) return approved;
  await issueCode(tx, programId, approved.codeId);
  const fulfilled = await updateRedemption(tx, programId, approved.id, {
    status: handOut,
    delivery: 'delivered',
  });
  await record(d, tx, programId, actor, 'redemption.fulfilled', approved, fulfilled, {
    codeId: approved.codeId,
  });
  return fulfilled;
}

/** Gives back what the redemption took: the points (void or refund), the unit, code or place. */
export async function undo(
  d: RedemptionDeps,
  tx: Tx,
  programId: string,
  r: RedemptionRow,
  reward: RewardRow,
  status: RedemptionStatus,
  reason: string | null,
  actor: Actor,
  data: Record<string, unknown> = {},
): Promise<RedemptionRow> {
  const patch: Partial<RedemptionRow> = { status, reason };
  if (r.holdEntryId === null) {
    // Issued free (decision 0041): no points were held or spent, only the stock is given back.
  } else if (r.settleEntryId === null) {
    try {
      const voided = await d.ledger.resolve(
        programId,
        r.holdEntryId,
        'void',
        {
          key: `redemption:${r.id}:void`,
          actor: actorName(actor),
          sourceType: 'redemption',
          explanation: `Returned: ${reward.name}`,
        },
        tx,
      );
      patch.settleEntryId = voided.entry.id;
    } catch (error) {
      // Released already by the ledger's due run (approval time-out): the points are back.
      if (!(error instanceof FidelisError && error.code === 'entry_not_open')) throw error;
    }
  } else {
    const refund = await d.ledger.reverse(
      programId,
      r.settleEntryId,
      {
        key: `redemption:${r.id}:refund`,
        reasonCode: 'reward_refund',
        explanation: `Refund: ${reward.name}${reason ? ` (${reason})` : ''}`,
        actor: actorName(actor),
        sourceType: 'redemption',
        sourceId: r.id,
      },
      tx,
    );
    patch.refundEntryId = refund.entry.id;
  }
  // Stock last: every transaction locks the wallet before the reward's stock rows.
  if (reward.stockKind === 'counted') await returnStock(tx, programId, reward.id);
  if (r.sessionId) await returnSessionPlace(tx, programId, r.sessionId);
  // A reserved code goes back to the pool; one handed out may have been used, and stays issued.
  if (r.codeId) await releaseCode(tx, programId, r.codeId);
  const after = await updateRedemption(tx, programId, r.id, patch);
  await record(d, tx, programId, actor, `redemption.${status}`, r, after, {
    ...data,
    ...(reason ? { reason } : {}),
  });
  return after;
}
