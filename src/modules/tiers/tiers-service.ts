// Tier ladders: qualification by a metric over a window, upgrades on activity, period-end
// requalification with grace and soft landing, overrides and freezes, and the scheduled evaluation.
import Value from 'typebox/value';
import { startOfLocalDay } from '../../core/calendar.ts';
import { FidelisError } from '../../core/errors.ts';
import {
  atDue,
  type Change,
  type Decision,
  dueAt,
  eventTypesOf,
  formatMetric,
  type LadderDocument,
  ladderProblems,
  metricDigits,
  onActivity,
  periodEndAfter,
  qualifiedTier,
  scaleMetric,
  type TierState,
  windowStart,
} from '../../core/tiers/ladder.ts';
import type { Database, Executor, Tx } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { EventTypeService } from '../event-types/event-types-service.ts';
import { type MetricWindow, metricTotals } from '../events/events-reads.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import { LadderDocumentSchema } from './tiers-schemas.ts';
import {
  addStatuses,
  changesOf,
  dueStatuses,
  findLadder,
  findStatus,
  insertChanges,
  insertLadder,
  insertMetricValues,
  type LadderRow,
  listLadders,
  lockStatusRows,
  lockTierKey,
  operatorValues,
  type StatusRow,
  saveStatus,
  saveStatuses,
  statusesOf,
  statusPage,
  statusRows,
  tiersAtInstants,
  updateLadderRow,
} from './tiers-store.ts';

const MAX_ROUNDS = 50;

/** Runs inside a tier write's transaction (the audit record). */
type AfterWrite = (tx: Tx, state: TierState) => Promise<void>;

/** When an account joined, in the program's zone: local midnight of customerSince, else its creation. */
function joinedAt(j: { since: string | null; createdAt: Date } | undefined, timeZone: string): Date {
  if (!j) return new Date(0);
  if (!j.since) return j.createdAt;
  const [year, month, day] = j.since.split('-').map(Number) as [number, number, number];
  return startOfLocalDay({ year, month, day }, timeZone);
}

function toState(row: StatusRow | undefined): TierState {
  if (!row) return { tier: null, since: null, securedUntil: null, graceUntil: null, override: null };
  return {
    tier: row.tierCode,
    since: row.since,
    securedUntil: row.securedUntil,
    graceUntil: row.graceUntil,
    override: row.overrideKind
      ? {
          kind: row.overrideKind,
          tier: row.overrideTier,
          until: row.overrideUntil,
          reason: row.overrideReason ?? '',
        }
      : null,
  };
}

/** When an activity at `at` takes effect: never before the status's last change (history stays in time order). */
function activityInstant(state: TierState, at: Date): Date {
  return state.since && state.since.getTime() > at.getTime() ? state.since : at;
}

function toRow(programId: string, ladderId: string, accountId: string, s: TierState) {
  return {
    programId,
    ladderId,
    accountId,
    tierCode: s.tier,
    since: s.since,
    securedUntil: s.securedUntil,
    graceUntil: s.graceUntil,
    overrideKind: s.override?.kind ?? null,
    overrideTier: s.override?.tier ?? null,
    overrideUntil: s.override?.until ?? null,
    overrideReason: s.override?.reason ?? null,
    dueAt: dueAt(s),
  };
}

