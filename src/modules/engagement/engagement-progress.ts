// Challenge progress and completion. Progress is derived from the stored events (events-reads), so a
// challenge created or changed mid-window counts every event since its start and events sent late
// count. A completion is written once per challenge, account and window, under an advisory lock on
// that key, with its points (a ledger credit keyed by the same key) and its badge in one
// transaction: the events' after-commit hook and the due run may both find it, any number of times.
import { type Actor, actorName, systemActor } from '../../core/access.ts';
import {
  type ChallengeDocument,
  type ChallengeWindowAt,
  windowAt,
  windowsDue,
} from '../../core/engagement/challenge.ts';
import {
  type ChallengeEvent,
  completedAt,
  fromHistory,
  type ProgressView,
  summarize,
} from '../../core/engagement/progress.ts';
import { minorDigits } from '../../core/money.ts';
import { conditionContext, runCondition } from '../../core/rules/condition.ts';
import { advisoryLock } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { accountsActiveIn, eventsInWindow, type HistoryEvent } from '../events/events-reads.ts';
import type { Program } from '../programs/programs-schemas.ts';
import { expiryOf } from './engagement-badges.ts';
import { type EngagementDeps, existing } from './engagement-deps.ts';
import {
  allChallenges,
  type ChallengeRow,
  type CompletionRow,
  completionsOf,
  findBadge,
  findChallenge,
  findCompletion,
  insertAwardOnce,
  insertCompletion,
} from './engagement-store.ts';

/** Who automatic completions are recorded as. */
export const ENGAGEMENT_JOB = systemActor('engagement');

const typesOf = (doc: ChallengeDocument) => [...new Set(doc.goals.flatMap((g) => g.eventTypes))];

const keyOf = (code: string, accountId: string, window: ChallengeWindowAt) =>
  `challenge:${code}:${accountId}:${window.key}`;

function toChallengeEvent(e: HistoryEvent): ChallengeEvent {
  return {
    id: e.id,
    type: e.type,
    occurredAt: e.occurredAt,
    baseAmountMinor: e.baseAmount,
    attributes: e.attributes,
  };
}

/** Whether the account is in the challenge's audience (its CEL condition over the account, as rules see it). */
async function inAudience(
  deps: EngagementDeps,
  program: Program,
  doc: ChallengeDocument,
  accountId: string,
  at: Date,
): Promise<boolean> {
  const condition = doc.audience?.condition;
  if (condition === undefined) return true;
  const account = await deps.accounts.resolve(program.id, accountId);
  const chain = (await deps.accounts.chainsOf(program.id, [account.id])).get(account.id) ?? [];
  const tier = (await deps.tiers.currentTiers(program.id, account.id))[0] ?? null;
  const context = conditionContext({
    event: {
      id: '',
      type: '',
      amount: null,
      currency: null,
      baseAmount: null,
      items: [],
      references: {},
      attributes: {},
    },
    account: {
      id: account.id,
      externalId: account.externalId,
      name: account.name,
      segment: account.segment,
      country: account.country,
      status: account.status,
      tier,
      parentId: account.parentId,
      ancestors: chain.slice(1).flatMap((a) => (a.externalId ? [a.id, a.externalId] : [a.id])),
      attributes: account.attributes,
    },
    contact: null,
    program: { baseCurrency: program.baseCurrency, timeZone: program.timeZone },
    occurredAt: at,
  });
  return runCondition(condition, context).matched;
}

/**
 * Pays a completion once: under an advisory lock on its key, it is written with its ledger credit
 * (same key) and its badge award (same key) unless it exists already. Answers whether it was new.
 */
