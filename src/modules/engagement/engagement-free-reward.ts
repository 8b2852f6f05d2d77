// A catalog reward as the effect of a challenge completion or an automation firing (decision 0041):
// issued free through rewards' redemptions in the completion's or firing's transaction, keyed by the
// same key, so it is issued once with it. Out of stock (or archived since) it is skipped and the
// reason kept on the completion or firing; the completion or firing itself is never refused for it.
// It stays owed until issued later (engagement-owed.ts, decision 0053) or waived.
import type { Actor } from '../../core/access.ts';
import type { Tx } from '../../db/client.ts';
import type { EngagementDeps } from './engagement-deps.ts';

/** What a completion or firing records of its catalog reward. */
export interface FreeRewardOutcome {
  /** The reward named (kept so that a skipped one stays owed: decision 0053). */
  rewardId: string | null;
  redemptionId: string | null;
  rewardSkipped: string | null;
}

export const NO_REWARD: FreeRewardOutcome = { rewardId: null, redemptionId: null, rewardSkipped: null };

export async function issueCatalogReward(
  deps: EngagementDeps,
  tx: Tx,
  programId: string,
  reward: string | undefined,
  to: { accountId: string; contactId: string | null; key: string; note: string },
  actor: Actor,
): Promise<FreeRewardOutcome> {
  if (reward === undefined) return NO_REWARD;
  if (!deps.redemptions)
    return { rewardId: reward, redemptionId: null, rewardSkipped: 'catalog rewards are not available' };
  const issued = await deps.redemptions.issueFree(
    tx,
    programId,
    { reward, accountId: to.accountId, contactId: to.contactId, issuedFor: to.key, note: to.note },
    actor,
  );
  return 'skipped' in issued
    ? { rewardId: reward, redemptionId: null, rewardSkipped: issued.skipped }
    : { rewardId: reward, redemptionId: issued.redemptionId, rewardSkipped: null };
}

/** The field error of a document naming a reward that cannot be issued free, if any. */
export async function catalogRewardProblem(
  deps: EngagementDeps,
  programId: string,
  reward: string | undefined,
  path: string,
): Promise<{ path: string; message: string } | null> {
  if (reward === undefined) return null;
  const problem = deps.redemptions
    ? await deps.redemptions.freeIssueProblem(programId, reward)
    : 'catalog rewards are not available';
  return problem === null ? null : { path, message: problem };
}
