// Referrals: attributing a referred account to exactly one referrer (through the API, or an event
// naming a code), the fraud guards at attribution, the review queue, and the reads (a referrer's
// referrals, the funnel). Conversion and its rewards: partners-conversion.ts.
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError, invalid } from '../../core/errors.ts';
import { fetchPage } from '../../core/pagination.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { alreadyReferred, planAttribution } from './partners-attribution.ts';
import { type SourceFields, sourceOf } from './partners-attribution-source.ts';
import { commissionOnApproval } from './partners-commission-approval.ts';
import { payConversion, prepareRewards } from './partners-conversion.ts';
import { type PartnerDeps, type ReferralView, toReferral } from './partners-deps.ts';
import { namedReferral, namedReferrals } from './partners-names.ts';
import { existingProgram } from './partners-programs.ts';
import type { AttributeInput, ReferralsQueryInput } from './partners-schemas.ts';
import {
  findReferral,
  findReferralProgram,
  funnelCounts,
  listReferrals,
  lockReferral,
  type ReferralRow,
  referralOf,
  updateReferral,
} from './partners-store.ts';

const REFERRAL_FIELDS: SourceFields = {
  code: 'code',
  referredBy: 'referredBy',
  referralProgram: 'referralProgram',
  referredByContact: 'referredByContact',
};

export function existingReferral(row: ReferralRow | undefined, id: string): ReferralRow {
  if (!row) throw new FidelisError('referral_not_found', `No referral ${id}`);
  return row;
}

/**
 * Attributes the referred account to the code's referrer at `at`. Refused (nothing written) when the
 * code is unknown or inactive, the account was referred already, it joined longer ago than the
 * attribution window, or a guard set to refuse finds something; a guard set to flag puts the
 * referral in review. Concurrent attributions of one account: the unique index lets one win.
 */
export async function attributeAt(
  deps: PartnerDeps,
  programId: string,
  input: AttributeInput,
  actor: Actor,
  how: { at: Date; via: 'api' | 'event'; sourceEventId?: string; fields?: SourceFields },
): Promise<ReferralView> {
  let referredId = '';
  const fields = how.fields ?? REFERRAL_FIELDS;
  const source = sourceOf(input, fields);
  if (!source) throw invalid('Name the referrer: a code or referredBy', { code: 'required (or referredBy)' });
  const write = await planAttribution(
    deps,
    programId,
    source,
    async () => {
      const referred = await deps.accounts.resolve(programId, input.account);
      referredId = referred.id;
      return { id: referred.id, createdAt: referred.createdAt, topOf: referred.id };
    },
    actor,
    {
      ...how,
      fields,
    },
  );
  try {
    return await deps.database.transaction((tx) => write(tx, referredId));
  } catch (error) {
    if (isUniqueViolation(error, 'referrals_referred_uq')) {
      const winner = await referralOf(deps.database.db, programId, referredId);
      if (winner) throw alreadyReferred(winner);
    }
    throw error;
  }
}

export async function attribute(
  deps: PartnerDeps,
  programId: string,
  input: AttributeInput,
  actor: Actor,
  now = new Date(),
) {
  return namedReferral(
    deps,
    programId,
    await attributeAt(deps, programId, input, actor, { at: now, via: 'api' }),
  );
}

/**
 * Approves a referral in review: it goes on as pending, or — when its qualifying event came while it
 * waited — converts now and pays (the same once-only payment as a conversion).
 */
