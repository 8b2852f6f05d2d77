// What an account has done on challenges: its progress in the window of an instant (derived from the
// stored events each time) and the challenges open for it, with the completions it was paid.
import { windowAt } from '../../core/engagement/challenge.ts';
import { fromHistory, type ProgressView, summarize } from '../../core/engagement/progress.ts';
import { minorDigits } from '../../core/money.ts';
import { eventsInWindow } from '../events/events-reads.ts';
import type { Program } from '../programs/programs-schemas.ts';
import { inAudience } from './engagement-audience.ts';
import { type EngagementDeps, existing } from './engagement-deps.ts';
import { toChallengeEvent, typesOf } from './engagement-progress.ts';
import {
  allChallenges,
  type ChallengeRow,
  type CompletionRow,
  completionsOf,
  findChallenge,
  findCompletion,
  findEnrolment,
} from './engagement-store.ts';

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
    rewardId: row.rewardId,
    redemptionId: row.redemptionId,
    rewardSkipped: row.rewardSkipped,
    rewardIssuedAt: row.rewardIssuedAt?.toISOString() ?? null,
    rewardWaivedAt: row.rewardWaivedAt?.toISOString() ?? null,
    rewardWaivedReason: row.rewardWaivedReason,
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
  const optIn = doc.enrolment === 'opt_in';
  const joining = optIn
    ? await findEnrolment(deps.database.db, program.id, challenge.code, accountId)
    : undefined;
  const window = windowAt(doc, asOf, program.timeZone, joining?.joinedAt);
  const ctx = { digits: minorDigits(program.baseCurrency), timeZone: program.timeZone };
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
    description: doc.description ?? null,
    translations: doc.translations ?? {},
    version: challenge.version,
    accountId,
    asOf: asOf.toISOString(),
    window: window
      ? { key: window.key, start: window.start.toISOString(), end: window.end.toISOString() }
      : null,
    enrolment: doc.enrolment ?? 'automatic',
    joinedAt: joining?.joinedAt.toISOString() ?? null,
    status: !window
      ? asOf < new Date(doc.startsAt)
        ? ('not_started' as const)
        : optIn && !joining && (doc.endsAt === undefined || asOf < new Date(doc.endsAt))
          ? ('not_joined' as const)
          : ('ended' as const)
      : completion
        ? ('completed' as const)
        : ('open' as const),
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
    const doc = challenge.document;
    // Opt-in challenges are listed while they run (joined or not): the member sees what it may join.
    const running =
      doc.enrolment === 'opt_in'
        ? asOf >= new Date(doc.startsAt) && (doc.endsAt === undefined || asOf < new Date(doc.endsAt))
        : windowAt(doc, asOf, program.timeZone) !== null;
    if (!running) continue;
    const p = await progressIn(deps, program, challenge, account.id, asOf);
    if (p.eligible && p.status !== 'ended') open.push(p);
  }
  const completions = (await completionsOf(deps.database.db, programId, account.id)).map((row) => ({
    challenge: row.challengeCode,
    ...completionView(row)!,
  }));
  return { data: open, completions };
}
