// What an account (or, in a contact challenge, a contact: decision 0061) has done on challenges: its
// progress in the window of an instant (derived from the stored events each time) and the challenges
// open for it, with the completions it was paid.
import { type ChallengeDocument, windowAt } from '../../core/engagement/challenge.ts';
import { fromHistory, type ProgressView, summarize } from '../../core/engagement/progress.ts';
import { fieldError } from '../../core/errors.ts';
import { minorDigits } from '../../core/money.ts';
import { fetchPage, type PageQuery } from '../../core/pagination.ts';
import type { Contact } from '../contacts/contacts-schemas.ts';
import { eventsInWindow } from '../events/events-reads.ts';
import type { Program } from '../programs/programs-schemas.ts';
import { inAudience } from './engagement-audience.ts';
import { type EngagementDeps, existing } from './engagement-deps.ts';
import { completionKey, completionsOfChallenge, findEnrolment } from './engagement-enrolments-store.ts';
import { toChallengeEvent, typesOf } from './engagement-progress.ts';
import {
  allChallenges,
  type ChallengeRow,
  type CompletionRow,
  completionsOf,
  findChallenge,
  findCompletion,
} from './engagement-store.ts';

function completionView(row: CompletionRow | undefined) {
  if (!row) return null;
  return {
    contactId: row.contactId,
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
  /** The contact whose progress it is, in a contact challenge (only the events naming it count). */
  contact: Contact | null = null,
) {
  const doc = challenge.document;
  const optIn = doc.enrolment === 'opt_in';
  const subjectId = contact?.id ?? accountId;
  const joining = optIn
    ? await findEnrolment(deps.database.db, program.id, challenge.code, subjectId)
    : undefined;
  const window = windowAt(doc, asOf, program.timeZone, joining?.joinedAt);
  const ctx = { digits: minorDigits(program.baseCurrency), timeZone: program.timeZone };
  const read = window
    ? await eventsInWindow(deps.database.db, program.id, [accountId], typesOf(doc), window.start, window.end)
    : [];
  const events = contact ? read.filter((e) => e.contactId === contact.id) : read;
  const view: ProgressView = summarize(
    doc,
    fromHistory(doc, ctx, window ?? { key: '', start: asOf, end: asOf }, events.map(toChallengeEvent)),
  );
  const completion = window
    ? await findCompletion(deps.database.db, program.id, challenge.code, subjectId, window.key)
    : undefined;
  return {
    challenge: challenge.code,
    name: doc.name,
    description: doc.description ?? null,
    translations: doc.translations ?? {},
    version: challenge.version,
    accountId,
    contactId: contact?.id ?? null,
    participant: doc.participant ?? ('account' as const),
    /** What counts: a contact challenge leaves out the account's events that name no contact. */
    counts: contact
      ? `only the events naming contact ${contact.id}; events without a contact are left out (${read.filter((e) => e.contactId === null).length} of ${read.length} events of the account in this window)`
      : 'every event of the account, whichever contact (or none) it names',
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
    eligible: await inAudience(deps, program, doc, accountId, asOf, contact),
    ...view,
    timeLeftSeconds: window ? Math.max(0, Math.floor((window.end.getTime() - asOf.getTime()) / 1000)) : 0,
    reward: doc.reward,
    completion: completionView(completion),
  };
}

export type ChallengeProgress = Awaited<ReturnType<typeof progressIn>>;

/** The participant a request names must be the challenge's: a contact for a contact challenge, else an account. */
export function participantMismatch(
  doc: ChallengeDocument,
  code: string,
  who: { account?: string; contact?: string },
) {
  if (doc.participant === 'contact' && who.contact === undefined)
    return fieldError('challenge_participant_mismatch', `${code} is a contact challenge: name the contact`, {
      contact: 'required: a contact challenge keeps progress per contact',
    });
  if (doc.participant !== 'contact' && who.contact !== undefined)
    return fieldError('challenge_participant_mismatch', `${code} is an account challenge: name the account`, {
      contact: 'an account challenge keeps progress per account',
    });
  if (doc.participant !== 'contact' && who.account === undefined)
    return fieldError('challenge_participant_mismatch', `${code} is an account challenge: name the account`, {
      account: 'required',
    });
  return null;
}

/** An account's (or, in a contact challenge, a contact's) progress on a challenge in the window `asOf` falls in. */
export async function progress(
  deps: EngagementDeps,
  programId: string,
  code: string,
  who: { account?: string; contact?: string },
  asOf = new Date(),
): Promise<ChallengeProgress> {
  const challenge = existing(await findChallenge(deps.database.db, programId, code), 'challenge', code);
  const mismatch = participantMismatch(challenge.document, code, who);
  if (mismatch) throw mismatch;
  const contact = who.contact === undefined ? null : await deps.contacts.get(programId, who.contact);
  const account = await deps.accounts.resolve(programId, contact?.accountId ?? who.account!);
  return progressIn(deps, await deps.programs.get(programId), challenge, account.id, asOf, contact);
}

/** Opt-in challenges are listed while they run (joined or not): the member sees what it may join. */
function running(doc: ChallengeDocument, program: Program, asOf: Date): boolean {
  return doc.enrolment === 'opt_in'
    ? asOf >= new Date(doc.startsAt) && (doc.endsAt === undefined || asOf < new Date(doc.endsAt))
    : windowAt(doc, asOf, program.timeZone) !== null;
}

/**
 * The contact challenges open for a contact as of `asOf` (it and its account in the audience), each
 * with the contact's own progress, and the contact's past completions.
 */
export async function challengesOfContact(
  deps: EngagementDeps,
  programId: string,
  contactId: string,
  asOf = new Date(),
) {
  const contact = await deps.contacts.get(programId, contactId);
  const program = await deps.programs.get(programId);
  const open: ChallengeProgress[] = [];
  for (const challenge of await allChallenges(deps.database.db, programId)) {
    if (challenge.document.participant !== 'contact' || !running(challenge.document, program, asOf)) continue;
    const p = await progressIn(deps, program, challenge, contact.accountId, asOf, contact);
    if (p.eligible && p.status !== 'ended') open.push(p);
  }
  const completions = (await completionsOf(deps.database.db, programId, { contactId: contact.id })).map(
    (row) => ({
      challenge: row.challengeCode,
      ...completionView(row)!,
    }),
  );
  return { data: open, completions };
}

/**
 * The account challenges open for the account as of `asOf` (in its audience), each with its progress,
 * and its past completions (its contacts' completions of contact challenges too, naming the contact).
 */
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
    // Contact challenges are the contacts' (GET /v1/contacts/{id}/challenges); their completions are listed below.
    if (challenge.document.participant === 'contact' || !running(challenge.document, program, asOf)) continue;
    const p = await progressIn(deps, program, challenge, account.id, asOf);
    if (p.eligible && p.status !== 'ended') open.push(p);
  }
  const completions = (await completionsOf(deps.database.db, programId, { accountId: account.id })).map(
    (row) => ({
      challenge: row.challengeCode,
      ...completionView(row)!,
    }),
  );
  return { data: open, completions };
}

/** A challenge's completions (each naming its account and, in a contact challenge, its contact), a page at a time. */
export async function challengeCompletions(
  deps: EngagementDeps,
  programId: string,
  code: string,
  query: PageQuery & { account?: string; contact?: string },
) {
  existing(await findChallenge(deps.database.db, programId, code), 'challenge', code);
  const accountId =
    query.account === undefined ? undefined : (await deps.accounts.resolve(programId, query.account)).id;
  const contactId =
    query.contact === undefined ? undefined : (await deps.contacts.get(programId, query.contact)).id;
  return fetchPage(
    query,
    (after, limit) =>
      completionsOfChallenge(deps.database.db, programId, code, { accountId, contactId }, after, limit),
    (row) => ({ challenge: row.challengeCode, accountId: row.accountId, ...completionView(row)! }),
    completionKey,
  );
}
