// Conversion: the events that just committed (the events module's referral port, called after their
// commit) attribute accounts through the code they name (`references.referralCode`) and convert
// referrals whose qualifying event they are. A conversion pays once: the referral row is locked and
// its rewards are ledger credits keyed by the referral (`referral:<id>:referrer`, `…:referred`), in
// the conversion's transaction. Resent and concurrent events find the referral converted.
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import { convertsWithin } from '../../core/partners/referral.ts';
import { type ConditionFacts, conditionContext, runCondition } from '../../core/rules/condition.ts';
import { advisoryLock, type Tx } from '../../db/client.ts';
import type { PreparedWrite } from '../ledger/ledger-service.ts';
import { type PartnerDeps, REFERRALS_JOB, toReferral } from './partners-deps.ts';
import { activePrograms } from './partners-programs.ts';
import { attributeAt } from './partners-referrals.ts';
import {
  convertedCount,
  lockReferral,
  type ReferralRow,
  unconvertedReferralsOf,
  updateReferral,
} from './partners-store.ts';
import type { ReferralProgramDocument } from './partners-tables.ts';

const DAY_MS = 86_400_000;

/** An event that just committed, as the events module hands it over. */
export interface CommittedEvent {
  /** The client's id of the event. */
  id: string;
  type: string;
  accountId: string;
  at: Date;
  references: Record<string, string>;
  /** The facts earning rules saw (CEL conditions run on them). */
  facts: ConditionFacts;
  /** Its amount in the base currency's minor units (commissions' revenue), if it has one. */
  amountMinor?: bigint | null;
  /** A return's original event (the client's id). */
  originalEventId?: string;
}

export interface PreparedRewards {
  referrer: PreparedWrite | null;
  referred: PreparedWrite | null;
  /**
   * With tiered referrer rewards (decision 0048): the referrer's credit for each tier it may reach, by
   * tier index (0: the base amount), from the one its rank had when prepared on (ranks only grow).
   */
  referrerByTier?: Map<number, PreparedWrite>;
  tiers?: Tiers;
}

type Tiers = Array<{ from: number; amount: number }>;

/** Which tier a rank (the referrer's Nth converted referral) reaches: 0 below the first, i + 1 from tier i. */
export function tierIndex(tiers: Tiers, rank: number): number {
  return tiers.filter((t) => rank >= t.from).length;
}

const rankLock = (programId: string, referral: ReferralRow) =>
  `referral-rank:${programId}:${referral.referralProgram}:${referral.referrerAccountId}`;

/** The reward credits of a referral, prepared before the transaction that writes them (keys derived from it). */
export async function prepareRewards(
  deps: PartnerDeps,
  programId: string,
  referral: ReferralRow,
  doc: ReferralProgramDocument,
  now: Date,
): Promise<PreparedRewards> {
  const pendingUntil =
    doc.rewards.pendingDays > 0 ? new Date(now.getTime() + doc.rewards.pendingDays * DAY_MS) : undefined;
  const tiers = doc.rewards.referrer?.tiers;
  const rank = tiers?.length
    ? (await convertedCount(
        deps.database.db,
        programId,
        referral.referrerAccountId,
        referral.referralProgram,
      )) + 1
    : null;
  const side = async (which: 'referrer' | 'referred', tier: number | null) => {
    const spec = doc.rewards[which];
    if (!spec) return null;
    const account = which === 'referrer' ? referral.referrerAccountId : referral.referredAccountId;
    const reached = tier !== null && tier > 0 ? spec.tiers?.[tier - 1] : undefined;
    const amount = reached?.amount ?? spec.amount;
    const tierNote =
      which !== 'referrer' || tier === null
        ? ''
        : reached
          ? `; reward tier from the referrer's converted referral no. ${reached.from}`
          : `; base reward, before the referrer's converted referral no. ${spec.tiers![0]!.from}`;
    return deps.ledger.prepareCredit(programId, {
      key: `referral:${referral.id}:${which}`,
      account,
      unit: spec.unit,
      amount,
      type: 'earn',
      reasonCode: which === 'referrer' ? 'referral_referrer' : 'referral_referred',
      explanation:
        which === 'referrer'
          ? `Referral of ${referral.referredAccountId} converted (code ${referral.code}${tierNote})`
          : `Welcome reward: referred by ${referral.referrerAccountId} (code ${referral.code})`,
      sourceType: 'event',
      sourceId: referral.conversionEventId ?? referral.id,
      pendingUntil,
      actor: actorName(REFERRALS_JOB),
    });
  };
  if (!tiers?.length || rank === null)
    return { referrer: await side('referrer', null), referred: await side('referred', null) };
  const referrerByTier = new Map<number, PreparedWrite>();
  for (let tier = tierIndex(tiers, rank); tier <= tiers.length; tier++)
    referrerByTier.set(tier, (await side('referrer', tier))!);
  return {
    referrer: referrerByTier.get(tierIndex(tiers, rank))!,
    referred: await side('referred', null),
    referrerByTier,
    tiers,
  };
}

/**
 * Writes a locked referral's rewards and marks it converted, in the caller's transaction. The ledger
 * keys make a second write of the same reward a replay of the first.
 */
