// A challenge's progress for one account in one window, from its events. Two ways that must agree:
// `advance` folds events in one at a time (in any order: events may arrive late), `fromHistory`
// computes each goal directly over the window's events. Sums are exact (millionths).
import { localDate } from '../calendar.ts';
import { divide, parseDecimal } from '../money.ts';
import type { ChallengeDocument, ChallengeWindowAt, Goal, StreakPeriod } from './challenge.ts';

/** An event as progress sees it. */
export interface ChallengeEvent {
  id: string;
  type: string;
  occurredAt: Date;
  /** The amount in minor units of the program's base currency (null: none). */
  baseAmountMinor: bigint | null;
  attributes: Record<string, unknown>;
  /** The contact the event names (null or absent: none); a contact challenge counts only these. */
  contactId?: string | null;
}

/**
 * Whose progress an event makes: the account's in an account (team) challenge, the contact's it
 * names in a contact challenge, and nobody's (null) there when it names none (decision 0061).
 */
export function subjectOf(doc: ChallengeDocument, accountId: string, event: ChallengeEvent): string | null {
  return doc.participant === 'contact' ? (event.contactId ?? null) : accountId;
}

/** The events by whose progress they make, in their order; events that make nobody's are left out. */
export function bySubject<E extends ChallengeEvent & { accountId: string }>(
  doc: ChallengeDocument,
  events: readonly E[],
): Map<string, E[]> {
  const groups = new Map<string, E[]>();
  for (const e of events) {
    const subject = subjectOf(doc, e.accountId, e);
    if (subject === null) continue;
    const list = groups.get(subject);
    if (list) list.push(e);
    else groups.set(subject, [e]);
  }
  return groups;
}

/** Sums are kept in millionths of a unit, exactly. */
const SCALE = 1_000_000n;

export interface ProgressContext {
  /** Minor digits of the base currency (amount sums). */
  digits: number;
  /** The program's time zone (the weeks and months of streaks). */
  timeZone: string;
}

export interface GoalState {
  /** The value (millionths for sums; the longest run of periods for streaks). */
  value: bigint;
  /** distinct: the values seen; streak: the periods with an event. */
  seen: ReadonlySet<string>;
  done: boolean;
}

export interface ProgressState {
  /** Events already counted (an event counts once, whatever the order it arrives in). */
  counted: ReadonlySet<string>;
  goals: ReadonlyArray<GoalState>;
  /** Ordered challenges only: each goal's matching events so far, in (occurredAt, id) order. */
  hits?: ReadonlyArray<ReadonlyArray<ChallengeEvent>>;
}

export interface GoalProgress {
  metric: Goal['metric'];
  eventTypes: string[];
  attribute: string | null;
  period: string | null;
  label: string | null;
  value: string;
  target: string;
  done: boolean;
}

export interface ProgressView {
  goals: GoalProgress[];
  steps: number;
  stepsDone: number;
  /** How many goals complete the challenge. */
  required: number;
  ordered: boolean;
  completed: boolean;
}

/** A distinct value's identity (strings, numbers and booleans count; anything else does not). */
function distinctKey(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : `s:${value}`;
  if (typeof value === 'number') return Number.isFinite(value) ? `n:${value}` : null;
  if (typeof value === 'boolean') return `b:${value}`;
  return null;
}

/** A number as millionths (beyond 6 decimals rounded down), or null when it is not a number. */
function millionths(value: unknown): bigint | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const text = String(Math.abs(value));
  if (/e/i.test(text)) return null;
  try {
    const { numerator, denominator } = parseDecimal(text);
    const abs = divide(numerator * SCALE, denominator, 'down');
    return value < 0 ? -abs : abs;
  } catch {
    return null;
  }
}

/** What one event adds to a sum goal (in millionths), or null when it adds nothing. */
function addend(goal: Goal, event: ChallengeEvent, ctx: ProgressContext): bigint | null {
  if (goal.attribute === undefined)
    return event.baseAmountMinor === null
      ? null
      : (event.baseAmountMinor * SCALE) / 10n ** BigInt(ctx.digits);
  return millionths(event.attributes[goal.attribute]);
}

/**
 * The index of the local week (Monday to Sunday) or month an instant falls in, in the program's time
 * zone: consecutive periods have consecutive indexes.
 */