export function toLadder(row: LadderRow) {
  return {
    id: row.id,
    document: row.document,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function createTierService(
  database: Database,
  programs: ProgramService,
  accounts: AccountService,
  eventTypes: EventTypeService,
) {
  async function validate(programId: string, document: unknown, prefix: string): Promise<LadderDocument> {
    const problems: Array<{ path: string; message: string }> = [];
    if (!Value.Check(LadderDocumentSchema, document)) {
      for (const e of [...Value.Errors(LadderDocumentSchema, document)].slice(0, 20))
        problems.push({ path: `${prefix}${e.instancePath}`, message: e.message });
    } else {
      const doc = document as LadderDocument;
      const program = await programs.get(programId);
      for (const p of ladderProblems(doc, program.baseCurrency))
        problems.push({ ...p, path: `${prefix}${p.path}` });
      const known = await eventTypes.known(programId);
      (doc.eventTypes ?? []).forEach((t, i) => {
        if (!known.has(t))
          problems.push({ path: `${prefix}/eventTypes/${i}`, message: `unknown event type ${t}` });
      });
    }
    if (problems.length > 0)
      throw new FidelisError('ladder_invalid', problems.map((p) => `${p.path}: ${p.message}`).join('; '), {
        errors: problems,
      });
    return document as LadderDocument;
  }

  async function ladderOf(
    programId: string,
    ladderId: string,
    db: Executor = database.db,
  ): Promise<LadderRow> {
    const row = await findLadder(db, programId, ladderId);
    if (!row) throw new FidelisError('ladder_not_found', `No tier ladder ${ladderId}`);
    return row;
  }

  interface Subject {
    /** The account whose status and metric count: the account, or its top group. */
    qualifierId: string;
    members: string[];
    enrolledAt: Date;
  }

  /** Reads (before any transaction) which account qualifies and whose events count. */
  async function subjectOf(programId: string, doc: LadderDocument, accountId: string): Promise<Subject> {
    const qualifierId = doc.groupQualification ? await accounts.topOf(programId, accountId) : accountId;
    const members = doc.groupQualification ? await accounts.members(programId, qualifierId) : [qualifierId];
    const program = await programs.get(programId);
    const enrolledAt = joinedAt(
      (await accounts.joinDates(programId, [qualifierId])).get(qualifierId),
      program.timeZone,
    );
    return { qualifierId, members, enrolledAt };
  }

  /** The metric of each subject over the window ending at its instant (exclusive end). */
  async function metricsOf(
    db: Executor,
    programId: string,
    ladder: LadderRow,
    digits: number,
    items: Array<{ key: string; members: string[]; from: Date; to: Date }>,
  ): Promise<Map<string, bigint>> {
    const doc = ladder.document;
    if (doc.metric === 'operator_value') {
      const values = await operatorValues(
        db,
        programId,
        ladder.id,
        items.flatMap((i) => i.members.map((accountId) => ({ key: i.key, accountId, to: i.to }))),
      );
      return new Map(
        items.map((i) => [i.key, (values.get(i.key) ?? []).reduce((s, v) => s + scaleMetric(v, digits), 0n)]),
      );
    }
    const windows: MetricWindow[] = items.flatMap((i) =>
      i.members.map((accountId) => ({ key: i.key, accountId, from: i.from, to: i.to })),
    );
    const totals = await metricTotals(db, programId, doc.metric, eventTypesOf(doc), windows);
    return new Map(items.map((i) => [i.key, totals.get(i.key) ?? 0n]));
  }

  function changeRows(
    programId: string,
    ladder: LadderRow,
    accountId: string,
    changes: Change[],
    metric: string | null,
    actor: string | null,
    note: string | null,
    former?: LadderDocument,
  ) {
    // A tier removed by a ladder change is named as it was.
    const name = (code: string | null) =>
      ladder.document.tiers.find((t) => t.code === code)?.name ??
      former?.tiers.find((t) => t.code === code)?.name ??
      null;
    return changes.map((c) => ({
      programId,
      id: newId('tch'),
      ladderId: ladder.id,
      accountId,
      fromCode: c.from,
      toCode: c.to,
      fromName: name(c.from),
      toName: name(c.to),
      reason: c.reason,
      metric,
      at: c.at,
      actor,
      note,
    }));
  }

  /** Runs `decide` on the subject's status under its locks and stores the result. */
  async function change(
    programId: string,
    ladder: LadderRow,
    subject: Subject,
    decide: (tx: Tx, state: TierState) => Promise<{ decision: Decision; metric: string | null }>,
    actor: string | null,
    note: string | null = null,
    afterWrite?: AfterWrite,
    former?: LadderDocument,
  ): Promise<Decision> {
    return database.transaction(async (tx) => {
      await lockTierKey(tx, `tier:${programId}:${ladder.id}:${subject.qualifierId}`);
      const [row] = await lockStatusRows(tx, programId, ladder.id, [subject.qualifierId]);
      const { decision, metric } = await decide(tx, toState(row));
      if (decision.changes.length > 0 || !row) {
        await saveStatus(tx, toRow(programId, ladder.id, subject.qualifierId, decision.state));
        await insertChanges(
          tx,
          changeRows(programId, ladder, subject.qualifierId, decision.changes, metric, actor, note, former),
        );
      }
      await afterWrite?.(tx, decision.state);
      return decision;
    });
  }

  /** Upgrade check at `at` for one account on one ladder (activity, operator values, ladder changes). */
  async function lift(
    programId: string,
    ladder: LadderRow,
    accountId: string,
    at: Date,
    eventAmount: bigint | null,
    actor: string | null,
    reason?: 'ladder_change',
    former?: LadderDocument,
    /**
     * Whether a late activity may complete the metric as of now (below). A batch's activities of one
     * account pass false for all but the last, so that an upgrade is dated by the activity that
     * reached it, as when they come one by one, not by the clock.
     */
    lateCheck = true,
  ): Promise<Decision> {
    const program = await programs.get(programId);
    const digits = metricDigits(ladder.document.metric, program.baseCurrency);
    const subject = await subjectOf(programId, ladder.document, accountId);
    const doc = ladder.document;
    const metricAt = async (tx: Tx, when: Date) =>
      (
        await metricsOf(tx, programId, ladder, digits, [
          {
            key: 'm',
            members: subject.members,
            from: windowStart(doc.window, when, program.timeZone, subject.enrolledAt),
            to: new Date(when.getTime() + 1),
          },
        ])
      ).get('m') ?? 0n;
    return change(
      programId,
      ladder,
      subject,
      async (tx, state) => {
        // History stays in time order: nothing is decided before the status's last change.
        // The metric is read as of the activity's own instant (a back-dated value counts as of then).
        const when = activityInstant(state, at);
        let metric = await metricAt(tx, at);
        let current = state;
        const changes: Change[] = [];
        if (
          reason === 'ladder_change' &&
          state.tier !== null &&
          !doc.tiers.some((t) => t.code === state.tier)
        ) {
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
      },
      actor,
      null,
      undefined,
      former,
    );
  }

  /**
   * Of these activities' accounts, those whose tier on this ladder the activities can change (as the
   * statuses read now stand). Accounts that have no status yet get their first (tier-less) one here,
   * as `lift` would write it, unless their tier changes.
   */
  async function whoCanChange(
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
    const metrics = await metricsOf(database.db, programId, ladder, digits, [
      ...activities.map((a, i) => {
        const q = qualifierOf(a.accountId);
        return {
          key: `a${i}`,
          members: members.get(q)!,
          from: windowStart(doc.window, a.at, program.timeZone, enrolled.get(q)!),
          to: new Date(a.at.getTime() + 1),
        };
      }),
      ...qualifiers.map((q) => ({
        key: `q${q}`,
        members: members.get(q)!,
        from: windowStart(doc.window, now, program.timeZone, enrolled.get(q)!),
        to: new Date(now.getTime() + 1),
      })),
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

  const service = {
    validate,

    async createLadder(
      programId: string,
      document: unknown,
      afterWrite?: (tx: Tx, ladder: ReturnType<typeof toLadder>) => Promise<void>,
    ) {
      const doc = await validate(programId, document, '/body/document');
      return database.transaction(async (tx) => {
        const row = await insertLadder(tx, { programId, id: newId('tld'), document: doc });
        const view = toLadder(row);
        await afterWrite?.(tx, view);
        return view;
      });
    },

    /**
     * Replaces the ladder's document. Past tier changes keep the names and reasons they were made
     * with; accounts are re-evaluated at once (upgrades to an inserted tier, a removed tier replaced).
     */
    async updateLadder(
      programId: string,
      ladderId: string,
      document: unknown,
      actor: string | null,
      afterWrite?: (
        tx: Tx,
        ladder: ReturnType<typeof toLadder>,
        before: ReturnType<typeof toLadder>,
      ) => Promise<void>,
      now = new Date(),
    ) {
      const doc = await validate(programId, document, '/body/document');
      const before = await ladderOf(programId, ladderId);
      if (before.document.metric !== doc.metric)
        throw new FidelisError(
          'ladder_invalid',
          'The metric of a ladder cannot change; create a new ladder',
          {
            errors: [{ path: '/body/document/metric', message: `must stay ${before.document.metric}` }],
          },
        );
      const updated = await database.transaction(async (tx) => {
        const row = (await updateLadderRow(tx, programId, ladderId, doc))!;
        const view = toLadder(row);
        await afterWrite?.(tx, view, toLadder(before));
        return row;
      });
      let after = '';
      for (;;) {
        const page = await statusPage(database.db, programId, ladderId, after, 500);
        if (page.length === 0) break;
        for (const s of page)
          await lift(programId, updated, s.accountId, now, null, actor, 'ladder_change', before.document);
        after = page[page.length - 1]!.accountId;
      }
      return toLadder(updated);
    },

    async getLadder(programId: string, ladderId: string) {
      return toLadder(await ladderOf(programId, ladderId));
    },

    async listLadders(programId: string) {
      return (await listLadders(database.db, programId)).map(toLadder);
    },

    /**
     * After an event: every ladder that counts it checks for an upgrade (threshold or instant).
     * `amountMinor` is the event's amount in minor units of the base currency.
     */
    /**
     * Events that just committed, in order: each ladder that counts them checks for an upgrade.
     * A failure of one does not stop the others (the account's next event or value lifts it then).
     *
     * It first decides, from one read of the statuses and one metric query, which
     * accounts' tiers the events can change (the pure `onActivity` on the status as read); only
     * those go through `lift` (locked, read again, written), event by event in order. For the
     * others nothing would be written but the account's first status row, which is added in one
     * statement.
     */
    async recordActivities(
      programId: string,
      activities: Array<{ accountId: string; type: string; at: Date; amountMinor: bigint | null }>,
    ): Promise<void> {
      if (activities.length === 0) return;
      const ladders = await listLadders(database.db, programId);
      if (ladders.length === 0) return;
      const program = await programs.get(programId);
      for (const ladder of ladders) {
        const doc = ladder.document;
        if (doc.metric === 'operator_value') continue;
        const mine = activities.filter(
          (e) => doc.metric === 'points_earned' || eventTypesOf(doc).includes(e.type),
        );
        if (mine.length === 0) continue;
        const liftOne = async (e: (typeof mine)[number], lateCheck = true) => {
          const amount = doc.metric === 'qualifying_spend' ? e.amountMinor : null;
          try {
            await lift(programId, ladder, e.accountId, e.at, amount, null, undefined, undefined, lateCheck);
          } catch {
            // Deliberately not rethrown: the event is stored and answered; see above.
          }
        };
        let can: { liftable: Set<string>; qualifierOf: (accountId: string) => string };
        try {
          can = await whoCanChange(programId, program, ladder, mine);
        } catch {
          can = { liftable: new Set(mine.map((e) => e.accountId)), qualifierOf: (id) => id };
        }
        // The late check (see lift) only with the last activity of each qualifying account.
        const last = new Map(mine.map((e, i) => [can.qualifierOf(e.accountId), i]));
        for (const [i, e] of mine.entries())
          if (can.liftable.has(e.accountId)) await liftOne(e, last.get(can.qualifierOf(e.accountId)) === i);
      }
    },

    /** Operator-sent metric values (operator_value ladders); each may lift the account's tier. */
    async setMetricValues(
      programId: string,
      ladderId: string,
      values: Array<{ account: string; value: string; at?: Date }>,
      actor: string | null,
      now = new Date(),
    ) {
      const ladder = await ladderOf(programId, ladderId);
      if (ladder.document.metric !== 'operator_value')
        throw new FidelisError(
          'ladder_invalid',
          `Ladder ${ladderId} qualifies on ${ladder.document.metric}, not on values you send`,
          {
            errors: [{ path: '/body/values', message: 'the ladder metric is not operator_value' }],
          },
        );
      const program = await programs.get(programId);
      const digits = metricDigits('operator_value', program.baseCurrency);
      const rows: Array<{ programId: string; ladderId: string; accountId: string; at: Date; value: string }> =
        [];
      for (const [i, v] of values.entries()) {
        try {
          scaleMetric(v.value, digits);
        } catch {
          throw new FidelisError('validation_failed', `values/${i}/value has more than ${digits} decimals`, {
            errors: [{ path: `/body/values/${i}/value`, message: `at most ${digits} decimals` }],
          });
        }
        const at = v.at ?? now;
        if (at.getTime() > now.getTime() + 300_000)
          throw new FidelisError('validation_failed', `values/${i}/at is in the future`, {
            errors: [{ path: `/body/values/${i}/at`, message: 'in the future' }],
          });
        const account = await accounts.resolve(programId, v.account);
        rows.push({ programId, ladderId, accountId: account.id, at, value: v.value });
      }
      await database.transaction((tx) => insertMetricValues(tx, rows));
      const results = [];
      for (const r of rows) {
        const decision = await lift(programId, ladder, r.accountId, r.at, null, actor);
        results.push({ accountId: r.accountId, tier: decision.state.tier });
      }
      return results;
    },

    /** An operator decision: hold a tier until a date, or freeze the current one (no downgrade). */
    async override(
      programId: string,
      ladderId: string,
      input: {
        account: string;
        kind: 'set' | 'freeze';
        tier?: string;
        from?: Date;
        until?: Date;
        reason: string;
      },
      actor: string,
      afterWrite?: AfterWrite,
      now = new Date(),
    ) {
      const ladder = await ladderOf(programId, ladderId);
      const from = input.from ?? now;
      if (input.until && input.until.getTime() <= from.getTime())
        throw new FidelisError('override_invalid', 'The override ends before it starts', {
          errors: [{ path: '/body/until', message: 'must be after from' }],
        });
      if (from.getTime() > now.getTime() + 300_000)
        throw new FidelisError('override_invalid', 'An override starts now or in the past', {
          errors: [{ path: '/body/from', message: 'in the future' }],
        });
      if (input.kind === 'set' && !ladder.document.tiers.some((t) => t.code === input.tier))
        throw new FidelisError('override_invalid', `The ladder has no tier ${input.tier ?? '(none given)'}`, {
          errors: [{ path: '/body/tier', message: 'unknown tier' }],
        });
      if (input.kind === 'freeze' && input.tier !== undefined)
        throw new FidelisError('override_invalid', 'A freeze keeps the current tier; it takes no tier', {
          errors: [{ path: '/body/tier', message: 'not allowed for a freeze' }],
        });
      const account = await accounts.resolve(programId, input.account);
      const subject = await subjectOf(programId, ladder.document, account.id);
      const decision = await change(
        programId,
        ladder,
        subject,
        async (_tx, state) => {
          const until = input.until ?? null;
          if (input.kind === 'set') {
            const tier = input.tier!;
            return {
              decision: {
                state: {
                  ...state,
                  tier,
                  since: from,
                  graceUntil: null,
                  override: { kind: 'set', tier, until, reason: input.reason },
                },
                changes: [{ from: state.tier, to: tier, reason: 'override', at: from }],
              },
              metric: null,
            };
          }
          return {
            decision: {
              state: {
                ...state,
                override: { kind: 'freeze', tier: state.tier, until, reason: input.reason },
              },
              changes: [{ from: state.tier, to: state.tier, reason: 'freeze', at: from }],
            },
            metric: null,
          };
        },
        actor,
        input.reason,
        afterWrite,
      );
      return decision.state;
    },

    /** Lifts an override or freeze now: the account is requalified as at a period end. */
    async liftOverride(
      programId: string,
      ladderId: string,
      accountRef: string,
      actor: string,
      afterWrite?: AfterWrite,
      now = new Date(),
    ) {
      const ladder = await ladderOf(programId, ladderId);
      const program = await programs.get(programId);
      const digits = metricDigits(ladder.document.metric, program.baseCurrency);
      const account = await accounts.resolve(programId, accountRef);
      const subject = await subjectOf(programId, ladder.document, account.id);
      const doc = ladder.document;
      const decision = await change(
        programId,
        ladder,
        subject,
        async (tx, state) => {
          if (!state.override)
            throw new FidelisError(
              'override_not_found',
              `Account ${accountRef} has no override on ladder ${ladderId}`,
            );
          const from = windowStart(doc.window, now, program.timeZone, subject.enrolledAt);
          const metric =
            (
              await metricsOf(tx, programId, ladder, digits, [
                { key: 'm', members: subject.members, from, to: now },
              ])
            ).get('m') ?? 0n;
          const decided = atDue(
            doc,
            { ...state, override: { ...state.override, until: now } },
            {
              at: now,
              metric,
              digits,
              nextPeriodEnd: periodEndAfter(doc.window, now, program.timeZone, subject.enrolledAt),
            },
          );
          return { decision: decided, metric: formatMetric(metric, digits) };
        },
        actor,
        null,
        afterWrite,
      );
      return decision.state;
    },

    /**
     * The scheduled evaluation: every status due at or before `now` is evaluated as of its own due
     * instant (period end, grace end, override end), page by page, each page one transaction. Running
     * it again, or late, gives the same result; a crash loses at most the page in flight.
     */
    async runDue(programId: string, now = new Date(), pageSize = 1000) {
      const program = await programs.get(programId);
      let evaluated = 0;
      let changed = 0;
      for (const ladder of await listLadders(database.db, programId)) {
        const doc = ladder.document;
        const digits = metricDigits(doc.metric, program.baseCurrency);
        // Window arithmetic in the zone is costly and repeats: once per distinct (due instant, joining).
        const memo = new Map<string, Date>();
        const cached = (kind: string, at: Date, enrolled: Date, fn: () => Date) => {
          const key = `${kind}:${at.getTime()}:${doc.window.kind === 'program_year' ? enrolled.getTime() : 0}`;
          let hit = memo.get(key);
          if (!hit) {
            if (memo.size > 100_000) memo.clear();
            hit = fn();
            memo.set(key, hit);
          }
          return hit;
        };
        // The period that ends at the due instant (a calendar year ending 1 January is the year before).
        const periodBefore = (at: Date, enrolled: Date) =>
          cached('from', at, enrolled, () =>
            windowStart(doc.window, new Date(at.getTime() - 1), program.timeZone, enrolled),
          );
        const periodAfter = (at: Date, enrolled: Date) =>
          cached('to', at, enrolled, () => periodEndAfter(doc.window, at, program.timeZone, enrolled));
        for (;;) {
          const done = await database.transaction(async (tx) => {
            const page = await dueStatuses(tx, programId, ladder.id, now, pageSize);
            if (page.length === 0) return true;
            const joined = new Map<string, Date>();
            if (doc.window.kind === 'program_year')
              for (const [id, j] of await accounts.joinDates(
                programId,
                page.map((r) => r.accountId),
                tx,
              ))
                joined.set(id, joinedAt(j, program.timeZone));
            const ids = page.map((r) => r.accountId);
            const members = doc.groupQualification
              ? await accounts.membersOf(programId, ids, tx)
              : new Map(ids.map((id) => [id, [id]]));
            let pending = page.map((r) => ({
              row: r,
              state: toState(r),
              changes: [] as Array<Change & { metric: string }>,
            }));
            const finished: typeof pending = [];
            for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
              const items = pending.map((p) => {
                const at = dueAt(p.state)!;
                const enrolled = joined.get(p.row.accountId) ?? new Date(0);
                return {
                  key: p.row.accountId,
                  members: members.get(p.row.accountId)!,
                  from: periodBefore(at, enrolled),
                  to: at,
                };
              });
              const metrics = await metricsOf(tx, programId, ladder, digits, items);
              const next: typeof pending = [];
              for (const p of pending) {
                const at = dueAt(p.state)!;
                const enrolled = joined.get(p.row.accountId) ?? new Date(0);
                const metric = metrics.get(p.row.accountId) ?? 0n;
                const decision = atDue(doc, p.state, {
                  at,
                  metric,
                  digits,
                  nextPeriodEnd: periodAfter(at, enrolled),
                });
                // Each change keeps the metric its own decision was made on.
                const decided = formatMetric(metric, digits);
                const moved = {
                  row: p.row,
                  state: decision.state,
                  changes: [...p.changes, ...decision.changes.map((c) => ({ ...c, metric: decided }))],
                };
                const again = dueAt(decision.state);
                if (again !== null && again.getTime() <= now.getTime() && again.getTime() > at.getTime())
                  next.push(moved);
                else finished.push(moved);
              }
              pending = next;
            }
            finished.push(...pending);
            await saveStatuses(
              tx,
              finished.map((f) => toRow(programId, ladder.id, f.row.accountId, f.state)),
            );
            await insertChanges(
              tx,
              finished.flatMap((f) =>
                f.changes.flatMap((c) =>
                  changeRows(programId, ladder, f.row.accountId, [c], c.metric, 'job', null),
                ),
              ),
            );
            evaluated += finished.length;
            changed += finished.filter((f) => f.changes.some((c) => c.from !== c.to)).length;
            return page.length < pageSize;
          });
          if (done) break;
        }
      }
      return { evaluated, changed };
    },

    /** Where the account stands on every ladder: tier, dates, metric, what is needed next, what happens next. */
    async progress(programId: string, accountRef: string, now = new Date()) {
      const program = await programs.get(programId);
      const account = await accounts.resolve(programId, accountRef);
      const out = [];
      for (const ladder of await listLadders(database.db, programId)) {
        const doc = ladder.document;
        const digits = metricDigits(doc.metric, program.baseCurrency);
        const subject = await subjectOf(programId, doc, account.id);
        const state = toState(await findStatus(database.db, programId, ladder.id, subject.qualifierId));
        const from = windowStart(doc.window, now, program.timeZone, subject.enrolledAt);
        const metric =
          (
            await metricsOf(database.db, programId, ladder, digits, [
              { key: 'm', members: subject.members, from, to: now },
            ])
          ).get('m') ?? 0n;
        const rank = doc.tiers.findIndex((t) => t.code === state.tier);
        const tier = doc.tiers[rank];
        const above = doc.tiers[rank + 1];
        const periodEnd = periodEndAfter(doc.window, now, program.timeZone, subject.enrolledAt);
        const due = dueAt(state);
        let nextEvaluation = null;
        if (due) {
          const decided = atDue(doc, state, { at: due, metric, digits, nextPeriodEnd: periodEnd });
          const name = (code: string | null) => doc.tiers.find((t) => t.code === code)?.name ?? 'no tier';
          const last = decided.changes.at(-1);
          const outcome = !last
            ? `keeps ${name(decided.state.tier)}`
            : last.reason === 'grace' && last.from === last.to
              ? `a ${doc.graceDays}-day grace period starts, still ${name(last.to)}`
              : last.reason === 'unfreeze' || last.reason === 'override_end'
                ? `the ${last.reason === 'unfreeze' ? 'freeze' : 'override'} ends; ${name(decided.state.tier)} afterwards`
                : last.from === last.to
                  ? `keeps ${name(last.to)}`
                  : `moves from ${name(last.from)} to ${name(last.to)}`;
          nextEvaluation = {
            at: due.toISOString(),
            outcome: `if the metric stays ${formatMetric(metric, digits)}: ${outcome}`,
          };
        }
        out.push({
          ladderId: ladder.id,
          ladderName: doc.name,
          qualifyingAccountId: subject.qualifierId,
          tier: state.tier,
          tierName: tier?.name ?? null,
          since: state.since?.toISOString() ?? null,
          securedUntil: state.securedUntil?.toISOString() ?? null,
          graceUntil: state.graceUntil?.toISOString() ?? null,
          override: state.override
            ? {
                kind: state.override.kind,
                tier: state.override.tier,
                until: state.override.until?.toISOString() ?? null,
                reason: state.override.reason,
              }
            : null,
          multiplier: tier?.multiplier ?? '1',
          perks: tier?.perks ?? [],
          metric: formatMetric(metric, digits),
          windowStart: from.toISOString(),
          next: above
            ? {
                tier: above.code,
                name: above.name,
                threshold: above.threshold,
                needed: formatMetric(
                  (() => {
                    const gap = scaleMetric(above.threshold, digits) - metric;
                    return gap > 0n ? gap : 0n;
                  })(),
                  digits,
                ),
                by: (doc.window.kind === 'rolling_months'
                  ? periodEnd
                  : (state.securedUntil ?? periodEnd)
                ).toISOString(),
              }
            : null,
          nextEvaluation,
        });
      }
      return out;
    },

    async history(programId: string, accountRef: string) {
      const account = await accounts.resolve(programId, accountRef);
      const ladders = await listLadders(database.db, programId);
      const ids = new Set([account.id]);
      for (const l of ladders)
        if (l.document.groupQualification) ids.add(await accounts.topOf(programId, account.id));
      const rows = (await Promise.all([...ids].map((id) => changesOf(database.db, programId, id)))).flat();
      return rows
        .filter(
          (r) =>
            r.accountId === account.id ||
            ladders.find((l) => l.id === r.ladderId)?.document.groupQualification,
        )
        .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : 1))
        .map((r) => ({
          id: r.id,
          ladderId: r.ladderId,
          from: r.fromCode,
          to: r.toCode,
          fromName: r.fromName,
          toName: r.toName,
          reason: r.reason,
          metric: r.metric,
          at: r.at.toISOString(),
          actor: r.actor,
          note: r.note,
        }));
    },

    /** The account's tier on the program's first ladder as of `at` (rules see it), with its multiplier. */
    /**
     * The tier each account held at each instant on the program's first ladder (the one earning
     * rules see), with its multiplier; null where it held none. Many at once, in the order asked.
     */
    async tiersAt(
      programId: string,
      asked: Array<{ accountId: string; at: Date }>,
    ): Promise<Array<{ code: string; multiplier: string } | null>> {
      const [ladder] = await listLadders(database.db, programId);
      if (!ladder || asked.length === 0) return asked.map(() => null);
      let qualifiers = asked;
      if (ladder.document.groupQualification) {
        const chains = await accounts.chainsOf(
          programId,
          asked.map((q) => q.accountId),
        );
        qualifiers = asked.map((q) => ({
          ...q,
          accountId: chains.get(q.accountId)?.at(-1)?.id ?? q.accountId,
        }));
      }
      const codes = await tiersAtInstants(database.db, programId, ladder.id, qualifiers);
      return codes.map((code) =>
        code === null
          ? null
          : { code, multiplier: ladder.document.tiers.find((t) => t.code === code)?.multiplier ?? '1' },
      );
    },

    /** The account's current tiers (every ladder), for reward eligibility. */
    async currentTiers(programId: string, accountId: string): Promise<string[]> {
      const ladders = await listLadders(database.db, programId);
      const out: string[] = [];
      for (const l of ladders) {
        const qualifierId = l.document.groupQualification
          ? await accounts.topOf(programId, accountId)
          : accountId;
        const rows = await statusesOf(database.db, programId, qualifierId);
        const code = rows.find((r) => r.ladderId === l.id)?.tierCode;
        if (code) out.push(code);
      }
      return out;
    },
  };
  return service;
}

export type TierService = ReturnType<typeof createTierService>;