export async function payConversion(
  deps: PartnerDeps,
  tx: Tx,
  programId: string,
  locked: ReferralRow,
  prepared: PreparedRewards,
  patch: Partial<ReferralRow>,
  actor: Actor,
): Promise<ReferralRow> {
  // Tiered rewards: conversions of one referrer's referrals take turns (an advisory lock), and the rank
  // is read again under it; another conversion committed meanwhile: the credit of the tier reached now.
  let referrerCredit = prepared.referrer;
  const { referrerByTier, tiers } = prepared;
  if (referrerByTier && tiers) {
    await advisoryLock(tx, rankLock(programId, locked));
    const rank = (await convertedCount(tx, programId, locked.referrerAccountId, locked.referralProgram)) + 1;
    referrerCredit = referrerByTier.get(tierIndex(tiers, rank)) ?? referrerCredit;
  }
  const referrer = referrerCredit ? (await deps.ledger.writePrepared(tx, referrerCredit)).entry : null;
  const referred = prepared.referred ? (await deps.ledger.writePrepared(tx, prepared.referred)).entry : null;
  const row = (await updateReferral(tx, programId, locked.id, {
    ...patch,
    status: 'converted',
    referrerEntryId: referrer?.id ?? null,
    referredEntryId: referred?.id ?? null,
  }))!;
  await deps.outbox?.emit(tx, programId, [
    { type: 'referral.converted', payload: { ...toReferral(row), actor: actorName(actor) } },
  ]);
  return row;
}

/**
 * Converts the referral on its qualifying event, once: in review, the event is only noted (the
 * approval pays); rejected or converted already, nothing happens. Answers whether it paid.
 */
async function convert(
  deps: PartnerDeps,
  programId: string,
  seen: ReferralRow,
  doc: ReferralProgramDocument,
  event: CommittedEvent,
  now: Date,
): Promise<boolean> {
  const candidate = { ...seen, conversionEventId: event.id };
  const prepared =
    seen.status === 'pending' ? await prepareRewards(deps, programId, candidate, doc, now) : null;
  return deps.database.transaction(async (tx) => {
    const locked = await lockReferral(tx, programId, seen.id);
    if (!locked || locked.conversionEventId !== null) return false;
    const noted = { conversionEventId: event.id, convertedAt: event.at };
    if (locked.status === 'review') {
      await updateReferral(tx, programId, seen.id, noted);
      return false;
    }
    if (locked.status !== 'pending' || !prepared) return false;
    const row = await payConversion(deps, tx, programId, locked, prepared, noted, REFERRALS_JOB);
    await deps.audit.record(tx, programId, {
      actor: REFERRALS_JOB,
      action: 'referral.convert',
      resourceType: 'referral',
      resourceId: seen.id,
      before: toReferral(locked, now),
      after: toReferral(row, now),
    });
    return true;
  });
}

function qualifies(doc: ReferralProgramDocument, referral: ReferralRow, event: CommittedEvent): boolean {
  if (!doc.conversion.eventTypes.includes(event.type)) return false;
  if (!convertsWithin(referral.convertBy, event.at)) return false;
  if (doc.conversion.condition === null) return true;
  return runCondition(doc.conversion.condition, conditionContext(event.facts)).matched;
}

/**
 * Events that just committed (the events port). Answers how many referrals they converted. With no
 * active referral program (cached per instance) it returns at once: ingestion pays nothing for it.
 */
export async function recordEvents(
  deps: PartnerDeps,
  programId: string,
  committed: CommittedEvent[],
  now = new Date(),
): Promise<number> {
  // Returns only claw commissions back (partners-commissions.ts); they neither attribute nor convert.
  const events = committed.filter((e) => e.type !== 'return');
  if (events.length === 0) return 0;
  const programs = await activePrograms(deps, programId);
  if (programs.length === 0) return 0;
  // Attribution by an event naming a code, or the referrer (`references.referredBy`, with
  // `references.referralProgram`; decision 0060): first touch wins; a refusal leaves the event as it is.
  for (const e of events) {
    const { referralCode: code, referredBy, referralProgram, referredByContact } = e.references;
    if (code === undefined && referredBy === undefined) continue;
    try {
      await attributeAt(
        deps,
        programId,
        { code, referredBy, referralProgram, referredByContact, account: e.accountId },
        REFERRALS_JOB,
        {
          at: e.at,
          via: 'event',
          sourceEventId: e.id,
          fields: EVENT_FIELDS,
        },
      );
    } catch (error) {
      if (!(error instanceof FidelisError)) throw error;
    }
  }
  return convertOn(deps, programId, events, now, programs);
}

const EVENT_FIELDS = {
  code: 'references/referralCode',
  referredBy: 'references/referredBy',
  referralProgram: 'references/referralProgram',
  referredByContact: 'references/referredByContact',
};

/**
 * The referrals these events convert (their qualifying event, the first in time), once each: the
 * hook's second half, and the due run's sweep for an event the hook missed (decision 0055).
 */
export async function convertOn(
  deps: PartnerDeps,
  programId: string,
  committed: CommittedEvent[],
  now = new Date(),
  active?: Awaited<ReturnType<typeof activePrograms>>,
): Promise<number> {
  const events = committed.filter((e) => e.type !== 'return');
  if (events.length === 0) return 0;
  const programs = active ?? (await activePrograms(deps, programId));
  if (programs.length === 0) return 0;
  const types = new Set(programs.flatMap((p) => p.document.conversion.eventTypes));
  const relevant = events.filter((e) => types.has(e.type));
  if (relevant.length === 0) return 0;
  const open = await unconvertedReferralsOf(deps.database.db, programId, [
    ...new Set(relevant.map((e) => e.accountId)),
  ]);
  const byCode = new Map(programs.map((p) => [p.code, p.document]));
  let converted = 0;
  for (const referral of open) {
    const doc = byCode.get(referral.referralProgram);
    if (!doc) continue;
    const event = relevant
      .filter((e) => e.accountId === referral.referredAccountId)
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .find((e) => qualifies(doc, referral, e));
    if (event && (await convert(deps, programId, referral, doc, event, now))) converted++;
  }
  return converted;
}
