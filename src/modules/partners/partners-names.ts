// Claims and referrals with the console users who acted on them by name (decision 0051's pattern):
// one read of the users for a whole page. The audit log and the webhook payloads keep the ids only.
import { userDisplayNames } from '../users/users-reads.ts';
import type { ClaimView, PartnerDeps, ReferralView } from './partners-deps.ts';

/** Claims with `submittedByName` and `decidedByName`: a console user's name (or e-mail), else null. */
export async function namedClaims(deps: PartnerDeps, programId: string, claims: ClaimView[]) {
  const names = await userDisplayNames(
    deps.database.db,
    programId,
    claims.flatMap((c) => [c.submittedBy, c.decidedBy]),
  );
  return claims.map((c) => ({
    ...c,
    submittedByName: names.get(c.submittedBy) ?? null,
    decidedByName: (c.decidedBy && names.get(c.decidedBy)) ?? null,
  }));
}

export async function namedClaim(deps: PartnerDeps, programId: string, claim: ClaimView) {
  return (await namedClaims(deps, programId, [claim]))[0]!;
}

/** Referrals with `decidedByName`: the deciding console user's name (or e-mail), else null. */
export async function namedReferrals(deps: PartnerDeps, programId: string, referrals: ReferralView[]) {
  const names = await userDisplayNames(
    deps.database.db,
    programId,
    referrals.map((r) => r.decidedBy),
  );
  return referrals.map((r) => ({ ...r, decidedByName: (r.decidedBy && names.get(r.decidedBy)) ?? null }));
}

export async function namedReferral(deps: PartnerDeps, programId: string, referral: ReferralView) {
  return (await namedReferrals(deps, programId, [referral]))[0]!;
}

export type NamedClaim = Awaited<ReturnType<typeof namedClaim>>;
export type NamedReferral = Awaited<ReturnType<typeof namedReferral>>;
