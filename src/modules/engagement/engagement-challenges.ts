// Challenges as data: created and changed (every version kept, audited), checked against the
// program's event types (an attribute goal needs the attribute declared) and badges.
import type { Actor } from '../../core/access.ts';
import { actorName } from '../../core/access.ts';
import { type ChallengeDocument, challengeProblems } from '../../core/engagement/challenge.ts';
import { FidelisError, type FieldError, fieldError, fieldErrors } from '../../core/errors.ts';
import { fetchPage, type PageQuery } from '../../core/pagination.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { inAudience } from './engagement-audience.ts';
import { type EngagementDeps, existing, toChallenge } from './engagement-deps.ts';
import { findEnrolment, insertEnrolment } from './engagement-enrolments-store.ts';
import { catalogRewardProblem } from './engagement-free-reward.ts';
import {
  findBadge,
  findChallenge,
  insertChallenge,
  insertChallengeVersion,
  listChallenges,
  lockChallenge,
  updateChallenge as patchChallenge,
} from './engagement-store.ts';

/** The document, or challenge_invalid naming every fault (pointers into the document). */
export async function validateChallenge(
  deps: EngagementDeps,
  programId: string,
  doc: ChallengeDocument,
): Promise<ChallengeDocument> {
  const problems: FieldError[] = Object.entries(challengeProblems(doc)).map(([path, message]) => ({
    path: `/${path}`,
    message,
  }));
  const types = new Map((await deps.eventTypes.list(programId)).map((t) => [t.type, t]));
  for (const [i, goal] of doc.goals.entries()) {
    for (const [j, type] of goal.eventTypes.entries()) {
      const known = types.get(type);
      if (!known) {
        problems.push({ path: `/goals/${i}/eventTypes/${j}`, message: `unknown event type ${type}` });
        continue;
      }
      // A built-in type takes any attributes; a registered one declares them in its schema.
      if (goal.attribute === undefined || known.attributesSchema === null) continue;
      const declared = (known.attributesSchema?.properties ?? {}) as Record<string, unknown>;
      if (!Object.hasOwn(declared, goal.attribute))
        problems.push({
          path: `/goals/${i}/attribute`,
          message: `event type ${type} does not declare the attribute ${goal.attribute}`,
        });
    }
  }
  for (const [language, t] of Object.entries(doc.translations ?? {}))
    if ((t.goals?.length ?? 0) > doc.goals.length)
      problems.push({
        path: `/translations/${language}/goals`,
        message: `${t.goals!.length} labels for ${doc.goals.length} goals`,
      });
  if (doc.reward.badge !== undefined && !(await findBadge(deps.database.db, programId, doc.reward.badge)))
    problems.push({ path: '/reward/badge', message: `unknown badge ${doc.reward.badge}` });
  const reward = await catalogRewardProblem(
    deps,
    programId,
    doc.reward.catalogReward,
    '/reward/catalogReward',
  );
  if (reward) problems.push(reward);
  if (problems.length > 0) throw fieldErrors('challenge_invalid', problems);
  return doc;
}

/** The document as stored: what the request gave, with the start defaulting to now. */
function documentOf(
  input: Omit<ChallengeDocument, 'startsAt'> & { startsAt?: string },
  now: Date,
): ChallengeDocument {
  const { startsAt, ...rest } = input;
  return { ...rest, startsAt: startsAt ?? now.toISOString() };
}

export type ChallengeInput = Omit<ChallengeDocument, 'startsAt'> & { code: string; startsAt?: string };

export async function createChallenge(
  deps: EngagementDeps,
  programId: string,
  input: ChallengeInput,
  actor: Actor,
  now = new Date(),
) {
  const { code, ...rest } = input;
  const doc = await validateChallenge(deps, programId, documentOf(rest, now));
  try {
    const created = await deps.database.transaction(async (tx) => {
      const challenge = toChallenge(
        await insertChallenge(tx, { programId, code, version: 1, document: doc }),
      );
      await insertChallengeVersion(tx, {
        programId,
        code,
        version: 1,
        document: doc,
        actor: actorName(actor),
      });
      await deps.audit.record(tx, programId, {
        actor,
        action: 'challenge.create',
        resourceType: 'challenge',
        resourceId: code,
        after: challenge,
      });
      return challenge;
    });
    deps.programs.config.forget(programId);
    return created;
  } catch (error) {
    if (isUniqueViolation(error))
      throw fieldError('challenge_exists', `The program already has a challenge ${code}`, {
        code: 'is taken',
      });
    throw error;
  }
}

/**
 * A new version of the challenge: progress is derived from history, so it applies at once to the
 * windows still open (completions already paid stay paid).
 */
