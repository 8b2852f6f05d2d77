// Leaderboards over a challenge's progress (decision 0062): each subject's value on one of the
// challenge's goals over the leaderboard's period, computed by the challenges' own progress
// (`core/engagement/progress.ts`: `bySubject`, `fromHistory`) from the events' history, a page of
// active accounts at a time. The subjects are the accounts of an account (team) challenge, or the
// contacts of a contact challenge, each in its current account (a contact no longer found or
// deactivated takes no part, as in its challenge), and only the subjects in the challenge's audience.
import type { ChallengeDocument, Goal } from '../../core/engagement/challenge.ts';
import { bySubject, fromHistory, goalValueText } from '../../core/engagement/progress.ts';
import { FidelisError, type FieldError } from '../../core/errors.ts';
import { minorDigits } from '../../core/money.ts';
import { contactsByIds } from '../contacts/contacts-reads.ts';
import { accountsActiveIn, eventsInWindow } from '../events/events-reads.ts';
import type { Program } from '../programs/programs-schemas.ts';
import { inAudience } from './engagement-audience.ts';
import type { EngagementDeps } from './engagement-deps.ts';
import { toChallengeEvent, typesOf } from './engagement-progress.ts';
import { type ChallengeRow, findChallenge } from './engagement-store.ts';
import type { LeaderboardDocument } from './engagement-tables.ts';

const PAGE = 500;

/** Who a leaderboard ranks: accounts, or contacts on a contact challenge's leaderboard. */
export type Subject = 'account' | 'contact';

/** The field problems of a challenge_progress document (or of a challenge named on another metric). */
export async function challengeProblems(
  deps: EngagementDeps,
  programId: string,
  doc: LeaderboardDocument,
): Promise<FieldError[]> {
  if (doc.metric !== 'challenge_progress')
    return [
      ...(doc.challenge === undefined
        ? []
        : [{ path: '/challenge', message: 'only for challenge_progress' }]),
      ...(doc.goal === undefined ? [] : [{ path: '/goal', message: 'only for challenge_progress' }]),
    ];
  const problems: FieldError[] = [];
  if (doc.eventTypes !== undefined)
    problems.push({ path: '/eventTypes', message: "challenge_progress counts the challenge's event types" });
  if (doc.challenge === undefined)
    return [...problems, { path: '/challenge', message: 'required: the challenge whose progress ranks' }];
  const challenge = await findChallenge(deps.database.db, programId, doc.challenge);
  if (!challenge) return [...problems, { path: '/challenge', message: `unknown challenge ${doc.challenge}` }];
  if (challenge.document.enrolment === 'opt_in')
    problems.push({
      path: '/challenge',
      message: 'an opt-in challenge counts from each joining: its leaderboards are not built',
    });
  const goals = challenge.document.goals.length;
  if ((doc.goal ?? 0) >= goals)
    problems.push({ path: '/goal', message: `the challenge has ${goals} goal${goals === 1 ? '' : 's'}` });
  return problems;
}

/** The challenge a challenge_progress leaderboard ranks (null for the other metrics). */
export async function boardChallenge(
  deps: EngagementDeps,
  programId: string,
  doc: LeaderboardDocument,
): Promise<ChallengeRow | null> {
  if (doc.metric !== 'challenge_progress') return null;
  const row = await findChallenge(deps.database.db, programId, doc.challenge!);
  if (!row) throw new FidelisError('challenge_not_found', `No challenge ${doc.challenge}`);
  return row;
}

export const subjectOfBoard = (challenge: ChallengeRow | null): Subject =>
  challenge?.document.participant === 'contact' ? 'contact' : 'account';

/** The goal ranked (null when the challenge changed and no longer has it: nobody is ranked). */
export function rankedGoal(doc: LeaderboardDocument, challenge: ChallengeDocument): Goal | null {
  return challenge.goals[doc.goal ?? 0] ?? null;
}

/** What a goal's value is counted in: the base currency for amounts, else what it counts. */
export function goalUnit(goal: Goal | null, baseCurrency: string): string {
  if (goal === null) return 'events';
  if (goal.metric === 'sum') return goal.attribute ?? baseCurrency;
  if (goal.metric === 'distinct') return `different ${goal.attribute}`;
  if (goal.metric === 'streak') return `${goal.period ?? 'week'}s in a row`;
  return 'events';
}

export const goalValue = (goal: Goal | null, total: bigint) =>
  goal === null ? total.toString() : goalValueText(goal, total);

/**
 * Every subject's value on the ranked goal over [start, end) — the period up to `to`, within the
 * challenge's own dates — from the events of the challenge's types, as its progress counts them.
 * Subjects with nothing are left out.
 */
export async function progressTotals(
  deps: EngagementDeps,
  program: Program,
  board: LeaderboardDocument,
  challenge: ChallengeRow,
  period: { key: string; start: Date; end: Date },
  to: Date,
): Promise<Array<{ subjectId: string; accountId: string; total: bigint }>> {
  const doc = challenge.document;
  const index = doc.goals[board.goal ?? 0] ? (board.goal ?? 0) : -1;
  const start = new Date(Math.max(period.start.getTime(), new Date(doc.startsAt).getTime()));
  const endsAt = doc.endsAt === undefined ? Number.POSITIVE_INFINITY : new Date(doc.endsAt).getTime();
  const end = new Date(Math.min(period.end.getTime(), to.getTime(), endsAt));
  if (index < 0 || !(end > start)) return [];
  const window = { key: period.key, start, end };
  const ctx = { digits: minorDigits(program.baseCurrency), timeZone: program.timeZone };
  const types = typesOf(doc);
  const totals: Array<{ subjectId: string; accountId: string; total: bigint }> = [];
  let after: string | null = null;
  for (;;) {
    const page = await accountsActiveIn(deps.database.db, program.id, types, start, end, after, PAGE);
    if (page.length === 0) break;
    const read = await eventsInWindow(deps.database.db, program.id, page, types, start, end);
    const groups = bySubject(
      doc,
      read.map((e) => ({ ...toChallengeEvent(e), accountId: e.accountId })),
    );
    const contacts =
      doc.participant === 'contact'
        ? new Map(
            (await contactsByIds(deps.database.db, program.id, [...groups.keys()]))
              .filter((c) => c.deactivatedAt === null)
              .map((c) => [c.id, c]),
          )
        : null;
    for (const [subjectId, events] of groups) {
      const contact = contacts?.get(subjectId);
      if (contacts && !contact) continue;
      const accountId = contact?.accountId ?? subjectId;
      // A contact counts its events in its current account only (decision 0061).
      const list = contact ? events.filter((e) => e.accountId === accountId) : events;
      if (list.length === 0) continue;
      const total = fromHistory(doc, ctx, window, list).goals[index]!.value;
      // Only who takes part in the challenge is ranked: its audience, as of the ranking's end.
      if (total > 0n && (await inAudience(deps, program, doc, accountId, end, contact ?? null)))
        totals.push({ subjectId, accountId, total });
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!;
  }
  return totals;
}
