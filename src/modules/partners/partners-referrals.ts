// Referrals: attributing a referred account to exactly one referrer (through the API, or an event
// naming a code), the fraud guards at attribution, the review queue, and the reads (a referrer's
// referrals, the funnel). Conversion and its rewards: partners-conversion.ts.
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError, fieldError } from '../../core/errors.ts';
import { fetchPage } from '../../core/pagination.ts';
import {
  type AttributionFacts,
  checkAttribution,
  convertBy,
  emailDomain,
  normaliseCode,
  verdictOf,
  withinAttributionWindow,
} from '../../core/partners/referral.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import { commissionOnApproval } from './partners-commission-approval.ts';
import { payConversion, prepareRewards } from './partners-conversion.ts';
import { type PartnerDeps, type ReferralView, toReferral } from './partners-deps.ts';
import { existingProgram } from './partners-programs.ts';
import type { AttributeInput, ReferralsQueryInput } from './partners-schemas.ts';
import {
  findReferral,
  findReferralCode,
  findReferralProgram,
  funnelCounts,
  insertReferral,
  listReferrals,
  lockReferral,
  type ReferralRow,
  referralOf,
  referralsSince,
  updateReferral,
} from './partners-store.ts';

const DAY_MS = 86_400_000;

export function existingReferral(row: ReferralRow | undefined, id: string): ReferralRow {
  if (!row) throw new FidelisError('referral_not_found', `No referral ${id}`);
  return row;
}

/** The refusal of a second claim on an account: first touch wins, and the first referrer is named. */
function alreadyReferred(first: ReferralRow): FidelisError {
  return new FidelisError(
    'referral_exists',
    `The account ${first.referredAccountId} was already referred by ${first.referrerAccountId} (referral ${first.id})`,
    { referralId: first.id, referrerAccountId: first.referrerAccountId },
  );
}

async function domainsOf(deps: PartnerDeps, programId: string, accountId: string): Promise<string[]> {
  const page = await deps.contacts.list(programId, { accountId, limit: 500 });
  return page.data.flatMap((c) => emailDomain(c.email) ?? []);
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
  how: { at: Date; via: 'api' | 'event'; sourceEventId?: string },
): Promise<ReferralView> {
  const { database } = deps;
  const key = normaliseCode(input.code);
  const code = await findReferralCode(database.db, programId, key);
  if (!code)
    throw fieldError('referral_code_not_found', `No referral code ${key}`, { code: 'no such referral code' });
  const program = existingProgram(
    await findReferralProgram(database.db, programId, code.referralProgram),
    code.referralProgram,
  );
  if (!code.active || !program.active)
    throw fieldError(
      'referral_code_inactive',
      code.active
        ? `The referral program ${program.code} is deactivated`
        : `The referral code ${key} is deactivated`,
      { code: 'deactivated' },
    );
  const referred = await deps.accounts.resolve(programId, input.account);
  const first = await referralOf(database.db, programId, referred.id);
  if (first) throw alreadyReferred(first);
  const doc = program.document;
  if (code.accountId === referred.id)
    throw new FidelisError('referral_refused', 'The referral is refused: an account cannot refer itself', {
      findings: [{ guard: 'same_account', action: 'refuse', reason: 'an account cannot refer itself' }],
    });
  if (!withinAttributionWindow(referred.createdAt, how.at, doc.attributionDays))
    throw new FidelisError(
      'referral_refused',
      `The account ${referred.id} joined on ${referred.createdAt.toISOString()}, more than ${doc.attributionDays} days before the attribution`,
      { findings: [] },
    );
  const referrerId = code.accountId;
  const chains = await deps.accounts.chainsOf(programId, [referrerId, referred.id]);
  const top = (id: string) => chains.get(id)?.at(-1)?.id ?? id;
  const velocity = doc.guards.velocity;
  const facts: AttributionFacts = {
    referrerId,
    referredId: referred.id,
    referrerTop: top(referrerId),
    referredTop: top(referred.id),
    referrerDomains: doc.guards.sameEmailDomain === 'off' ? [] : await domainsOf(deps, programId, referrerId),
    referredDomains:
      doc.guards.sameEmailDomain === 'off' ? [] : await domainsOf(deps, programId, referred.id),
    recentByReferrer:
      velocity && velocity.action !== 'off'
        ? await referralsSince(
            database.db,
            programId,
            referrerId,
            new Date(how.at.getTime() - velocity.days * DAY_MS),
          )
        : 0,
  };
  const findings = checkAttribution(facts, doc.guards);
  const verdict = verdictOf(findings);
  if (verdict === 'refuse')
    throw new FidelisError(
      'referral_refused',
      `The referral is refused: ${findings
        .filter((f) => f.action === 'refuse')
        .map((f) => f.reason)
        .join('; ')}`,
      { findings },
    );
  try {
    return await database.transaction(async (tx) => {
      const row = await insertReferral(tx, {
        programId,
        id: newId('rfl'),
        referralProgram: program.code,
        code: code.code,
        campaign: code.campaign,
        referrerAccountId: referrerId,
        referredAccountId: referred.id,
        status: verdict === 'review' ? 'review' : 'pending',
        findings,
        via: how.via,
        sourceEventId: how.sourceEventId ?? null,
        attributedAt: how.at,
        convertBy: convertBy(how.at, doc.conversion.windowDays),
        actor: actorName(actor),
      });
      const view = toReferral(row, how.at);
      await deps.audit.record(tx, programId, {
        actor,
        action: 'referral.attribute',
        resourceType: 'referral',
        resourceId: row.id,
        after: view,
      });
      await deps.outbox?.emit(tx, programId, [{ type: 'referral.attributed', payload: view }]);
      return view;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'referrals_referred_uq')) {
      const winner = await referralOf(database.db, programId, referred.id);
      if (winner) throw alreadyReferred(winner);
    }
    throw error;
  }
}

export function attribute(
  deps: PartnerDeps,
  programId: string,
  input: AttributeInput,
  actor: Actor,
  now = new Date(),
) {
  return attributeAt(deps, programId, input, actor, { at: now, via: 'api' });
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
  return toReferral(approved, now);
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
  return deps.database.transaction(async (tx) => {
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
}

export async function getReferral(deps: PartnerDeps, programId: string, id: string) {
  return toReferral(existingReferral(await findReferral(deps.database.db, programId, id), id));
}

export async function referralsOf(deps: PartnerDeps, programId: string, query: ReferralsQueryInput) {
  const filters = {
    referrerAccountId: await deps.accounts.idOf(programId, query.referrer),
    status: query.status,
    referralProgram: query.referralProgram,
    campaign: query.campaign,
  };
  const now = new Date();
  return fetchPage(
    query,
    (after, limit) => listReferrals(deps.database.db, programId, filters, after, limit),
    (r) => toReferral(r, now),
  );
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