export async function updateChallenge(
  deps: EngagementDeps,
  programId: string,
  code: string,
  input: Omit<ChallengeInput, 'code'>,
  actor: Actor,
  now = new Date(),
) {
  const current = existing(await findChallenge(deps.database.db, programId, code), 'challenge', code);
  const doc = await validateChallenge(
    deps,
    programId,
    documentOf({ ...input, startsAt: input.startsAt ?? current.document.startsAt }, now),
  );
  const changed = await deps.database.transaction(async (tx) => {
    const locked = existing(await lockChallenge(tx, programId, code), 'challenge', code);
    const version = locked.version + 1;
    const row = (await patchChallenge(tx, programId, code, { version, document: doc, updatedAt: now }))!;
    await insertChallengeVersion(tx, { programId, code, version, document: doc, actor: actorName(actor) });
    const after = toChallenge(row);
    await deps.audit.record(tx, programId, {
      actor,
      action: 'challenge.update',
      resourceType: 'challenge',
      resourceId: code,
      before: toChallenge(locked),
      after,
    });
    return after;
  });
  deps.programs.config.forget(programId);
  return changed;
}

export async function getChallenge(deps: EngagementDeps, programId: string, code: string) {
  return toChallenge(existing(await findChallenge(deps.database.db, programId, code), 'challenge', code));
}

export function challengesOf(deps: EngagementDeps, programId: string, query: PageQuery) {
  return fetchPage(
    query,
    (after, limit) => listChallenges(deps.database.db, programId, {}, after, limit),
    toChallenge,
    (r) => r.code,
  );
}

/**
 * An account joins an opt-in challenge, or a contact joins an opt-in contact challenge (decision
 * 0061), once: joining again answers the first joining. Its windows count from the moment it joined
 * (a rolling window lasts its days from then). Audited.
 */
export async function joinChallenge(
  deps: EngagementDeps,
  programId: string,
  code: string,
  who: { account?: string; contact?: string },
  actor: Actor,
  now = new Date(),
) {
  const challenge = existing(await findChallenge(deps.database.db, programId, code), 'challenge', code);
  const doc = challenge.document;
  if (doc.enrolment !== 'opt_in')
    throw new FidelisError('challenge_not_opt_in', `Every account in the audience of ${code} takes part`);
  const forContacts = doc.participant === 'contact';
  if (forContacts && who.contact === undefined)
    throw fieldError('challenge_participant_mismatch', `${code} is a contact challenge: a contact joins it`, {
      contact: 'required: contacts join a contact challenge',
    });
  if (!forContacts && who.contact !== undefined)
    throw fieldError(
      'challenge_participant_mismatch',
      `${code} is an account challenge: its account joins it`,
      {
        contact: 'an account challenge is joined by the account, not by a contact',
      },
    );
  if (!forContacts && who.account === undefined)
    throw fieldError(
      'challenge_participant_mismatch',
      `${code} is an account challenge: its account joins it`,
      {
        account: 'required',
      },
    );
  const contact = forContacts ? await deps.contacts.get(programId, who.contact!) : null;
  const account = await deps.accounts.resolve(programId, contact?.accountId ?? who.account!);
  if (
    contact &&
    who.account !== undefined &&
    account.id !== (await deps.accounts.resolve(programId, who.account)).id
  )
    throw fieldError('challenge_participant_mismatch', `${contact.id} is not a contact of ${who.account}`, {
      contact: `not a contact of ${who.account}`,
    });
  const program = await deps.programs.get(programId);
  if (!(await inAudience(deps, program, doc, account.id, now, contact)))
    throw fieldError(
      'challenge_not_eligible',
      `${contact?.id ?? account.id} is not in the audience of ${code}`,
      contact ? { contact: 'not in the audience' } : { account: 'not in the audience' },
    );
  const subjectId = contact?.id ?? account.id;
  const view = (
    row: { challengeCode: string; accountId: string; contactId: string | null; joinedAt: Date },
    joined: boolean,
  ) => ({
    challenge: row.challengeCode,
    accountId: row.accountId,
    contactId: row.contactId,
    joinedAt: row.joinedAt.toISOString(),
    joined,
  });
  return deps.database.transaction(async (tx) => {
    const added = await insertEnrolment(tx, {
      programId,
      challengeCode: code,
      subjectId,
      accountId: account.id,
      contactId: contact?.id ?? null,
      joinedAt: now,
      actor: actorName(actor),
    });
    if (!added) return view((await findEnrolment(tx, programId, code, subjectId))!, false);
    await deps.audit.record(tx, programId, {
      actor,
      action: 'challenge.join',
      resourceType: 'challenge',
      resourceId: code,
      after: { accountId: account.id, contactId: contact?.id ?? null, joinedAt: now.toISOString() },
    });
    return view(added, true);
  });
}
