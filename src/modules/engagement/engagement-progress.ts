// Noticing challenge completions (reading progress: engagement-standing.ts; paying: engagement-completion.ts).
// Progress is derived from the stored events (events-reads), so a challenge created or changed
// mid-window counts every event since its start, and events sent late count. A completion is paid
// once per challenge, subject (the account, or the contact of a contact challenge) and window: the
// events' after-commit hook and the due run may both find it, any number of times.
import { type Actor, systemActor } from '../../core/access.ts';
import {
  type ChallengeDocument,
  type ChallengeWindowAt,
  LATE_DAYS,
  windowAt,
  windowsDue,
} from '../../core/engagement/challenge.ts';
import {
  bySubject,
  type ChallengeEvent,
  completedAt,
  fromHistory,
  summarize,
} from '../../core/engagement/progress.ts';
import { minorDigits } from '../../core/money.ts';
import type { Contact } from '../contacts/contacts-schemas.ts';
import { accountsActiveIn, eventsInWindow, type HistoryEvent } from '../events/events-reads.ts';
import type { Program } from '../programs/programs-schemas.ts';
import { inAudience } from './engagement-audience.ts';
import { complete } from './engagement-completion.ts';
import type { EngagementDeps } from './engagement-deps.ts';
import { enrolmentsOf, enrolmentsSince } from './engagement-enrolments-store.ts';
import { runAutomations } from './engagement-firing.ts';
import { refreshLeaderboards } from './engagement-leaderboards.ts';
import { issueOwedRewards } from './engagement-owed.ts';
import { allChallenges, type ChallengeRow } from './engagement-store.ts';

/** Who automatic completions are recorded as. */
export const ENGAGEMENT_JOB = systemActor('engagement');

export const typesOf = (doc: ChallengeDocument) => [...new Set(doc.goals.flatMap((g) => g.eventTypes))];

export function toChallengeEvent(e: HistoryEvent): ChallengeEvent {
  return {
    id: e.id,
    type: e.type,
    occurredAt: e.occurredAt,
    baseAmountMinor: e.baseAmount,
    attributes: e.attributes,
    contactId: e.contactId,
  };
}

/** The contact a contact challenge's subject is (null: no longer found, it takes no part). */
async function contactOf(
  deps: EngagementDeps,
  programId: string,
  contactId: string,
): Promise<Contact | null> {
  return deps.contacts.get(programId, contactId).catch(() => null);
}

/**
 * Re-derives the challenge's progress in one window for these accounts from their events (per
 * account, or per contact in a contact challenge: events without a contact count for nobody), and
 * pays each completion not yet paid. `only`: the subjects that joined (opt-in). Answers how many were new.
 */
