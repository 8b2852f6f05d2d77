// Challenges as data: goals that count across events (how many, how much, how many different, how
// many consecutive weeks or months), all of them or any N of them, optionally in order, to be reached
// within a window (fixed dates, each calendar month, quarter or year in the program's time zone, or
// rolling days from the member's opt-in), and what completing them gives. Pure: the document's own checks and its
// windows; what needs the store (event types, badges) is checked by the engagement service.
import { addMonths, type LocalDate, localDate, startOfLocalDay } from '../calendar.ts';
import { conditionProblem } from '../rules/condition.ts';

export type GoalMetric = 'count' | 'sum' | 'distinct' | 'streak';

/** The periods a streak counts in the program's time zone (weeks start on Monday). */
export type StreakPeriod = 'week' | 'month';

export interface Goal {
  /**
   * count: events; sum: their amount (base currency) or a numeric attribute; distinct: different
   * values of an attribute; streak: the longest run of consecutive periods with an event.
   */
  metric: GoalMetric;
  /** The event types that count toward the goal. */
  eventTypes: string[];
  /** sum: the numeric attribute summed (the amount in the base currency when absent); distinct: the attribute. */
  attribute?: string;
  /** count, distinct and streak: a whole number; sum: a decimal (in the base currency when summing the amount). */
  target: string;
  /** streak: the period (week or month) the run is counted in. */
  period?: StreakPeriod;
  /** What people read ("Complete three trainings"). */
  label?: string;
}

export type CalendarPeriod = 'month' | 'quarter' | 'year';

export type ChallengeWindow =
  | { kind: 'fixed'; from: string; to: string }
  | { kind: 'calendar'; period: CalendarPeriod }
  /** Opt-in challenges only: `days` from the moment the member joined. */
  | { kind: 'rolling'; days: number };

export interface ChallengeDocument {
  name: string;
  description?: string;
  /** The goals, reached in the same window. */
  goals: Goal[];
  /** How many of the goals complete the challenge (any N of them; all by default). */
  required?: number;
  /** Each goal counts only the events after the goal before it was reached (a skipped goal does not block). */
  ordered?: boolean;
  /** automatic: every account in the audience takes part; opt_in: the member joins, and counts from then. */
  enrolment?: 'automatic' | 'opt_in';
  /**
   * Who progresses and completes: the account (a team challenge: every contact's events count; the
   * default), or each contact on its own (only events naming the contact count; decision 0061).
   */
  participant?: 'account' | 'contact';
  window: ChallengeWindow;
  /** Events from this instant count (events sent late count too, by their occurredAt). */
  startsAt: string;
  /** No event from this instant counts (the last window ends here). */
  endsAt?: string;
  /** Who takes part: every account, or those a CEL condition over the account (as rules see it) holds for. */
  audience?: { condition?: string };
  /** What a completion gives, once per account and window (catalogReward: a reward's id, issued free). */
  reward: { points?: number; badge?: string; catalogReward?: string };
  /**
   * Name and description per BCP 47 language tag ({"nl": {"name": "…"}}), as badges have, and the
   * goals' labels in the goals' order (`goals`: null keeps a goal's label).
   */
  translations?: Record<string, { name?: string; description?: string; goals?: Array<string | null> }>;
}

/** One window of a challenge: [start, end), with a stable key per challenge ("2026-Q2", "2026-03", "fixed"). */
export interface ChallengeWindowAt {
  key: string;
  start: Date;
  end: Date;
}

const WHOLE = /^[1-9][0-9]{0,11}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?$/;

/** The document's own faults, by JSON pointer into it (empty when it is sound). */
export function challengeProblems(doc: ChallengeDocument): Record<string, string> {
  const problems: Record<string, string> = {};
  const instant = (value: string | undefined, path: string): number | null => {
    if (value === undefined) return null;
    const t = new Date(value).getTime();
    if (Number.isNaN(t)) problems[path] = 'not a date-time';
    return Number.isNaN(t) ? null : t;
  };
  if (doc.goals.length === 0) problems['goals'] = 'at least one goal';
  for (const [i, goal] of doc.goals.entries()) {
    const at = `goals/${i}`;
    if (goal.eventTypes.length === 0) problems[`${at}/eventTypes`] = 'at least one event type';
    if (goal.metric === 'sum') {
      if (!DECIMAL.test(goal.target) || /^0(\.0*)?$/.test(goal.target))
        problems[`${at}/target`] = 'a positive decimal with at most 6 decimals';
    } else if (!WHOLE.test(goal.target)) problems[`${at}/target`] = 'a whole number of at least 1';
    if (goal.metric === 'distinct' && goal.attribute === undefined)
      problems[`${at}/attribute`] = 'distinct needs the attribute whose values it counts';
    if ((goal.metric === 'count' || goal.metric === 'streak') && goal.attribute !== undefined)
      problems[`${at}/attribute`] = `${goal.metric} takes no attribute`;
    if (goal.metric === 'streak') {
      if (goal.period === undefined) problems[`${at}/period`] = 'a streak needs its period (week or month)';
      if (/^0+$/.test(goal.target)) problems[`${at}/target`] = 'a streak of at least 1 period';
    } else if (goal.period !== undefined) problems[`${at}/period`] = 'only a streak takes a period';
  }
  if (doc.required !== undefined && (doc.required < 1 || doc.required > doc.goals.length))
    problems['required'] = `between 1 and the number of goals (${doc.goals.length})`;
  if (doc.window.kind === 'rolling') {
    if (doc.enrolment !== 'opt_in')
      problems['window/kind'] = 'a rolling window counts from the opt-in: enrolment must be opt_in';
    if (!Number.isInteger(doc.window.days) || doc.window.days < 1 || doc.window.days > 3660)
      problems['window/days'] = 'a whole number of days from 1 to 3660';
  }
  const starts = instant(doc.startsAt, 'startsAt');
  const ends = instant(doc.endsAt, 'endsAt');
  if (starts !== null && ends !== null && ends <= starts) problems['endsAt'] = 'ends before it starts';
  if (doc.window.kind === 'fixed') {
    const from = instant(doc.window.from, 'window/from');
    const to = instant(doc.window.to, 'window/to');
    if (from !== null && to !== null && to <= from) problems['window/to'] = 'ends before it starts';
  }
  const condition = doc.audience?.condition;
  if (condition !== undefined) {
    const problem = conditionProblem(condition) ?? contactProblem(doc, condition);
    if (problem) problems['audience/condition'] = problem;
  }
  if (doc.reward.points !== undefined && (!Number.isInteger(doc.reward.points) || doc.reward.points < 1))
    problems['reward/points'] = 'a whole number of points, at least 1';
  return problems;
}

