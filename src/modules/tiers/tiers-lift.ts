// Upgrades on activity: an account's tier checked when its events commit, when operator values
// arrive and when its ladder is reshaped (the check, the batch pre-check, the metric values).
import { type Actor, actorName } from '../../core/access.ts';
import { fieldError, invalid } from '../../core/errors.ts';
import {
  type Change,
  type Decision,
  eventTypesOf,
  formatMetric,
  isManagedMetric,
  type LadderDocument,
  metricDigits,
  onActivity,
  periodEndAfter,
  qualifiedTier,
  scaleMetric,
  type TierState,
  windowStart,
} from '../../core/tiers/ladder.ts';
import { activityInstant, joinedAt } from '../../core/tiers/standing.ts';
import type { Tx } from '../../db/client.ts';
import { managersAt } from '../accounts/accounts-reads.ts';
import {
  changeStatus,
  ladderOf,
  laddersOf,
  metricOf,
  metricsOf,
  subjectOf,
  type TierDeps,
  toRow,
  toState,
} from './tiers-status.ts';
import { addStatuses, insertMetricValues, type LadderRow, statusRows } from './tiers-store.ts';

/** What else an upgrade check needs to know beyond the account, the ladder and the instant. */
export interface LiftOptions {
  /** The event's amount in minor units of the base currency (instant qualification), if any. */
  eventAmount?: bigint | null;
  actor?: string | null;
  /** Set when the ladder was reshaped: changes carry this reason, and a removed tier is replaced. */
  reason?: 'ladder_change';
  /** The ladder's document before it was reshaped (names of removed tiers). */
  former?: LadderDocument;
  /**
   * Whether a late activity may complete the metric as of now (below). A batch's activities of one
   * account pass false for all but the last, so that an upgrade is dated by the activity that
   * reached it, as when they come one by one, not by the clock.
   */
  lateCheck?: boolean;
}

/** Upgrade check at `at` for one account on one ladder (activity, operator values, ladder changes). */
export async function lift(
  deps: TierDeps,
  programId: string,
  ladder: LadderRow,
  accountId: string,
  at: Date,
  { eventAmount = null, actor = null, reason, former, lateCheck = true }: LiftOptions = {},
): Promise<Decision> {
  const program = await deps.programs.get(programId);
  const digits = metricDigits(ladder.document.metric, program.baseCurrency);
  const subject = await subjectOf(deps, programId, ladder.document, accountId);
  const doc = ladder.document;
  const metricAt = (tx: Tx, when: Date) =>
    metricOf(tx, programId, ladder, digits, {
      members: subject.members,
      from: windowStart(doc.window, when, program.timeZone, subject.enrolledAt),
      to: new Date(when.getTime() + 1),
    });
  const decide = async (tx: Tx, state: TierState) => {
    // History stays in time order: nothing is decided before the status's last change.
    // The metric is read as of the activity's own instant (a back-dated value counts as of then).
    const when = activityInstant(state, at);
    let metric = await metricAt(tx, at);
    let current = state;
    const changes: Change[] = [];
    if (reason === 'ladder_change' && state.tier !== null && !doc.tiers.some((t) => t.code === state.tier)) {
      // Its tier was removed from the ladder: it holds what it qualifies for now.
      const to = qualifiedTier(doc, metric, digits);
      changes.push({ from: state.tier, to, reason: 'ladder_change', at: when });
      current = { ...state, tier: to, since: when };
    }
    const upgrade = (instant: Date, m: bigint, amount: bigint | null) =>
      onActivity(doc, current, {
        at: instant,
        metric: m,
        eventAmount: amount,
        digits,
        periodEnd: periodEndAfter(doc.window, instant, program.timeZone, subject.enrolledAt),
      });
    let decision = upgrade(when, metric, eventAmount);
    const now = new Date();
    if (lateCheck && decision.changes.length === 0 && now.getTime() > when.getTime()) {
      // A late event (or value) may complete a metric that events after it already built up.
      metric = await metricAt(tx, now);
      decision = upgrade(now, metric, null);
    }
    const all = [...changes, ...decision.changes.map((c) => (reason ? { ...c, reason } : c))];
    return { decision: { state: decision.state, changes: all }, metric: formatMetric(metric, digits) };
  };
  return changeStatus(deps, programId, ladder, subject, decide, { actor, former });
}