async function complete(
  deps: EngagementDeps,
  programId: string,
  challenge: ChallengeRow,
  accountId: string,
  window: ChallengeWindowAt,
  reachedAt: Date,
  actor: Actor,
  now: Date,
): Promise<boolean> {
  const { database, ledger } = deps;
  const doc = challenge.document;
  const key = keyOf(challenge.code, accountId, window);
  if (await findCompletion(database.db, programId, challenge.code, accountId, window.key)) return false;
  const points = doc.reward.points ?? null;
  const prepared =
    points === null
      ? null
      : await ledger.prepareCredit(programId, {
          key,
          account: accountId,
          amount: points,
          type: 'earn',
          reasonCode: 'challenge_completed',
          explanation: `${doc.name} completed (${window.key})`,
          sourceType: 'job',
          sourceId: challenge.code,
          actor: actorName(actor),
        });
  const badge =
    doc.reward.badge === undefined ? undefined : await findBadge(database.db, programId, doc.reward.badge);
  return database.transaction(async (tx) => {
    await advisoryLock(tx, `engagement:${programId}:${key}`);
    if (await findCompletion(tx, programId, challenge.code, accountId, window.key)) return false;
    const entry = prepared === null ? null : (await ledger.writePrepared(tx, prepared)).entry;
    const award = badge
      ? await insertAwardOnce(tx, {
          programId,
          id: newId('bga'),
          badgeCode: badge.code,
          accountId,
          contactId: null,
          awardedAt: now,
          expiresAt: expiryOf(badge, undefined, now),
          source: 'challenge',
          sourceKey: key,
          note: `${doc.name} (${window.key})`,
          actor: actorName(actor),
        })
      : undefined;
    await insertCompletion(tx, {
      programId,
      challengeCode: challenge.code,
      accountId,
      windowKey: window.key,
      version: challenge.version,
      windowStart: window.start,
      windowEnd: window.end,
      completedAt: reachedAt,
      recordedAt: now,
      points,
      entryId: entry?.id ?? null,
      badgeAwardId: award?.id ?? null,
    });
    return true;
  });
}

/**
 * Re-derives the challenge's progress in one window for these accounts from their events, and pays
 * each completion not yet paid. Answers how many were new.
 */
async function check(
  deps: EngagementDeps,
  program: Program,
  challenge: ChallengeRow,
  accountIds: string[],
  window: ChallengeWindowAt,
  actor: Actor,
  now: Date,
): Promise<number> {
  const doc = challenge.document;
  const ctx = { digits: minorDigits(program.baseCurrency) };
  const events = await eventsInWindow(
    deps.database.db,
    program.id,
    accountIds,
    typesOf(doc),
    window.start,
    window.end,
  );
  const byAccount = new Map<string, ChallengeEvent[]>();
  for (const e of events)
    byAccount.set(e.accountId, [...(byAccount.get(e.accountId) ?? []), toChallengeEvent(e)]);
  let completed = 0;
  for (const [accountId, list] of byAccount) {
    if (!summarize(doc, fromHistory(doc, ctx, window, list)).completed) continue;
    if (!(await inAudience(deps, program, doc, accountId, now))) continue;
    const reached = completedAt(doc, ctx, window, list) ?? now;
    if (await complete(deps, program.id, challenge, accountId, window, reached, actor, now)) completed++;
  }
  return completed;
}

/**
 * Events that just committed (the events service calls this through its engagement port): each
 * challenge they count for is re-checked for their accounts in the window of each event.
 */
export async function recordActivities(
  deps: EngagementDeps,
  programId: string,
  activities: Array<{ accountId: string; type: string; at: Date }>,
  now = new Date(),
): Promise<number> {
  if (activities.length === 0) return 0;
  // Cached per instance like rules and ladders (decision 0014): no query per ingestion when the
  // program has no challenge, and at most one a second to learn of a change made elsewhere.
  const all = await deps.programs.config.get(programId, 'challenges', () =>
    allChallenges(deps.database.db, programId),
  );
  if (all.length === 0) return 0;
  const program = await deps.programs.get(programId);
  let completed = 0;
  for (const challenge of all) {
    const types = new Set(typesOf(challenge.document));
    const byWindow = new Map<string, { window: ChallengeWindowAt; accounts: Set<string> }>();
    for (const a of activities) {
      if (!types.has(a.type)) continue;
      const w = windowAt(challenge.document, a.at, program.timeZone);
      if (!w) continue;
      const entry = byWindow.get(w.key) ?? { window: w, accounts: new Set<string>() };
      entry.accounts.add(a.accountId);
      byWindow.set(w.key, entry);
    }
    for (const { window, accounts } of byWindow.values())
      completed += await check(deps, program, challenge, [...accounts], window, ENGAGEMENT_JOB, now);
  }
  return completed;
}

const DUE_PAGE = 500;

/**
 * The due run as of an instant: every challenge's open windows (and those that ended lately) are
 * re-checked for every account active in them, from history. Completions the after-commit hook missed
 * (a crash between the commit and the hook) are paid here; a repeated or concurrent run pays nothing twice.
 */
