// Ending a redemption before it is fulfilled: cancelled by the account or the operator, or by the
// approval time-out (the scheduler's due run). The points come back, and the unit, code or place.

import type { Actor } from '../../core/access.ts';
import { nextStatus } from '../../core/rewards/redemption-status.ts';
import { loadRedemption, type Redemption, viewRedemption } from './redemptions-list.ts';
import type { CancelInput } from './redemptions-schemas.ts';
import type { RedemptionActor, RedemptionDeps } from './redemptions-service.ts';
import { timedOutRedemptions } from './redemptions-store.ts';
import { allowed, stateOf, TIMED_OUT, transition, undo } from './redemptions-transition.ts';
import { contactOfAccount } from './rewards-checks.ts';

/** Withdraws a redemption that is not fulfilled yet; the points come back (released or refunded). */
export async function cancelRedemption(
  d: RedemptionDeps,
  programId: string,
  id: string,
  input: CancelInput,
  by: RedemptionActor,
): Promise<Redemption> {
  const current = await loadRedemption(d, programId, id);
  if (input.contactId !== undefined)
    await contactOfAccount(d.contacts, programId, input.contactId, current.accountId);
  const row = await transition(d, programId, id, async (tx, r, reward) => {
    const status = allowed(r, reward, 'cancel');
    return undo(d, tx, programId, r, reward, status, input.reason ?? null, by.actor, {
      ...(input.contactId ? { contactId: input.contactId } : {}),
    });
  });
  return viewRedemption(d, programId, row);
}

/**
 * Cancels redemptions still waiting for approval whose hold the ledger released at its time-out
 * (the ledger's due run does that, at the hold's own resolveBy, so the journal does not depend on
 * when this runs): the unit, code or place comes back. Run by the scheduler after the ledger's due
 * run (or by `actor` through the API); idempotent (a redemption decided meanwhile is left as it is).
 */
export async function cancelTimedOut(
  d: RedemptionDeps,
  programId: string,
  actor: Actor,
  batch = 200,
): Promise<{ cancelled: number }> {
  let cancelled = 0;
  const tried = new Set<string>();
  for (;;) {
    const due = (await timedOutRedemptions(d.database.db, programId, batch)).filter((r) => !tried.has(r.id));
    if (due.length === 0) return { cancelled };
    for (const one of due) {
      tried.add(one.id);
      await transition(d, programId, one.id, async (tx, r, reward) => {
        const status = nextStatus(stateOf(r, reward), 'time_out');
        if (status === null) return r;
        cancelled++;
        return undo(d, tx, programId, r, reward, status, TIMED_OUT, actor);
      });
    }
  }
}
