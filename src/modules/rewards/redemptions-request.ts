// Requesting a reward: the checks (availability, session, eligibility), then one ledger transaction
// that holds the price, checks the limits and takes a unit, code or place, or fails whole.
import { actorName } from '../../core/access.ts';
import { FidelisError, invalid } from '../../core/errors.ts';
import { approvalsNeeded, refusals, unavailability, windowStart } from '../../core/rewards/eligibility.ts';
import type { Tx } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { Contact } from '../contacts/contacts-schemas.ts';
import { conversionContext } from './redemptions-convert.ts';
import { type Redemption, viewRedemption } from './redemptions-list.ts';
import type { RequestRedemptionInput } from './redemptions-schemas.ts';
import { type RedemptionActor, type RedemptionDeps, staffName } from './redemptions-service.ts';
import {
  countRedemptions,
  findRedemptionByKey,
  insertRedemption,
  lockRedemptionLimit,
  type RedemptionRow,
} from './redemptions-store.ts';
import { record, settleApproved } from './redemptions-transition.ts';
import { contactOfAccount } from './rewards-checks.ts';
import { redemptionSettings } from './rewards-settings.ts';
import { findSession, type RewardRow, reserveCode, takeSessionPlace, takeStock } from './rewards-store.ts';

const DAY = 86_400_000;

/** A reward booked per session needs one of its sessions that has not started; others take none. */
async function checkSession(
  d: RedemptionDeps,
  programId: string,
  reward: RewardRow,
  sessionId: string | undefined,
  now: Date,
): Promise<void> {
  if (reward.stockKind !== 'sessions') {
    if (sessionId !== undefined)
      throw invalid('This reward has no sessions', { sessionId: 'this reward has no sessions' });
    return;
  }
  if (sessionId === undefined) {
    throw invalid('This reward is booked per session: name a sessionId', {
      sessionId: 'is required for this reward',
    });
  }
  const session = await findSession(d.database.db, programId, reward.id, sessionId);
  if (!session)
    throw new FidelisError('session_not_found', `Reward ${reward.id} has no session ${sessionId}`);
  if (session.startsAt <= now)
    throw new FidelisError(
      'reward_not_available',
      `Session ${session.id} started at ${session.startsAt.toISOString()}`,
    );
}

/** Refuses a request over the reward's per-account or per-contact limit (under a lock, so two cannot pass). */
async function checkLimits(
  tx: Tx,
  programId: string,
  reward: RewardRow,
  accountId: string,
  contact: Contact | undefined,
  now: Date,
): Promise<void> {
  const { limits } = reward;
  if (!limits.perAccount && !limits.perContact) return;
  await lockRedemptionLimit(tx, programId, reward.id, accountId);
  const checks = [
    { limit: limits.perAccount, by: { accountId }, who: 'this account' },
    ...(contact ? [{ limit: limits.perContact, by: { contactId: contact.id }, who: 'this contact' }] : []),
  ];
  for (const c of checks) {
    if (!c.limit) continue;
    const n = await countRedemptions(tx, programId, reward.id, c.by, windowStart(c.limit.period, now));
    if (n >= c.limit.count) {
      throw new FidelisError(
        'redemption_limit_reached',
        `${reward.name} can be redeemed ${c.limit.count} time(s) per ${c.limit.period} by ${c.who}`,
      );
    }
  }
}

/** Takes what the redemption gives: a code of the pool (its id), a counted unit, or a place of the session. */
async function takeStockOf(
  tx: Tx,
  programId: string,
  reward: RewardRow,
  redemptionId: string,
  sessionId: string | undefined,
): Promise<string | null> {
  if (reward.stockKind === 'codes') {
    const code = await reserveCode(tx, programId, reward.id, redemptionId);
    if (!code) throw new FidelisError('out_of_stock', `${reward.name} has no codes left`);
    return code.id;
  }
  if (reward.stockKind === 'counted') {
    if (!(await takeStock(tx, programId, reward.id)))
      throw new FidelisError('out_of_stock', `${reward.name} is out of stock`);
  } else if (reward.stockKind === 'sessions') {
    if (!(await takeSessionPlace(tx, programId, sessionId!)))
      throw new FidelisError('out_of_stock', `Session ${sessionId} of ${reward.name} is sold out`);
  }
  return null;
}

/**
 * The ledger refuses a debit the wallet cannot cover naming the `amount` of its own input; a
 * redemption request has no amount (the price is the reward's), so here the refusal names no field.
 */