/**
 * What an audience condition asks of the contact that the challenge cannot answer: an account
 * challenge has no contact (its audience is the account's), and contacts have no attributes.
 */
function contactProblem(doc: ChallengeDocument, condition: string): string | undefined {
  if (!/\bcontact\s*\./.test(condition)) return undefined;
  if (doc.participant !== 'contact')
    return 'an account challenge has no contact: only a challenge with participant contact may test it';
  if (/\bcontact\s*\.\s*attributes\b/.test(condition))
    return 'contacts have no attributes (contact.role, contact.locale and contact.id are known)';
  return undefined;
}

function calendarWindow(at: Date, period: CalendarPeriod, timeZone: string): ChallengeWindowAt {
  const local = localDate(at, timeZone);
  const months = period === 'month' ? 1 : period === 'quarter' ? 3 : 12;
  const firstMonth = period === 'year' ? 1 : Math.floor((local.month - 1) / months) * months + 1;
  const first: LocalDate = { year: local.year, month: firstMonth, day: 1 };
  const key =
    period === 'year'
      ? `${first.year}`
      : period === 'quarter'
        ? `${first.year}-Q${(firstMonth - 1) / 3 + 1}`
        : `${first.year}-${String(firstMonth).padStart(2, '0')}`;
  return {
    key,
    start: startOfLocalDay(first, timeZone),
    end: startOfLocalDay(addMonths(first, months), timeZone),
  };
}

/** The period of a window an instant falls in (a calendar period, or the fixed dates), or null outside it. */
export function periodAt(
  window: ChallengeWindow,
  at: Date,
  timeZone: string,
  joinedAt?: Date,
): ChallengeWindowAt | null {
  if (window.kind === 'calendar') return calendarWindow(at, window.period, timeZone);
  if (window.kind === 'rolling') {
    if (joinedAt === undefined) return null;
    const end = new Date(joinedAt.getTime() + window.days * 86_400_000);
    return at >= joinedAt && at < end ? { key: 'rolling', start: joinedAt, end } : null;
  }
  const start = new Date(window.from);
  const end = new Date(window.to);
  return at >= start && at < end ? { key: 'fixed', start, end } : null;
}

/**
 * The window of the challenge an instant falls in, cut to the challenge's start and end (and, for an
 * opt-in challenge, to the member's joining: `joinedAt`, without which it has no window), or null
 * when the instant is outside every window (before the start, after the end, outside fixed dates).
 */
export function windowAt(
  doc: ChallengeDocument,
  at: Date,
  timeZone: string,
  joinedAt?: Date,
): ChallengeWindowAt | null {
  if (doc.enrolment === 'opt_in') {
    if (joinedAt === undefined || at < joinedAt) return null;
  }
  const docStart = new Date(doc.startsAt);
  const startsAt =
    doc.enrolment === 'opt_in' && joinedAt !== undefined && joinedAt > docStart ? joinedAt : docStart;
  const endsAt = doc.endsAt === undefined ? null : new Date(doc.endsAt);
  if (at < startsAt || (endsAt !== null && at >= endsAt)) return null;
  const raw = periodAt(doc.window, at, timeZone, joinedAt);
  if (!raw) return null;
  return {
    key: raw.key,
    start: raw.start < startsAt ? startsAt : raw.start,
    end: endsAt !== null && endsAt < raw.end ? endsAt : raw.end,
  };
}

/** How long after its end a window is still looked at by the due run (events may arrive late). */
export const LATE_DAYS = 31;

/**
 * The windows a due run as of `asOf` re-checks: the one `asOf` falls in and every earlier one that
 * ended less than LATE_DAYS before it (events sent late still complete them).
 */
export function windowsDue(
  doc: ChallengeDocument,
  asOf: Date,
  timeZone: string,
  joinedAt?: Date,
): ChallengeWindowAt[] {
  const found: ChallengeWindowAt[] = [];
  const horizon = asOf.getTime() - LATE_DAYS * 86_400_000;
  let probe = asOf;
  const endsAt = doc.endsAt === undefined ? null : new Date(doc.endsAt);
  if (endsAt !== null && probe >= endsAt) probe = new Date(endsAt.getTime() - 1);
  if (doc.window.kind === 'fixed') {
    const to = new Date(doc.window.to);
    if (probe >= to) probe = new Date(to.getTime() - 1);
  }
  if (doc.window.kind === 'rolling' && joinedAt !== undefined) {
    const end = new Date(joinedAt.getTime() + doc.window.days * 86_400_000);
    if (probe >= end) probe = new Date(end.getTime() - 1);
  }
  for (let i = 0; i < 24; i++) {
    const w = windowAt(doc, probe, timeZone, joinedAt);
    if (!w || w.end.getTime() <= horizon) break;
    found.push(w);
    probe = new Date(w.start.getTime() - 1);
  }
  return found;
}