/**
 * Of these activities' accounts, those whose tier on this ladder the activities can change (as the
 * statuses read now stand). Accounts that have no status yet get their first (tier-less) one here,
 * as `lift` would write it, unless their tier changes.
 */
async function whoCanChange(
  { database, accounts }: TierDeps,
  programId: string,
  program: { timeZone: string; baseCurrency: string },
  ladder: LadderRow,
  activities: Array<{ accountId: string; at: Date; amountMinor: bigint | null }>,
): Promise<{ liftable: Set<string>; qualifierOf: (accountId: string) => string }> {
  const doc = ladder.document;
  const digits = metricDigits(doc.metric, program.baseCurrency);
  const accountIds = [...new Set(activities.map((a) => a.accountId))];
  const chains = doc.groupQualification ? await accounts.chainsOf(programId, accountIds) : undefined;
  const qualifierOf = (id: string) => chains?.get(id)?.at(-1)?.id ?? id;
  const qualifiers = [...new Set(accountIds.map(qualifierOf))];
  const members = doc.groupQualification
    ? await accounts.membersOf(programId, qualifiers)
    : new Map(qualifiers.map((q) => [q, [q]]));
  const joined = await accounts.joinDates(programId, qualifiers);
  const enrolled = new Map(qualifiers.map((q) => [q, joinedAt(joined.get(q), program.timeZone)]));
  const rows = new Map(
    (await statusRows(database.db, programId, ladder.id, qualifiers)).map((r) => [r.accountId, r]),
  );
  const now = new Date();
  const window = (key: string, q: string, at: Date) => ({
    key,
    members: members.get(q)!,
    from: windowStart(doc.window, at, program.timeZone, enrolled.get(q)!),
    to: new Date(at.getTime() + 1),
  });
  const metrics = await metricsOf(database.db, programId, ladder, digits, [
    ...activities.map((a, i) => window(`a${i}`, qualifierOf(a.accountId), a.at)),
    ...qualifiers.map((q) => window(`q${q}`, q, now)),
  ]);
  // The same decision `lift` makes, on the status as read (see lift).
  const changing = new Set<string>();
  for (const [i, a] of activities.entries()) {
    const q = qualifierOf(a.accountId);
    const state = toState(rows.get(q));
    const when = activityInstant(state, a.at);
    const input = { digits, periodEnd: when };
    const amount = doc.metric === 'qualifying_spend' ? a.amountMinor : null;
    let decision = onActivity(doc, state, {
      ...input,
      at: when,
      metric: metrics.get(`a${i}`) ?? 0n,
      eventAmount: amount,
    });
    if (decision.changes.length === 0 && now.getTime() > when.getTime())
      decision = onActivity(doc, state, {
        ...input,
        at: now,
        metric: metrics.get(`q${q}`) ?? 0n,
        eventAmount: null,
      });
    if (decision.changes.length > 0) changing.add(q);
  }
  await addStatuses(
    database.db,
    qualifiers
      .filter((q) => !rows.has(q) && !changing.has(q))
      .map((q) => toRow(programId, ladder.id, q, toState(undefined))),
  );
  return { liftable: new Set(accountIds.filter((id) => changing.has(qualifierOf(id)))), qualifierOf };
}

/**
 * Events that just committed, in order: each ladder that counts them checks for an upgrade
 * (threshold or instant); `amountMinor` is the event's amount in minor units of the base currency.
 * A failure of one does not stop the others (the account's next event or value lifts it then).
 *
 * It first decides, from one read of the statuses and one metric query, which
 * accounts' tiers the events can change (the pure `onActivity` on the status as read); only
 * those go through `lift` (locked, read again, written), event by event in order. For the
 * others nothing would be written but the account's first status row, which is added in one
 * statement.
 */