function withoutAmountField(error: unknown): unknown {
  if (!(error instanceof FidelisError && error.code === 'insufficient_balance')) return error;
  const { errors: _, ...extra } = error.extra;
  return new FidelisError(error.code, error.detail, extra);
}

/**
 * Requests a reward: checks availability, eligibility and limits, then in one ledger transaction
 * holds the price and takes a unit, code or place (or fails whole). Below the approval policy it
 * is approved at once (the hold is captured; a code-pool reward is fulfilled with its code).
 */
export async function requestRedemption(
  d: RedemptionDeps,
  programId: string,
  input: RequestRedemptionInput,
  by: RedemptionActor,
  requestKey?: string,
): Promise<{ redemption: Redemption; replayed: boolean }> {
  if (requestKey !== undefined) {
    const existing = await findRedemptionByKey(d.database.db, programId, requestKey);
    if (existing) return { redemption: await viewRedemption(d, programId, existing), replayed: true };
  }
  const now = new Date();
  const reward = await d.rewards.load(programId, input.reward);
  const account = await d.accounts.resolve(programId, input.account);
  const contact =
    input.contactId === undefined
      ? undefined
      : await contactOfAccount(d.contacts, programId, input.contactId, account.id);
  const notNow = unavailability(reward, now);
  if (notNow) throw new FidelisError('reward_not_available', `Reward ${reward.id}: ${notNow}`);
  await checkSession(d, programId, reward, input.sessionId, now);
  const facts = await d.eligibilityFacts(programId, account.id);
  const reasons = refusals(reward.eligibility, account.status, {
    segment: account.segment,
    country: account.country,
    ...facts,
    role: contact?.role,
  });
  if (reasons.length > 0) {
    throw new FidelisError('reward_not_eligible', `Not eligible for ${reward.name}: ${reasons.join('; ')}`, {
      // One error per reason, each naming the account: more than fieldError's one message per field.
      errors: reasons.map((message) => ({ path: '/account', message })),
    });
  }
  const settings = redemptionSettings((await d.programs.get(programId)).settings);
  const required = approvalsNeeded(
    settings.approval,
    { amount: reward.priceAmount, unit: reward.priceUnit },
    contact?.role,
  );
  const id = newId('red');
  // A conversion approved at once credits its cash in the hold's transaction: read what it needs now.
  const cash = required === 0 ? await conversionContext(d, programId, reward, account.id) : undefined;
  let created: RedemptionRow | undefined;
  // In the transaction that holds the price (after the wallet row is locked and the hold written), or
  // in one of its own for a free perk (price 0, decision 0047: no hold; limits keep their own lock).
  const write = async (tx: Tx, holdEntryId: string | null) => {
    await checkLimits(tx, programId, reward, account.id, contact, now);
    const codeId = await takeStockOf(tx, programId, reward, id, input.sessionId);
    const row = await insertRedemption(tx, {
      programId,
      id,
      rewardId: reward.id,
      accountId: account.id,
      contactId: contact?.id ?? null,
      requestedBy: contact?.id ?? staffName(by.actor),
      sessionId: input.sessionId ?? null,
      status: 'pending_approval',
      amount: reward.priceAmount,
      unit: reward.priceUnit,
      holdEntryId,
      approvalsRequired: required,
      codeId,
      note: input.note ?? null,
      requestKey: requestKey ?? null,
    });
    await record(d, tx, programId, by.actor, 'redemption.requested', null, row, {
      holdEntryId,
      approvalsRequired: required,
      ...(holdEntryId === null && { free: true }),
    });
    created = required === 0 ? await settleApproved(d, tx, programId, row, reward, by.actor, cash) : row;
  };
  if (reward.priceAmount === 0) {
    await d.database.transaction((tx) => write(tx, null));
    return { redemption: await viewRedemption(d, programId, created!), replayed: false };
  }
  try {
    await d.ledger.debit(programId, {
      key: `redemption:${id}:hold`,
      account: account.id,
      unit: reward.priceUnit,
      amount: reward.priceAmount,
      type: 'redeem',
      hold: true,
      holdUntil: new Date(now.getTime() + settings.approvalTimeoutDays * DAY),
      reasonCode: 'reward',
      explanation: `Reward: ${reward.name}`,
      contactId: contact?.id,
      sourceType: 'redemption',
      sourceId: id,
      actor: actorName(by.actor),
      afterWrite: (tx, hold) => write(tx, hold.id),
    });
  } catch (error) {
    throw withoutAmountField(error);
  }
  return { redemption: await viewRedemption(d, programId, created!), replayed: false };
}
