// A challenge's progress for one account in one window, from its events. Two ways that must agree:
// `advance` folds events in one at a time (in any order: events may arrive late), `fromHistory`
// computes each goal directly over the window's events. Sums are exact (millionths).
import { divide, parseDecimal } from '../money.ts';
import type { ChallengeDocument, ChallengeWindowAt, Goal } from './challenge.ts';

/** An event as progress sees it. */
export interface ChallengeEvent {
  id: string;
  type: string;
  occurredAt: Date;
  /** The amount in minor units of the program's base currency (null: none). */
  baseAmountMinor: bigint | null;
  attributes: Record<string, unknown>;
}

/** Sums are kept in millionths of a unit, exactly. */
const SCALE = 1_000_000n;

export interface ProgressContext {
  /** Minor digits of the base currency (amount sums). */
  digits: number;
}

export interface ProgressState {
  /** Events already counted (an event counts once, whatever the order it arrives in). */
  counted: ReadonlySet<string>;
  /** Per goal: the value (millionths for sums) and, for distinct goals, the values seen. */
  goals: ReadonlyArray<{ value: bigint; seen: ReadonlySet<string> }>;
}

export interface GoalProgress {
  metric: Goal['metric'];
  eventTypes: string[];
  attribute: string | null;
  label: string | null;
  value: string;
  target: string;
  done: boolean;
}

export interface ProgressView {
  goals: GoalProgress[];
  steps: number;
  stepsDone: number;
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

function counts(goal: Goal, event: ChallengeEvent, window: ChallengeWindowAt): boolean {
  return (
    goal.eventTypes.includes(event.type) && event.occurredAt >= window.start && event.occurredAt < window.end
  );
}

export function emptyState(doc: ChallengeDocument): ProgressState {
  return { counted: new Set(), goals: doc.goals.map(() => ({ value: 0n, seen: new Set() })) };
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
  const goals = doc.goals.map((goal, i) => {
    const current = state.goals[i]!;
    if (!counts(goal, event, window)) return current;
    if (goal.metric === 'count') return { value: current.value + 1n, seen: current.seen };
    if (goal.metric === 'sum') {
      const add = addend(goal, event, ctx);
      return add === null ? current : { value: current.value + add, seen: current.seen };
    }
    const key = distinctKey(event.attributes[goal.attribute!]);
    if (key === null || current.seen.has(key)) return current;
    return { value: current.value + 1n, seen: new Set([...current.seen, key]) };
  });
  return { counted: new Set([...state.counted, event.id]), goals };
}

/** Each goal computed directly over the events (each event id once). */
export function fromHistory(
  doc: ChallengeDocument,
  ctx: ProgressContext,
  window: ChallengeWindowAt,
  events: readonly ChallengeEvent[],
): ProgressState {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  const goals = doc.goals.map((goal) => {
    const matching = unique.filter((e) => counts(goal, e, window));
    if (goal.metric === 'count') return { value: BigInt(matching.length), seen: new Set<string>() };
    if (goal.metric === 'sum')
      return {
        value: matching.reduce((sum, e) => sum + (addend(goal, e, ctx) ?? 0n), 0n),
        seen: new Set<string>(),
      };
    const seen = new Set(
      matching.flatMap((e) => {
        const key = distinctKey(e.attributes[goal.attribute!]);
        return key === null ? [] : [key];
      }),
    );
    return { value: BigInt(seen.size), seen };
  });
  return { counted: new Set(unique.map((e) => e.id)), goals };
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

/** What people read: each goal's value against its target, the steps done, and whether all are. */
export function summarize(doc: ChallengeDocument, state: ProgressState): ProgressView {
  const goals = doc.goals.map((goal, i): GoalProgress => {
    const value = state.goals[i]!.value;
    const target = targetOf(goal);
    return {
      metric: goal.metric,
      eventTypes: goal.eventTypes,
      attribute: goal.attribute ?? null,
      label: goal.label ?? null,
      value: goal.metric === 'sum' ? formatMillionths(value) : value.toString(),
      target: goal.target,
      done: value >= target,
    };
  });
  const stepsDone = goals.filter((g) => g.done).length;
  return { goals, steps: goals.length, stepsDone, completed: stepsDone === goals.length };
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
  const ordered = [...events].sort(
    (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  let state = emptyState(doc);
  for (const event of ordered) {
    state = advance(doc, ctx, window, state, event);
    if (summarize(doc, state).completed) return event.occurredAt;
  }
  return null;
}
