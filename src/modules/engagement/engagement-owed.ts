// Rewards owed (decision 0053): a challenge completion or automation firing whose catalog reward was
// skipped (out of stock, archived) owes it until it is issued later or waived. Listed program-wide,
// oldest first; issued by the due run once the reward is in stock again (bounded per run) or by an
// admin's retry, through the same free issue keyed by the same key as the first attempt, under the
// same advisory lock: a retry racing the due run (or two runs) issues it once. The completion or
// firing then records the redemption and when it was issued, and keeps the skip reason as the trail.
import type { Actor } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import { DEFAULT_LIMIT, type Page } from '../../core/pagination.ts';
import { advisoryLock } from '../../db/client.ts';
import { rewardsInStock } from '../rewards/rewards-reads.ts';
import type { EngagementDeps } from './engagement-deps.ts';
import {
  findOwed,
  listOwed,
  type OwedRef,
  type OwedRow,
  owedRewardIds,
  settleOwed,
} from './engagement-owed-store.ts';

/** How many owed rewards one due run tries to issue at most (the oldest first). */
export const OWED_PER_RUN = 100;

/** The completion or firing a key names, or null when it is not a key of either. */
export function parseOwedKey(key: string): OwedRef | null {
  const [source, code, subject, ...rest] = key.split(':');
  const occurrence = rest.join(':');
  if (!code || !subject || !occurrence) return null;
  if (source === 'challenge') return { source, code, subjectId: subject, windowKey: occurrence };
  if (source === 'automation') return { source, code, subjectId: subject, occurrence };
  return null;
}

function statusOf(row: OwedRow): 'owed' | 'issued' | 'waived' {
  if (row.redemptionId !== null) return 'issued';
  return row.rewardWaivedAt !== null ? 'waived' : 'owed';
}

export function toOwed(row: OwedRow, reward?: { name: string; inStock: boolean }) {
  return {
    key: row.key,
    status: statusOf(row),
    source: row.source,
    challenge: row.source === 'challenge' ? row.code : null,
    automation: row.source === 'automation' ? row.code : null,
    occurrence: row.occurrence,
    accountId: row.accountId,
    contactId: row.contactId,
    explanation: row.explanation,
    reward:
      row.rewardId === null
        ? null
        : { id: row.rewardId, name: reward?.name ?? null, inStock: reward?.inStock ?? false },
    reason: row.rewardSkipped,
    owedSince: row.since.toISOString(),
    redemptionId: row.redemptionId,
    issuedAt: row.rewardIssuedAt?.toISOString() ?? null,
    waivedAt: row.rewardWaivedAt?.toISOString() ?? null,
    waivedReason: row.rewardWaivedReason,
  };
}
export type OwedView = ReturnType<typeof toOwed>;

const cursorOf = (row: OwedRow) =>
  Buffer.from(`${row.since.getTime()}|${row.key}`, 'utf8').toString('base64url');

function afterOf(cursor: string | undefined): { since: Date; key: string } | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  const ms = Number(text.slice(0, bar));
  if (bar < 1 || !Number.isSafeInteger(ms) || parseOwedKey(text.slice(bar + 1)) === null)
    throw new FidelisError('invalid_cursor');
  return { since: new Date(ms), key: text.slice(bar + 1) };
}

/** The rewards the program owes, oldest first, with the account, what earned it, the reward and why it was skipped. */
export async function rewardsOwed(
  deps: EngagementDeps,
  programId: string,
  query: { cursor?: string; limit?: number; account?: string; reward?: string },
): Promise<Page<OwedView>> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const after = afterOf(query.cursor);
  const accountId =
    query.account === undefined ? undefined : (await deps.accounts.resolve(programId, query.account)).id;
  const rows = await listOwed(
    deps.database.db,
    programId,
    { accountId, rewardIds: query.reward === undefined ? undefined : [query.reward], after },
    limit + 1,
  );
  const kept = rows.slice(0, limit);
  const rewards = await rewardsInStock(deps.database.db, programId, [
    ...new Set(kept.flatMap((r) => (r.rewardId === null ? [] : [r.rewardId]))),
  ]);
  return {
    data: kept.map((r) => toOwed(r, r.rewardId === null ? undefined : rewards.get(r.rewardId))),
    nextCursor: rows.length > limit ? cursorOf(kept[kept.length - 1]!) : null,
  };
}

function notFound(key: string): FidelisError {
  return new FidelisError('reward_owed_not_found', `No completion or firing ${key} owes a catalog reward`);
}

/**
 * Issues one owed reward now, under the advisory lock of its completion or firing, through the free
 * issue keyed by its key. Answers the row settled, the row as it was when issued or waived already
 * (`settled`), or why it still cannot be issued (nothing written).
 */