export async function approveReferral(
  deps: PartnerDeps,
  programId: string,
  id: string,
  input: { reason?: string },
  actor: Actor,
  now = new Date(),
) {
  const seen = existingReferral(await findReferral(deps.database.db, programId, id), id);
  const program = existingProgram(
    await findReferralProgram(deps.database.db, programId, seen.referralProgram),
    seen.referralProgram,
  );
  const prepared = seen.conversionEventId
    ? await prepareRewards(deps, programId, seen, program.document, now)
    : null;
  const approved = await deps.database.transaction(async (tx) => {
    const before = existingReferral(await lockReferral(tx, programId, id), id);
    if (before.status !== 'review')
      throw new FidelisError('referral_state_conflict', `The referral is ${before.status}, not in review`);
    const decided = {
      decidedBy: actorName(actor),
      decidedAt: now,
      decisionReason: input.reason ?? null,
    };
    if (before.conversionEventId && !prepared)
      throw new FidelisError(
        'referral_state_conflict',
        'The referral’s qualifying event arrived while it was being approved: approve it again',
      );
    let row: ReferralRow;
    if (before.conversionEventId && prepared) {
      row = await payConversion(deps, tx, programId, before, prepared, decided, actor);
    } else {
      row = (await updateReferral(tx, programId, id, { status: 'pending', ...decided }))!;
    }
    await deps.audit.record(tx, programId, {
      actor,
      action: 'referral.approve',
      resourceType: 'referral',
      resourceId: id,
      before: toReferral(before, now),
      after: toReferral(row, now),
    });
    return row;
  });
  // Converted by this approval: the fixed commission the events' port could not write (after commit).
  if (approved.status === 'converted') await commissionOnApproval(deps, programId, approved, now);
  return namedReferral(deps, programId, toReferral(approved, now));
}

/** Rejects a referral not converted yet (in review, or pending): it pays nothing, ever. */
export async function rejectReferral(
  deps: PartnerDeps,
  programId: string,
  id: string,
  input: { reason?: string },
  actor: Actor,
  now = new Date(),
) {
  const rejected = await deps.database.transaction(async (tx) => {
    const before = existingReferral(await lockReferral(tx, programId, id), id);
    if (before.status !== 'review' && before.status !== 'pending')
      throw new FidelisError(
        'referral_state_conflict',
        `The referral is ${before.status}: only one in review or pending can be rejected`,
      );
    const row = (await updateReferral(tx, programId, id, {
      status: 'rejected',
      decidedBy: actorName(actor),
      decidedAt: now,
      decisionReason: input.reason ?? null,
    }))!;
    const after = toReferral(row, now);
    await deps.audit.record(tx, programId, {
      actor,
      action: 'referral.reject',
      resourceType: 'referral',
      resourceId: id,
      before: toReferral(before, now),
      after,
    });
    await deps.outbox?.emit(tx, programId, [{ type: 'referral.rejected', payload: after }]);
    return after;
  });
  return namedReferral(deps, programId, rejected);
}

export async function getReferral(deps: PartnerDeps, programId: string, id: string) {
  return namedReferral(
    deps,
    programId,
    toReferral(existingReferral(await findReferral(deps.database.db, programId, id), id)),
  );
}

export async function referralsOf(deps: PartnerDeps, programId: string, query: ReferralsQueryInput) {
  const filters = {
    referrerAccountId: await deps.accounts.idOf(programId, query.referrer),
    status: query.status,
    referralProgram: query.referralProgram,
    campaign: query.campaign,
  };
  const now = new Date();
  const page = await fetchPage(
    query,
    (after, limit) => listReferrals(deps.database.db, programId, filters, after, limit),
    (r) => toReferral(r, now),
  );
  return { ...page, data: await namedReferrals(deps, programId, page.data) };
}

/** Codes issued → attributed → converted → rewarded, with those in review and rejected. */
export async function funnel(
  deps: PartnerDeps,
  programId: string,
  query: { referralProgram?: string; campaign?: string },
) {
  if (query.referralProgram !== undefined)
    existingProgram(
      await findReferralProgram(deps.database.db, programId, query.referralProgram),
      query.referralProgram,
    );
  return {
    referralProgram: query.referralProgram ?? null,
    campaign: query.campaign ?? null,
    ...(await funnelCounts(deps.database.db, programId, query)),
  };
}
