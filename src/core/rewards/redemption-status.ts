// The life cycle of a redemption as a state machine: which step may run from which status, and the
// status it leads to. Pure: the service locks the redemption, asks here, then does the step's ledger
// and stock work.
//
//   pending_approval ─approve (the last approval needed)→ approved ─ship→ fulfilled (shipped) ─deliver→ fulfilled (delivered)
//          │                                                 │ └─deliver / issue_code (a pool code, a conversion's cash)→ fulfilled (delivered)
//          ├─reject→ rejected                                 ├─cancel→ cancelled
//          ├─cancel, time_out→ cancelled                      └─fail→ failed   (also from fulfilled (shipped))

export const REDEMPTION_STATUSES = [
  'pending_approval',
  'approved',
  'fulfilled',
  'rejected',
  'cancelled',
  'failed',
] as const;
export type RedemptionStatus = (typeof REDEMPTION_STATUSES)[number];
export type Delivery = 'shipped' | 'delivered';

/** Ended without the reward: they gave back what they took, and do not count against limits. */
export const UNDONE_STATUSES: readonly RedemptionStatus[] = ['rejected', 'cancelled', 'failed'];

export interface RedemptionState {
  status: RedemptionStatus;
  /** Once fulfilled: on its way (shipped) or delivered. */
  delivery: Delivery | null;
  /** Fidelis fulfils it at approval, not the operator: a code of its pool handed out, or a conversion's cash credited. */
  atApproval: boolean;
}

/**
 * What can happen to a redemption once requested: an approval (the last one the policy needs
 * approves it); a rejection, a cancellation or the approval time-out (it ends, giving back what it
 * took); handing out the reserved pool code (or crediting a conversion's cash); the operator reporting it shipped or delivered; and
 * failed fulfilment (the points are refunded).
 */
export type RedemptionStep =
  | 'approve'
  | 'reject'
  | 'cancel'
  | 'time_out'
  | 'issue_code'
  | 'ship'
  | 'deliver'
  | 'fail';

/** How a refused step is named: "Redemption … is fulfilled: it cannot be shipped". */
export const STEP_WORDS: Record<RedemptionStep, string> = {
  approve: 'approved',
  reject: 'rejected',
  cancel: 'cancelled',
  time_out: 'timed out',
  issue_code: 'given its code',
  ship: 'shipped',
  deliver: 'marked delivered',
  fail: 'marked failed',
};

/** The status a step leads to from this state, or null when the step is not allowed from it. */
export function nextStatus(state: RedemptionState, step: RedemptionStep): RedemptionStatus | null {
  const { status } = state;
  const shipped = status === 'fulfilled' && state.delivery === 'shipped';
  switch (step) {
    case 'approve':
      return status === 'pending_approval' ? 'approved' : null;
    case 'reject':
      return status === 'pending_approval' ? 'rejected' : null;
    case 'time_out':
      return status === 'pending_approval' ? 'cancelled' : null;
    case 'cancel':
      return status === 'pending_approval' || status === 'approved' ? 'cancelled' : null;
    case 'issue_code':
      return status === 'approved' && state.atApproval ? 'fulfilled' : null;
    case 'ship':
      return status === 'approved' && !state.atApproval ? 'fulfilled' : null;
    case 'deliver':
      return (status === 'approved' && !state.atApproval) || shipped ? 'fulfilled' : null;
    case 'fail':
      return status === 'approved' || shipped ? 'failed' : null;
  }
}

/** Approving a redemption that is approved (or fulfilled) already repeats a decision: not a conflict. */
export function approvedAlready(status: RedemptionStatus): boolean {
  return status === 'approved' || status === 'fulfilled';
}