export async function recordActivities(
  deps: TierDeps,
  programId: string,
  activities: Array<{ accountId: string; type: string; at: Date; amountMinor: bigint | null }>,
): Promise<void> {
  if (activities.length === 0) return;
  const ladders = await laddersOf(deps, programId);
  if (ladders.length === 0) return;
  const program = await deps.programs.get(programId);
  for (const ladder of ladders) {
    const doc = ladder.document;
    if (doc.metric === 'operator_value' || doc.metric === 'managed_accounts') continue;
    let mine = activities.filter((e) => doc.metric === 'points_earned' || eventTypesOf(doc).includes(e.type));
    if (doc.metric === 'managed_spend') mine = await asManagers(deps, programId, mine);
    if (mine.length === 0) continue;
    const liftOne = async (e: (typeof mine)[number], lateCheck: boolean) => {
      const eventAmount = doc.metric === 'qualifying_spend' ? e.amountMinor : null;
      try {
        await lift(deps, programId, ladder, e.accountId, e.at, { eventAmount, lateCheck });
      } catch {
        // Deliberately not rethrown: the event is stored and answered; see above.
      }
    };
    let can: { liftable: Set<string>; qualifierOf: (accountId: string) => string };
    try {
      can = await whoCanChange(deps, programId, program, ladder, mine);
    } catch {
      can = { liftable: new Set(mine.map((e) => e.accountId)), qualifierOf: (id) => id };
    }
    // The late check (see lift) only with the last activity of each qualifying account.
    const last = new Map(mine.map((e, i) => [can.qualifierOf(e.accountId), i]));
    for (const [i, e] of mine.entries())
      if (can.liftable.has(e.accountId)) await liftOne(e, last.get(can.qualifierOf(e.accountId)) === i);
  }
}

/** A managed_spend ladder: each activity stands for those of the accounts managing its account then. */
async function asManagers<T extends { accountId: string; at: Date; amountMinor: bigint | null }>(
  deps: TierDeps,
  programId: string,
  activities: T[],
): Promise<T[]> {
  const managers = await managersAt(deps.database.db, programId, activities);
  return managers.map((m) => ({ ...activities[m.index]!, accountId: m.managerId, amountMinor: null }));
}

/**
 * Relationships just created (decision 0047): on each ladder of managed accounts, the managing accounts'
 * tiers are checked for an upgrade as of `at`, as an activity would. A failure does not undo the
 * relationship (the next activity or evaluation lifts the tier).
 */
export async function recordRelationships(
  deps: TierDeps,
  programId: string,
  managerIds: string[],
  at: Date,
): Promise<void> {
  let ladders: Awaited<ReturnType<typeof laddersOf>>;
  try {
    ladders = (await laddersOf(deps, programId)).filter((l) => isManagedMetric(l.document.metric));
  } catch {
    return; // the relationship is written: the next activity or evaluation lifts the tier
  }
  for (const ladder of ladders)
    for (const id of new Set(managerIds)) {
      try {
        await lift(deps, programId, ladder, id, at);
      } catch {
        // Deliberately not rethrown: see above.
      }
    }
}

/**
 * Operator-sent metric values (operator_value ladders), audited as one record of the ladder
 * (`tier.metric_values`); each may lift the account's tier.
 */
export async function setMetricValues(
  deps: TierDeps,
  programId: string,
  ladderId: string,
  values: Array<{ account: string; value: string; at?: Date }>,
  actor: Actor,
  now = new Date(),
) {
  const ladder = await ladderOf(deps, programId, ladderId);
  if (ladder.document.metric !== 'operator_value')
    throw fieldError(
      'ladder_invalid',
      `Ladder ${ladderId} qualifies on ${ladder.document.metric}, not on values you send`,
      { values: 'the ladder metric is not operator_value' },
    );
  const program = await deps.programs.get(programId);
  const digits = metricDigits('operator_value', program.baseCurrency);
  const rows: Array<{ programId: string; ladderId: string; accountId: string; at: Date; value: string }> = [];
  for (const [i, v] of values.entries()) {
    try {
      scaleMetric(v.value, digits);
    } catch {
      throw invalid(`values/${i}/value has more than ${digits} decimals`, {
        [`values/${i}/value`]: `at most ${digits} decimals`,
      });
    }
    const at = v.at ?? now;
    if (at.getTime() > now.getTime() + 300_000)
      throw invalid(`values/${i}/at is in the future`, { [`values/${i}/at`]: 'in the future' });
    const account = await deps.accounts.resolve(programId, v.account);
    rows.push({ programId, ladderId, accountId: account.id, at, value: v.value });
  }
  await deps.database.transaction(async (tx) => {
    await insertMetricValues(tx, rows);
    await deps.audit.record(tx, programId, {
      actor,
      action: 'tier.metric_values',
      resourceType: 'tier_ladder',
      resourceId: ladderId,
      after: { values: rows.map((r) => ({ accountId: r.accountId, at: r.at, value: r.value })) },
    });
  });
  const results = [];
  for (const r of rows) {
    const decision = await lift(deps, programId, ladder, r.accountId, r.at, { actor: actorName(actor) });
    results.push({ accountId: r.accountId, tier: decision.state.tier });
  }
  return results;
}
