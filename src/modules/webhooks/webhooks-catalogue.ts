// What each webhook message type reports (the catalogue served at GET /v1/webhook-event-types).
import type { MessageType } from '../outbox/outbox-service.ts';

export const MESSAGE_DESCRIPTIONS: Record<MessageType, string> = {
  'event.processed': 'An event was ingested and evaluated: the event with its result and awards',
  'points.credited': 'Points or cash were credited to a member wallet (an earn, an adjustment, a refund)',
  'points.debited':
    'Points or cash were debited from a member wallet (a redemption, a donation, an adjustment)',
  'points.expired': 'Points of a wallet expired',
  'points.expiring_soon':
    "A lot's remaining points expire within the program's notice window (once per lot and expiry date)",
  'tier.changed': "An account's tier changed (upgrade, requalification, downgrade, override)",
  'tier.downgrade_upcoming':
    "An account's next tier evaluation would lower its tier as its metric stands: announced once per evaluation date, the ladder's downgradeNoticeDays before",
  'redemption.requested':
    'A redemption was requested (the price is held), or a reward was issued free by a challenge or an automation',
  'redemption.approved': 'A redemption was approved',
  'redemption.rejected': 'A redemption was rejected (the hold is released)',
  'redemption.fulfilled': 'A redemption was fulfilled',
  'redemption.cancelled': 'A redemption was cancelled',
  'membership.started': 'A membership became active',
  'membership.renewed': 'A membership was renewed for a new term',
  'membership.lapsed': 'A membership lapsed at the end of its term',
  'referral.attributed':
    'A referred account was attributed to its referrer (pending, or in review when a guard flagged it)',
  'referral.converted': 'A referral converted on its qualifying event and its rewards were credited',
  'referral.rejected': 'A referral was rejected: it pays nothing',
  'claim.submitted': 'A sales claim was submitted',
  'claim.approved': 'A sales claim was approved (its sales.claim_approved event follows)',
  'claim.rejected': 'A sales claim was rejected',
  'commission.created':
    "A commission line was written for a partner (pending for the plan's holding period): the line with its explanation",
  'commission.clawed_back':
    'A return took back (part of) a commission: voided while pending, or reversed after it posted',
  'payout_run.proposed': 'A payout run was proposed: its payouts and statements wait for approval',
  'payout_run.approved':
    'A payout run was approved by someone other than its proposer; its payouts are released',
  'payout.status_changed':
    'A partner payout changed status (pending, sent, paid, failed: a failed one gave the money back)',
  'challenge.completed':
    'An account (or its contact, in a contact challenge) completed a challenge in one of its windows; its points, badge and catalog reward were given (once per window)',
  'badge.awarded': 'A badge was awarded to an account (by hand, or by a completed challenge)',
  'survey.answered':
    'A contact answered a survey (score and category; account and contact null when the survey is anonymous)',
};
