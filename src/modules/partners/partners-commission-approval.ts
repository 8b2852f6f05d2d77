// The fixed commission of a referral converted by approval from the review queue (decision 0032).
// Its qualifying event came while it waited in review: the events' port saw no pending or converted
// referral then, so it wrote no line. Approval writes the fixed line after its commit, with the key
// the port uses (`commission:<plan>:<referral>:fixed`, also its ledger credit's): a second approval
// or a replayed event finds the key and writes nothing.
import { activeCommissionPlans } from './partners-commission-plans.ts';
import { findAssignment } from './partners-commission-store.ts';
import { payEvent } from './partners-commissions.ts';
import type { PartnerDeps } from './partners-deps.ts';
import type { ReferralRow } from './partners-store.ts';

/** Writes the fixed commission of a referral that approval converted; answers how many lines it wrote. */
export async function commissionOnApproval(
  deps: PartnerDeps,
  programId: string,
  referral: ReferralRow,
  now = new Date(),
): Promise<number> {
  if (referral.status !== 'converted' || referral.conversionEventId === null) return 0;
  const plans = await activeCommissionPlans(deps, programId);
  if (plans.length === 0) return 0;
  const assignment = await findAssignment(deps.database.db, programId, referral.referrerAccountId);
  const plan = assignment && plans.find((p) => p.code === assignment.planCode);
  if (!plan?.document.fixed) return 0;
  return payEvent(deps, {
    program: await deps.programs.get(programId),
    plan,
    referral,
    referredName: (await deps.accounts.resolve(programId, referral.referredAccountId)).name,
    context: await deps.ledger.creditContext(programId, referral.referrerAccountId),
    // The conversion event as far as a fixed line needs it: its revenue was not kept (the percentage
    // of an event that came in review is not paid either), so only the fixed line is written.
    event: {
      id: referral.conversionEventId,
      type: 'referral.approved',
      at: referral.convertedAt ?? now,
      amountMinor: null,
    },
    now,
  });
}
