// The partners service: referral programs, codes, referrals (attribution, review, conversion through
// the events port), sales claims, commission plans and lines, and payout runs; each use case in its verb file.
import { bindUseCases } from '../../lib/use-cases.ts';
import { attributionOnWrite } from './partners-attribution.ts';
import { approveClaim, claimsOf, getClaim, rejectClaim, submitClaim } from './partners-claims.ts';
import { codesOf, createCode, getCode, setCodeActive } from './partners-codes.ts';
import {
  assignmentsOf,
  assignPlan,
  createPlan,
  getAssignment,
  getPlan,
  plansOf,
  unassignPlan,
  updatePlanOf,
} from './partners-commission-plans.ts';
import { linesOf, recordCommissions } from './partners-commissions.ts';
import { type CommittedEvent, recordEvents as recordConversions } from './partners-conversion.ts';
import type { PartnerDeps } from './partners-deps.ts';
import { approveRun, cancelRun, getRun, proposeRun, runsOf } from './partners-payout-runs.ts';
import { runDue } from './partners-payout-schedule.ts';
import { getPayout, runCsv, setPayoutStatus } from './partners-payouts.ts';
import {
  createReferralProgram,
  getReferralProgram,
  referralProgramsOf,
  updateReferralProgramOf,
} from './partners-programs.ts';
import {
  approveReferral,
  attribute,
  funnel,
  getReferral,
  referralsOf,
  rejectReferral,
} from './partners-referrals.ts';
import { retrySkipped, sweepStatus } from './partners-sweep-admin.ts';

export type { CommittedEvent } from './partners-conversion.ts';

/** Events that just committed: attributions and conversions first, then the commissions they pay. */
async function recordEvents(
  deps: PartnerDeps,
  programId: string,
  events: CommittedEvent[],
  now = new Date(),
) {
  const converted = await recordConversions(deps, programId, events, now);
  await recordCommissions(deps, programId, events, now);
  return converted;
}

export function createPartnerService(deps: PartnerDeps) {
  return bindUseCases(deps, {
    // Referral programs
    createReferralProgram,
    updateReferralProgram: updateReferralProgramOf,
    getReferralProgram,
    listReferralPrograms: referralProgramsOf,
    // Codes
    createCode,
    getCode,
    setCodeActive,
    listCodes: codesOf,
    // Referrals
    attribute,
    /** The accounts' port: a code given when an account is created or imported (decision 0048). */
    attributionOnWrite,
    approveReferral,
    rejectReferral,
    getReferral,
    listReferrals: referralsOf,
    funnel,
    /** Events that just committed: attributions by code and conversions (the events port). */
    recordEvents,
    // Sales claims
    submitClaim,
    approveClaim,
    rejectClaim,
    getClaim,
    listClaims: claimsOf,
    // Commissions (decision 0032)
    createCommissionPlan: createPlan,
    updateCommissionPlan: updatePlanOf,
    getCommissionPlan: getPlan,
    listCommissionPlans: plansOf,
    assignCommissionPlan: assignPlan,
    unassignCommissionPlan: unassignPlan,
    getCommissionPartner: getAssignment,
    listCommissionPartners: assignmentsOf,
    listCommissionLines: linesOf,
    // Payout runs
    proposePayoutRun: proposeRun,
    approvePayoutRun: approveRun,
    cancelPayoutRun: cancelRun,
    getPayoutRun: getRun,
    listPayoutRuns: runsOf,
    getPayout,
    setPayoutStatus,
    payoutRunCsv: runCsv,
    /** The due run's partners work: the commission sweep and the scheduled payout runs (decisions 0048, 0052). */
    runDue,
    /** The commission sweep's watermark, lag and skipped events, and an operator's retry (decision 0055). */
    commissionSweep: sweepStatus,
    retryCommissionSweepEvent: retrySkipped,
  });
}

export type PartnerService = ReturnType<typeof createPartnerService>;