async function issueOwed(
  deps: EngagementDeps,
  programId: string,
  ref: OwedRef,
  key: string,
  actor: Actor,
  now: Date,
  manual: boolean,
): Promise<{ row: OwedRow; issued: boolean } | { unavailable: string; row: OwedRow }> {
  return deps.database.transaction(async (tx) => {
    await advisoryLock(tx, `engagement:${programId}:${key}`);
    const row = await findOwed(tx, programId, ref);
    if (!row || row.rewardSkipped === null) throw notFound(key);
    if (statusOf(row) !== 'owed') return { row, issued: false };
    if (row.rewardId === null) return { unavailable: 'the reward it owes is not known', row };
    if (!deps.redemptions) return { unavailable: 'catalog rewards are not available', row };
    const issued = await deps.redemptions.issueFree(
      tx,
      programId,
      {
        reward: row.rewardId,
        accountId: row.accountId,
        contactId: row.contactId,
        issuedFor: key,
        note: `${row.explanation ?? `${row.code} completed (${row.occurrence})`} — owed since ${row.since.toISOString().slice(0, 10)}`,
      },
      actor,
    );
    if ('skipped' in issued) return { unavailable: issued.skipped, row };
    await settleOwed(tx, programId, ref, { redemptionId: issued.redemptionId, rewardIssuedAt: now });
    const settled: OwedRow = { ...row, redemptionId: issued.redemptionId, rewardIssuedAt: now };
    await deps.audit.record(tx, programId, {
      actor,
      action: manual ? 'reward_owed.retry' : 'reward_owed.issue',
      resourceType: row.source === 'challenge' ? 'challenge_completion' : 'automation_firing',
      resourceId: key,
      before: toOwed(row),
      after: toOwed(settled),
    });
    return { row: settled, issued: true };
  });
}

/** An admin's retry of one owed reward now (audited): issued, or answered as issued already; refused while unavailable. */
export async function retryOwed(
  deps: EngagementDeps,
  programId: string,
  key: string,
  actor: Actor,
  now = new Date(),
): Promise<OwedView> {
  const ref = parseOwedKey(key);
  if (!ref) throw notFound(key);
  const done = await issueOwed(deps, programId, ref, key, actor, now, true);
  if ('unavailable' in done)
    throw new FidelisError(
      'reward_still_unavailable',
      `${done.unavailable}: the reward owed by ${key} was not issued`,
    );
  if (!done.issued && done.row.rewardWaivedAt !== null)
    throw new FidelisError('reward_owed_settled', `The reward owed by ${key} was waived`);
  return toOwed(done.row);
}

/** An admin waives an owed reward for good (archived, replaced by hand), with a reason (audited). */
export async function waiveOwed(
  deps: EngagementDeps,
  programId: string,
  key: string,
  input: { reason: string },
  actor: Actor,
  now = new Date(),
): Promise<OwedView> {
  const ref = parseOwedKey(key);
  if (!ref) throw notFound(key);
  return deps.database.transaction(async (tx) => {
    await advisoryLock(tx, `engagement:${programId}:${key}`);
    const row = await findOwed(tx, programId, ref);
    if (!row || row.rewardSkipped === null) throw notFound(key);
    if (statusOf(row) !== 'owed')
      throw new FidelisError('reward_owed_settled', `The reward owed by ${key} was ${statusOf(row)} already`);
    await settleOwed(tx, programId, ref, { rewardWaivedAt: now, rewardWaivedReason: input.reason });
    const waived: OwedRow = { ...row, rewardWaivedAt: now, rewardWaivedReason: input.reason };
    await deps.audit.record(tx, programId, {
      actor,
      action: 'reward_owed.waive',
      resourceType: row.source === 'challenge' ? 'challenge_completion' : 'automation_firing',
      resourceId: key,
      before: toOwed(row),
      after: toOwed(waived),
    });
    return toOwed(waived);
  });
}

/**
 * The due run's part: the oldest owed rewards whose reward is in stock again, at most OWED_PER_RUN,
 * each issued as a retry would. A reward that runs out on the way is not tried again in this run.
 * Answers how many were issued.
 */
export async function issueOwedRewards(
  deps: EngagementDeps,
  programId: string,
  asOf: Date,
  actor: Actor,
): Promise<number> {
  const ids = await owedRewardIds(deps.database.db, programId);
  const stock = await rewardsInStock(deps.database.db, programId, ids);
  const inStock = new Set(ids.filter((id) => stock.get(id)?.inStock));
  if (inStock.size === 0) return 0;
  const rows = await listOwed(deps.database.db, programId, { rewardIds: [...inStock] }, OWED_PER_RUN);
  let issued = 0;
  for (const row of rows) {
    if (!inStock.has(row.rewardId!)) continue;
    const ref = parseOwedKey(row.key);
    if (!ref) continue;
    const done = await issueOwed(deps, programId, ref, row.key, actor, asOf, false);
    if ('unavailable' in done) inStock.delete(row.rewardId!);
    else if (done.issued) issued++;
  }
  return issued;
}
