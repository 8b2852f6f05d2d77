// The partners service: referral programs, codes, referrals (attribution, review, conversion through
// the events port) and sales claims; each use case in its verb file.
import { bindUseCases } from '../../lib/use-cases.ts';
import { approveClaim, claimsOf, getClaim, rejectClaim, submitClaim } from './partners-claims.ts';
import { codesOf, createCode, getCode, setCodeActive } from './partners-codes.ts';
import { recordEvents } from './partners-conversion.ts';
import type { PartnerDeps } from './partners-deps.ts';
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

export type { CommittedEvent } from './partners-conversion.ts';

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
  });
}

export type PartnerService = ReturnType<typeof createPartnerService>;