export function periodIndex(at: Date, period: StreakPeriod, timeZone: string): number {
  const local = localDate(at, timeZone);
  if (period === 'month') return local.year * 12 + local.month - 1;
  const days = Date.UTC(local.year, local.month - 1, local.day) / 86_400_000;
  // 1 January 1970 was a Thursday: day -3 is the Monday of week 0.
  return Math.floor((days + 3) / 7);
}

/** The longest run of consecutive period indexes in the set. */
function longestRun(seen: ReadonlySet<string>): bigint {
  const sorted = [...seen].map(Number).sort((a, b) => a - b);
  let best = 0;
  let run = 0;
  for (const [i, n] of sorted.entries()) {
    run = i > 0 && n === sorted[i - 1]! + 1 ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return BigInt(best);
}

function counts(goal: Goal, event: ChallengeEvent, window: ChallengeWindowAt): boolean {
  return (
    goal.eventTypes.includes(event.type) && event.occurredAt >= window.start && event.occurredAt < window.end
  );
}

/** A goal's value and seen set after one more matching event (a new value; `seen` is copied when it grows). */
function add(
  goal: Goal,
  ctx: ProgressContext,
  current: { value: bigint; seen: ReadonlySet<string> },
  event: ChallengeEvent,
): { value: bigint; seen: ReadonlySet<string> } {
  if (goal.metric === 'count') return { value: current.value + 1n, seen: current.seen };
  if (goal.metric === 'sum') {
    const more = addend(goal, event, ctx);
    return more === null ? current : { value: current.value + more, seen: current.seen };
  }
  const key =
    goal.metric === 'streak'
      ? String(periodIndex(event.occurredAt, goal.period ?? 'week', ctx.timeZone))
      : distinctKey(event.attributes[goal.attribute!]);
  if (key === null || current.seen.has(key)) return current;
  const seen = new Set([...current.seen, key]);
  return { value: goal.metric === 'streak' ? longestRun(seen) : current.value + 1n, seen };
}

const EMPTY = { value: 0n, seen: new Set<string>() as ReadonlySet<string> };

export function emptyState(doc: ChallengeDocument): ProgressState {
  return {
    counted: new Set(),
    goals: doc.goals.map(() => ({ ...EMPTY, done: false })),
    hits: doc.ordered ? doc.goals.map(() => []) : undefined,
  };
}

const before = (a: ChallengeEvent, b: ChallengeEvent) =>
  a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Ordered goals from each goal's own matching events: a goal counts the events after the one with
 * which the last reached goal before it was reached.
 */
function chain(
  doc: ChallengeDocument,
  ctx: ProgressContext,
  hits: ReadonlyArray<ReadonlyArray<ChallengeEvent>>,
): GoalState[] {
  let cursor: ChallengeEvent | null = null;
  return doc.goals.map((goal, i) => {
    const target = targetOf(goal);
    let acc = EMPTY;
    let reached: ChallengeEvent | null = null;
    for (const hit of hits[i]!) {
      if (cursor !== null && before(hit, cursor) <= 0) continue;
      acc = add(goal, ctx, acc, hit);
      if (reached === null && acc.value >= target) reached = hit;
    }
    if (reached !== null) cursor = reached;
    return { ...acc, done: reached !== null };
  });
}

/** The state after one more event (a new state; an event already counted changes nothing). */
export function advance(
  doc: ChallengeDocument,
  ctx: ProgressContext,
  window: ChallengeWindowAt,
  state: ProgressState,
  event: ChallengeEvent,
): ProgressState {
  if (state.counted.has(event.id)) return state;
  const counted = new Set([...state.counted, event.id]);
  if (doc.ordered) {
    const hits = doc.goals.map((goal, i) => {
      const list = state.hits![i]!;
      if (!counts(goal, event, window)) return list;
      return [...list, event].sort(before);
    });
    return { counted, goals: chain(doc, ctx, hits), hits };
  }
  const goals = doc.goals.map((goal, i) => {
    const current = state.goals[i]!;
    if (!counts(goal, event, window)) return current;
    const next = add(goal, ctx, current, event);
    return { ...next, done: next.value >= targetOf(goal) };
  });
  return { counted, goals };
}

/** Each goal computed directly over the events (each event id once). */
export function fromHistory(
  doc: ChallengeDocument,
  ctx: ProgressContext,
  window: ChallengeWindowAt,
  events: readonly ChallengeEvent[],
): ProgressState {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  const counted = new Set(unique.map((e) => e.id));
  if (doc.ordered) {
    // One pass over the events in time order, goal after goal: each starts after the event with
    // which the last reached goal before it was reached.
    const sorted = unique
      .filter((e) => e.occurredAt >= window.start && e.occurredAt < window.end)
      .sort(before);
    let from = 0;
    const goals = doc.goals.map((goal) => {
      const target = targetOf(goal);
      let acc = EMPTY;
      let reachedAt = -1;
      for (let j = from; j < sorted.length; j++) {
        if (!counts(goal, sorted[j]!, window)) continue;
        acc = add(goal, ctx, acc, sorted[j]!);
        if (reachedAt < 0 && acc.value >= target) reachedAt = j;
      }
      if (reachedAt >= 0) from = reachedAt + 1;
      return { ...acc, done: reachedAt >= 0 };
    });
    return { counted, goals };
  }
  const goals = doc.goals.map((goal): GoalState => {
    const matching = unique.filter((e) => counts(goal, e, window));
    const target = targetOf(goal);
    if (goal.metric === 'count') {
      const value = BigInt(matching.length);
      return { value, seen: new Set<string>(), done: value >= target };
    }
    if (goal.metric === 'sum') {
      const value = matching.reduce((sum, e) => sum + (addend(goal, e, ctx) ?? 0n), 0n);
      return { value, seen: new Set<string>(), done: value >= target };
    }
    if (goal.metric === 'streak') {
      const seen = new Set(
        matching.map((e) => String(periodIndex(e.occurredAt, goal.period ?? 'week', ctx.timeZone))),
      );
      const value = longestRun(seen);
      return { value, seen, done: value >= target };
    }
    const seen = new Set(
      matching.flatMap((e) => {
        const key = distinctKey(e.attributes[goal.attribute!]);
        return key === null ? [] : [key];
      }),
    );
    const value = BigInt(seen.size);
    return { value, seen, done: value >= target };
  });
  return { counted, goals };
}

function targetOf(goal: Goal): bigint {
  if (goal.metric !== 'sum') return BigInt(goal.target);
  const { numerator, denominator } = parseDecimal(goal.target);
  return divide(numerator * SCALE, denominator, 'down');
}

function formatMillionths(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const whole = abs / SCALE;
  const fraction = (abs % SCALE).toString().padStart(6, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** A goal's value as people read it (sums from millionths), as `summarize` writes it: leaderboards rank by it. */
export function goalValueText(goal: Goal, value: bigint): string {
  return goal.metric === 'sum' ? formatMillionths(value) : value.toString();
}

/** What people read: each goal's value against its target, the steps done, and whether all are. */
export function summarize(doc: ChallengeDocument, state: ProgressState): ProgressView {
  const goals = doc.goals.map((goal, i): GoalProgress => {
    const { value, done } = state.goals[i]!;
    return {
      metric: goal.metric,
      eventTypes: goal.eventTypes,
      attribute: goal.attribute ?? null,
      period: goal.period ?? null,
      label: goal.label ?? null,
      value: goalValueText(goal, value),
      target: goal.target,
      done,
    };
  });
  const stepsDone = goals.filter((g) => g.done).length;
  const required = doc.required ?? goals.length;
  return {
    goals,
    steps: goals.length,
    stepsDone,
    required,
    ordered: doc.ordered ?? false,
    completed: stepsDone >= required,
  };
}

/**
 * When the challenge was completed in the window: the occurredAt of the event, in time order, with
 * which every goal was reached; null while it is not.
 */
export function completedAt(
  doc: ChallengeDocument,
  ctx: ProgressContext,
  window: ChallengeWindowAt,
  events: readonly ChallengeEvent[],
): Date | null {
  const ordered = [...events].sort(before);
  let state = emptyState(doc);
  for (const event of ordered) {
    state = advance(doc, ctx, window, state, event);
    if (summarize(doc, state).completed) return event.occurredAt;
  }
  return null;
}
