// A catalog reward issued free: what a challenge completion or a lifecycle automation gives when its
// effect names a reward (decision 0041). A redemption at price 0 (no ledger hold), approved at once
// (a code-pool reward is fulfilled with its code), written in the caller's transaction with the
// caller's key (`issuedFor`, unique), so it is issued exactly once with the completion or firing.
// It takes stock like a request (a counted unit, a code); when there is none left it is skipped and
// the caller records why: the completion or firing is never refused for it.
import type { Actor } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import { nextStatus } from '../../core/rewards/redemption-status.ts';
import type { Executor, Tx } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { converts } from './redemptions-convert.ts';
import { type RedemptionDeps, staffName } from './redemptions-service.ts';
import { insertRedemption, updateRedemption } from './redemptions-store.ts';
import { record, stateOf } from './redemptions-transition.ts';
import { issueCode, type RewardRow, reserveCode, takeStock } from './rewards-store.ts';

/** Why a reward cannot be named as a free issue (checked when the challenge or automation is written), or null. */
export async function freeIssueProblem(
  d: RedemptionDeps,
  programId: string,
  rewardId: string,
  db: Executor = d.database.db,
): Promise<string | null> {
  let reward: RewardRow;
  try {
    reward = await d.rewards.load(programId, rewardId, db);
  } catch (error) {
    if (error instanceof FidelisError && error.code === 'reward_not_found')
      return `unknown reward ${rewardId}`;
    throw error;
  }
  if (reward.status !== 'active') return `reward ${rewardId} is archived`;
  if (reward.stockKind === 'sessions') return 'a reward booked per session cannot be issued free';
  // Cash for no points: a cash effect says that plainly (decision 0054).
  if (converts(reward)) return 'a points-to-cash conversion cannot be issued free';
  return null;
}

export interface FreeIssue {
  reward: string;
  accountId: string;
  contactId: string | null;
  /** The completion's or firing's key: one redemption per key. */
  issuedFor: string;
  note: string;
}

/**
 * Issues the reward free in the caller's transaction (after its ledger writes: the wallet before the
 * stock rows, as every redemption does). Answers the redemption's id, or why it was skipped (archived,
 * gone, out of stock) without writing anything.
 */
export async function issueFree(
  d: RedemptionDeps,
  tx: Tx,
  programId: string,
  input: FreeIssue,
  actor: Actor,
): Promise<{ redemptionId: string } | { skipped: string }> {
  // Read in the caller's transaction (an embedded store has one connection).
  const problem = await freeIssueProblem(d, programId, input.reward, tx);
  if (problem) return { skipped: problem };
  const reward = await d.rewards.load(programId, input.reward, tx);
  const id = newId('red');
  let codeId: string | null = null;
  if (reward.stockKind === 'codes') {
    codeId = (await reserveCode(tx, programId, reward.id, id))?.id ?? null;
    if (codeId === null) return { skipped: `${reward.name} has no codes left` };
  } else if (reward.stockKind === 'counted' && !(await takeStock(tx, programId, reward.id))) {
    return { skipped: `${reward.name} is out of stock` };
  }
  const requested = await insertRedemption(tx, {
    programId,
    id,
    rewardId: reward.id,
    accountId: input.accountId,
    contactId: input.contactId,
    requestedBy: staffName(actor),
    sessionId: null,
    status: 'pending_approval',
    amount: 0,
    unit: reward.priceUnit,
    holdEntryId: null,
    approvalsRequired: 0,
    codeId,
    note: input.note,
    issuedFor: input.issuedFor,
  });
  await record(d, tx, programId, actor, 'redemption.requested', null, requested, {
    free: true,
    issuedFor: input.issuedFor,
  });
  // Nothing to capture: approved at once; a code of the pool is handed out (then it is fulfilled).
  const approved = await updateRedemption(tx, programId, id, { status: 'approved' });
  await record(d, tx, programId, actor, 'redemption.approved', requested, approved, { free: true });
  const handOut = nextStatus(stateOf(approved, reward), 'issue_code');
  if (handOut !== null && codeId !== null) {
    await issueCode(tx, programId, codeId);
    const fulfilled = await updateRedemption(tx, programId, id, { status: handOut, delivery: 'delivered' });
    await record(d, tx, programId, actor, 'redemption.fulfilled', approved, fulfilled, { codeId });
  }
  return { redemptionId: id };
}