export async function runDue(
  deps: EngagementDeps,
  programId: string,
  asOf: Date,
  actor: Actor = ENGAGEMENT_JOB,
): Promise<{ checked: number; completed: number }> {
  const all = await allChallenges(deps.database.db, programId);
  if (all.length === 0) return { checked: 0, completed: 0 };
  const program = await deps.programs.get(programId);
  let checked = 0;
  let completed = 0;
  for (const challenge of all) {
    for (const window of windowsDue(challenge.document, asOf, program.timeZone)) {
      let after: string | null = null;
      for (;;) {
        const page = await accountsActiveIn(
          deps.database.db,
          programId,
          typesOf(challenge.document),
          window.start,
          window.end,
          after,
          DUE_PAGE,
        );
        if (page.length === 0) break;
        checked += page.length;
        completed += await check(deps, program, challenge, page, window, actor, asOf);
        if (page.length < DUE_PAGE) break;
        after = page[page.length - 1]!;
      }
    }
  }
  return { checked, completed };
}

function completionView(row: CompletionRow | undefined) {
  if (!row) return null;
  return {
    windowKey: row.windowKey,
    completedAt: row.completedAt.toISOString(),
    recordedAt: row.recordedAt.toISOString(),
    version: row.version,
    points: row.points,
    entryId: row.entryId,
    badgeAwardId: row.badgeAwardId,
  };
}

async function progressIn(
  deps: EngagementDeps,
  program: Program,
  challenge: ChallengeRow,
  accountId: string,
  asOf: Date,
) {
  const doc = challenge.document;
  const window = windowAt(doc, asOf, program.timeZone);
  const ctx = { digits: minorDigits(program.baseCurrency) };
  const events = window
    ? await eventsInWindow(deps.database.db, program.id, [accountId], typesOf(doc), window.start, window.end)
    : [];
  const view: ProgressView = summarize(
    doc,
    fromHistory(doc, ctx, window ?? { key: '', start: asOf, end: asOf }, events.map(toChallengeEvent)),
  );
  const completion = window
    ? await findCompletion(deps.database.db, program.id, challenge.code, accountId, window.key)
    : undefined;
  return {
    challenge: challenge.code,
    name: doc.name,
    version: challenge.version,
    accountId,
    asOf: asOf.toISOString(),
    window: window
      ? { key: window.key, start: window.start.toISOString(), end: window.end.toISOString() }
      : null,
    status: !window
      ? asOf < new Date(doc.startsAt)
        ? 'not_started'
        : 'ended'
      : completion
        ? 'completed'
        : 'open',
    eligible: await inAudience(deps, program, doc, accountId, asOf),
    ...view,
    timeLeftSeconds: window ? Math.max(0, Math.floor((window.end.getTime() - asOf.getTime()) / 1000)) : 0,
    reward: doc.reward,
    completion: completionView(completion),
  };
}

export type ChallengeProgress = Awaited<ReturnType<typeof progressIn>>;

/** An account's progress on a challenge in the window `asOf` falls in. */
export async function progress(
  deps: EngagementDeps,
  programId: string,
  code: string,
  accountRef: string,
  asOf = new Date(),
): Promise<ChallengeProgress> {
  const challenge = existing(await findChallenge(deps.database.db, programId, code), 'challenge', code);
  const account = await deps.accounts.resolve(programId, accountRef);
  return progressIn(deps, await deps.programs.get(programId), challenge, account.id, asOf);
}

/** The challenges open for the account as of `asOf` (in its audience), each with its progress, and its past completions. */
export async function challengesOfAccount(
  deps: EngagementDeps,
  programId: string,
  accountRef: string,
  asOf = new Date(),
) {
  const account = await deps.accounts.resolve(programId, accountRef);
  const program = await deps.programs.get(programId);
  const open: ChallengeProgress[] = [];
  for (const challenge of await allChallenges(deps.database.db, programId)) {
    if (!windowAt(challenge.document, asOf, program.timeZone)) continue;
    const p = await progressIn(deps, program, challenge, account.id, asOf);
    if (p.eligible) open.push(p);
  }
  const completions = (await completionsOf(deps.database.db, programId, account.id)).map((row) => ({
    challenge: row.challengeCode,
    ...completionView(row)!,
  }));
  return { data: open, completions };
}
