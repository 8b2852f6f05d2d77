// Decisions on a redemption waiting for approval: an approval (the last one needed captures the
// hold) or a rejection, by an approving contact of the account or by the operator's staff.
import { FidelisError, fieldError } from '../../core/errors.ts';
import { approvedAlready, nextStatus, STEP_WORDS } from '../../core/rewards/redemption-status.ts';
import type { Tx } from '../../db/client.ts';
import type { Contact } from '../contacts/contacts-schemas.ts';
import { conversionContext } from './redemptions-convert.ts';
import { loadRedemption, type Redemption, viewRedemption } from './redemptions-list.ts';
import type { DecisionInput } from './redemptions-schemas.ts';
import { type RedemptionActor, type RedemptionDeps, staffName } from './redemptions-service.ts';
import { approvalsOf, insertApproval, type RedemptionRow } from './redemptions-store.ts';
import {
  allowed,
  conflict,
  record,
  settleApproved,
  stateOf,
  TIMED_OUT,
  transition,
  undo,
} from './redemptions-transition.ts';
import { redemptionSettings } from './rewards-settings.ts';

/** Who decides: a contact of the account (by id), or the operator's staff (`key:<id>`). */
interface Decider {
  approver: string;
  contact?: Contact;
}

/** Who decides, and whether the policy lets them decide on this redemption. */
async function decider(
  d: RedemptionDeps,
  programId: string,
  r: RedemptionRow,
  input: DecisionInput,
  by: RedemptionActor,
): Promise<Decider> {
  const { approval } = redemptionSettings((await d.programs.get(programId)).settings);
  let approver: string;
  let contact: Contact | undefined;
  if (input.contactId !== undefined) {
    contact = await d.contacts.get(programId, input.contactId);
    if (contact.accountId !== r.accountId)
      throw new FidelisError('approver_not_allowed', `Contact ${contact.id} belongs to another account`);
    if (!approval.approverRoles.includes(contact.role))
      throw new FidelisError(
        'approver_not_allowed',
        `Contact ${contact.id} is ${contact.role}; approvers are ${approval.approverRoles.join(', ')}`,
      );
    approver = contact.id;
  } else {
    if (!by.admin || !approval.operatorMayApprove)
      throw fieldError(
        'approver_not_allowed',
        approval.operatorMayApprove
          ? 'Name the approving contact (contactId), or decide as operator staff with an admin key'
          : 'This program lets only contacts of the account approve',
        { contactId: 'is required' },
      );
    approver = staffName(by.actor);
  }
  if (approver === r.requestedBy)
    throw new FidelisError(
      'approver_not_allowed',
      'The requester cannot approve or reject their own request',
    );
  return { approver, contact };
}

/** The approver's decision on the redemption, kept with their note (append-only). */
async function recordDecision(
  tx: Tx,
  programId: string,
  r: RedemptionRow,
  who: Decider,
  decision: 'approve' | 'reject',
  note: string | undefined,
): Promise<void> {
  await insertApproval(tx, {
    programId,
    redemptionId: r.id,
    approver: who.approver,
    contactId: who.contact?.id ?? null,
    decision,
    note: note ?? null,
  });
}

/** One approval; the last one needed captures the hold (and hands out a pool code). */
export async function approveRedemption(
  d: RedemptionDeps,
  programId: string,
  id: string,
  input: DecisionInput,
  by: RedemptionActor,
): Promise<Redemption> {
  const current = await loadRedemption(d, programId, id);
  const who = await decider(d, programId, current, input, by);
  // A conversion's last approval credits its cash in the transition: read what that needs now.
  const cash = await conversionContext(
    d,
    programId,
    await d.rewards.load(programId, current.rewardId),
    current.accountId,
  );
  const row = await transition(d, programId, id, async (tx, r, reward) => {
    const given = await approvalsOf(tx, programId, [r.id]);
    if (approvedAlready(r.status) || given.some((a) => a.approver === who.approver)) {
      throw new FidelisError(
        'already_approved',
        r.status === 'pending_approval'
          ? `${who.approver} approved redemption ${r.id} already; it needs another approver`
          : `Redemption ${r.id} is ${r.status} already`,
      );
    }
    if (nextStatus(stateOf(r, reward), 'approve') === null) throw conflict(r, STEP_WORDS.approve);
    await recordDecision(tx, programId, r, who, 'approve', input.note);
    const approvals = given.filter((a) => a.decision === 'approve').length + 1;
    await record(d, tx, programId, by.actor, 'redemption.approval_given', r, r, {
      approver: who.approver,
      approvals,
      required: r.approvalsRequired,
    });
    return approvals >= r.approvalsRequired ? settleApproved(d, tx, programId, r, reward, by.actor, cash) : r;
  });
  if (row.status === 'cancelled') {
    throw new FidelisError(
      'redemption_state_conflict',
      `Redemption ${id} was cancelled: ${TIMED_OUT.toLowerCase()}`,
    );
  }
  return viewRedemption(d, programId, row);
}

/** A rejection by an approver: the held points come back, and the unit, code or place. */
export async function rejectRedemption(
  d: RedemptionDeps,
  programId: string,
  id: string,
  input: DecisionInput,
  by: RedemptionActor,
): Promise<Redemption> {
  const who = await decider(d, programId, await loadRedemption(d, programId, id), input, by);
  const row = await transition(d, programId, id, async (tx, r, reward) => {
    const status = allowed(r, reward, 'reject');
    await recordDecision(tx, programId, r, who, 'reject', input.note);
    return undo(d, tx, programId, r, reward, status, input.note ?? null, by.actor, {
      approver: who.approver,
    });
  });
  return viewRedemption(d, programId, row);
}
