import { describe, expect, it } from 'vitest';
import {
  approvedAlready,
  type Delivery,
  nextStatus,
  REDEMPTION_STATUSES,
  type RedemptionState,
  type RedemptionStatus,
  type RedemptionStep,
  STEP_WORDS,
  UNDONE_STATUSES,
} from './redemption-status.ts';

const STEPS = Object.keys(STEP_WORDS) as RedemptionStep[];

/** Every state a redemption can be in: a delivery only once fulfilled; rewards with and without a code pool. */
const STATES: RedemptionState[] = REDEMPTION_STATUSES.flatMap((status) =>
  (status === 'fulfilled' ? (['shipped', 'delivered'] as Delivery[]) : [null]).flatMap((delivery) =>
    [false, true].map((atApproval) => ({ status, delivery, atApproval })),
  ),
);

const name = (s: RedemptionState) =>
  `${s.status}${s.delivery ? `/${s.delivery}` : ''}${s.atApproval ? ' (at approval)' : ''}`;

describe('nextStatus', () => {
  it('allows exactly these steps, leading to these statuses', () => {
    const allowed: Record<string, Partial<Record<RedemptionStep, RedemptionStatus>>> = {};
    for (const state of STATES) {
      const next: Partial<Record<RedemptionStep, RedemptionStatus>> = {};
      for (const step of STEPS) {
        const to = nextStatus(state, step);
        if (to) next[step] = to;
      }
      allowed[name(state)] = next;
    }
    const waiting = { approve: 'approved', reject: 'rejected', cancel: 'cancelled', time_out: 'cancelled' };
    expect(allowed).toEqual({
      pending_approval: waiting,
      'pending_approval (at approval)': waiting,
      approved: { cancel: 'cancelled', ship: 'fulfilled', deliver: 'fulfilled', fail: 'failed' },
      'approved (at approval)': { cancel: 'cancelled', issue_code: 'fulfilled', fail: 'failed' },
      'fulfilled/shipped': { deliver: 'fulfilled', fail: 'failed' },
      'fulfilled/shipped (at approval)': { deliver: 'fulfilled', fail: 'failed' },
      'fulfilled/delivered': {},
      'fulfilled/delivered (at approval)': {},
      rejected: {},
      'rejected (at approval)': {},
      cancelled: {},
      'cancelled (at approval)': {},
      failed: {},
      'failed (at approval)': {},
    });
  });

  it('never leaves an ended redemption, and never goes back to waiting for approval', () => {
    for (const state of STATES) {
      for (const step of STEPS) {
        const to = nextStatus(state, step);
        if (UNDONE_STATUSES.includes(state.status)) expect(to).toBeNull();
        expect(to).not.toBe('pending_approval');
      }
    }
  });
});

describe('undone statuses and step words', () => {
  it('counts rejected, cancelled and failed redemptions as undone (they gave back what they took)', () => {
    expect(UNDONE_STATUSES).toEqual(['rejected', 'cancelled', 'failed']);
  });

  it('words every step for refusals ("… it cannot be shipped")', () => {
    expect(STEP_WORDS).toEqual({
      approve: 'approved',
      reject: 'rejected',
      cancel: 'cancelled',
      time_out: 'timed out',
      issue_code: 'given its code',
      ship: 'shipped',
      deliver: 'marked delivered',
      fail: 'marked failed',
    });
  });
});

describe('approvedAlready', () => {
  it('is true once approved, also when fulfilled since', () => {
    expect(REDEMPTION_STATUSES.filter(approvedAlready)).toEqual(['approved', 'fulfilled']);
  });
});