async function check(
  deps: EngagementDeps,
  program: Program,
  challenge: ChallengeRow,
  accountIds: string[],
  window: ChallengeWindowAt,
  actor: Actor,
  now: Date,
  /** The accounts' events over the window, when the caller read them already (for several challenges at once). */
  read?: HistoryEvent[],
  only?: Set<string>,
): Promise<number> {
  const doc = challenge.document;
  const ctx = { digits: minorDigits(program.baseCurrency), timeZone: program.timeZone };
  const asked = new Set(accountIds);
  const events = read
    ? read.filter((e) => asked.has(e.accountId) && e.occurredAt >= window.start && e.occurredAt < window.end)
    : await eventsInWindow(deps.database.db, program.id, accountIds, typesOf(doc), window.start, window.end);
  const groups = bySubject(
    doc,
    events.map((e) => ({ ...toChallengeEvent(e), accountId: e.accountId })),
  );
  let completed = 0;
  for (const [subjectId, all] of groups) {
    if (only && !only.has(subjectId)) continue;
    if (!summarize(doc, fromHistory(doc, ctx, window, all)).completed) continue;
    const contact = doc.participant === 'contact' ? await contactOf(deps, program.id, subjectId) : null;
    if (doc.participant === 'contact' && !contact) continue;
    // A contact counts its events in its current account only (one it moved from keeps its history).
    const accountId = contact?.accountId ?? subjectId;
    const list = contact ? all.filter((e) => e.accountId === accountId) : all;
    if (contact && !summarize(doc, fromHistory(doc, ctx, window, list)).completed) continue;
    if (!(await inAudience(deps, program, doc, accountId, now, contact))) continue;
    const reached = completedAt(doc, ctx, window, list) ?? now;
    const who = { accountId, contact };
    if (await complete(deps, program.id, challenge, who, window, reached, actor, now)) completed++;
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
  // Each challenge's windows the events fall in, with their accounts.
  const tasks: Array<{
    challenge: ChallengeRow;
    window: ChallengeWindowAt;
    accounts: Set<string>;
    /** Opt-in: the subjects (accounts, or contacts of a contact challenge) that joined, counted in this window. */
    only?: Set<string>;
  }> = [];
  for (const challenge of all) {
    const types = new Set(typesOf(challenge.document));
    const relevant = activities.filter((a) => types.has(a.type));
    if (relevant.length === 0) continue;
    const byWindow = new Map<string, (typeof tasks)[number]>();
    const add = (accountId: string, w: ChallengeWindowAt | null, subject?: string) => {
      if (!w) return;
      const id = `${w.key}:${w.start.getTime()}`;
      const task = byWindow.get(id) ?? { challenge, window: w, accounts: new Set<string>() };
      task.accounts.add(accountId);
      if (subject !== undefined) {
        task.only = task.only ?? new Set();
        task.only.add(subject);
      }
      byWindow.set(id, task);
    };
    if (challenge.document.enrolment === 'opt_in') {
      // An opt-in challenge counts only for the subjects that joined it (the accounts, or their
      // contacts in a contact challenge), from their joining.
      const joinings = await enrolmentsOf(deps.database.db, programId, challenge.code, [
        ...new Set(relevant.map((a) => a.accountId)),
      ]);
      for (const a of relevant)
        for (const j of joinings)
          if (j.accountId === a.accountId)
            add(a.accountId, windowAt(challenge.document, a.at, program.timeZone, j.joinedAt), j.subjectId);
    } else for (const a of relevant) add(a.accountId, windowAt(challenge.document, a.at, program.timeZone));
    tasks.push(...byWindow.values());
  }
  // One read of the history per span of time (challenges of the same quarter share it), not per challenge.
  const spans = new Map<string, { start: Date; end: Date; types: Set<string>; accounts: Set<string> }>();
  const spanOf = (w: ChallengeWindowAt) => `${w.start.getTime()}:${w.end.getTime()}`;
  for (const { challenge, window, accounts } of tasks) {
    const span = spans.get(spanOf(window)) ?? {
      ...window,
      types: new Set<string>(),
      accounts: new Set<string>(),
    };
    for (const t of typesOf(challenge.document)) span.types.add(t);
    for (const a of accounts) span.accounts.add(a);
    spans.set(spanOf(window), span);
  }
  const history = new Map<string, HistoryEvent[]>();
  for (const [key, span] of spans)
    history.set(
      key,
      await eventsInWindow(
        deps.database.db,
        programId,
        [...span.accounts],
        [...span.types],
        span.start,
        span.end,
      ),
    );
  let completed = 0;
  for (const { challenge, window, accounts, only } of tasks) {
    const types = new Set(typesOf(challenge.document));
    const read = history.get(spanOf(window))!.filter((e) => types.has(e.type));
    completed += await check(
      deps,
      program,
      challenge,
      [...accounts],
      window,
      ENGAGEMENT_JOB,
      now,
      read,
      only,
    );
  }
  return completed;
}

const DUE_PAGE = 500;

/** An opt-in challenge's joinings whose windows a due run as of `asOf` still looks at, re-checked per subject. */
async function checkJoined(
  deps: EngagementDeps,
  program: Program,
  challenge: ChallengeRow,
  asOf: Date,
  actor: Actor,
): Promise<{ checked: number; completed: number }> {
  const doc = challenge.document;
  // A rolling window ends its days after the joining; calendar and fixed windows end with the challenge.
  const since =
    doc.window.kind === 'rolling'
      ? new Date(asOf.getTime() - (doc.window.days + LATE_DAYS) * 86_400_000)
      : new Date(0);
  let checked = 0;
  let completed = 0;
  let after: string | null = null;
  for (;;) {
    const page = await enrolmentsSince(deps.database.db, program.id, challenge.code, since, after, DUE_PAGE);
    for (const joining of page) {
      for (const window of windowsDue(doc, asOf, program.timeZone, joining.joinedAt)) {
        checked++;
        const only = new Set([joining.subjectId]);
        completed += await check(
          deps,
          program,
          challenge,
          [joining.accountId],
          window,
          actor,
          asOf,
          undefined,
          only,
        );
      }
    }
    if (page.length < DUE_PAGE) break;
    after = page[page.length - 1]!.subjectId;
  }
  return { checked, completed };
}

/**
 * The due run as of an instant: every challenge's open windows (and those that ended lately) are
 * re-checked for every account active in them, from history. Completions the after-commit hook missed
 * (a crash between the commit and the hook) are paid here; a repeated or concurrent run pays nothing twice.
 * Then the lifecycle automations fire what is due, owed catalog rewards back in stock are issued
 * (engagement-owed.ts, decision 0053), and the leaderboards' ranking tables are refreshed.
 */
export async function runDue(
  deps: EngagementDeps,
  programId: string,
  asOf: Date,
  actor: Actor = ENGAGEMENT_JOB,
): Promise<{ checked: number; completed: number; fired: number; rewardsIssued: number; refreshed: number }> {
  const program = await deps.programs.get(programId);
  const challenges = await runChallenges(deps, program, asOf, actor);
  const fired = await runAutomations(deps, program, asOf, actor);
  const rewardsIssued = await issueOwedRewards(deps, programId, asOf, actor);
  const refreshed = await refreshLeaderboards(deps, program, asOf);
  return { ...challenges, fired, rewardsIssued, refreshed };
}

async function runChallenges(
  deps: EngagementDeps,
  program: Program,
  asOf: Date,
  actor: Actor,
): Promise<{ checked: number; completed: number }> {
  const programId = program.id;
  const all = await allChallenges(deps.database.db, programId);
  let checked = 0;
  let completed = 0;
  for (const challenge of all) {
    if (challenge.document.enrolment === 'opt_in') {
      const joined = await checkJoined(deps, program, challenge, asOf, actor);
      checked += joined.checked;
      completed += joined.completed;
      continue;
    }
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
