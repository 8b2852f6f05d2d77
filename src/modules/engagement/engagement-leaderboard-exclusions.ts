// Leaving accounts, or contacts on a contact challenge's leaderboard (decision 0062), out of a
// leaderboard and taking them back; audited, and the ranking refreshed at once. An account left out
// takes its contacts with it; a contact is left out by itself.
import type { Actor } from '../../core/access.ts';
import { fieldError } from '../../core/errors.ts';
import type { EngagementDeps } from './engagement-deps.ts';
import { existing } from './engagement-deps.ts';
import { boardChallenge, subjectOfBoard } from './engagement-leaderboard-progress.ts';
import { refreshLeaderboard } from './engagement-leaderboards.ts';
import { deleteExclusion, findLeaderboard, insertExclusion } from './engagement-store.ts';

interface Excluded {
  leaderboard: string;
  accountId: string;
  contactId?: string;
  excluded: boolean;
}

/** The account, or the contact (with its account), a request names; a contact only on a contact leaderboard. */
async function subjectNamed(
  deps: EngagementDeps,
  programId: string,
  code: string,
  who: { account: string } | { contact: string },
) {
  const row = existing(await findLeaderboard(deps.database.db, programId, code), 'leaderboard', code);
  if ('account' in who) return { accountId: (await deps.accounts.resolve(programId, who.account)).id };
  const subject = subjectOfBoard(await boardChallenge(deps, programId, row.document));
  if (subject !== 'contact')
    throw fieldError('leaderboard_subject_mismatch', `${code} ranks accounts: leave out the account`, {
      'params/contactId': 'this leaderboard ranks accounts',
    });
  const contact = await deps.contacts.get(programId, who.contact);
  return { accountId: contact.accountId, contactId: contact.id };
}

/** Leaves an account (with its contacts) or a contact out of a leaderboard (it opted out, staff); audited. */
export async function exclude(
  deps: EngagementDeps,
  programId: string,
  code: string,
  who: { account: string } | { contact: string },
  reason: string | undefined,
  actor: Actor,
): Promise<Excluded> {
  const { accountId, contactId } = await subjectNamed(deps, programId, code, who);
  const answer = await deps.database.transaction(async (tx) => {
    const added = await insertExclusion(tx, {
      programId,
      leaderboardCode: code,
      subjectId: contactId ?? accountId,
      accountId,
      contactId: contactId ?? null,
      reason: reason ?? null,
    });
    if (added)
      await deps.audit.record(tx, programId, {
        actor,
        action: 'leaderboard.exclude',
        resourceType: 'leaderboard',
        resourceId: code,
        after: { accountId, ...(contactId ? { contactId } : {}), reason: reason ?? null },
      });
    return { leaderboard: code, accountId, ...(contactId ? { contactId } : {}), excluded: true };
  });
  await refreshLeaderboard(deps, programId, code, new Date());
  return answer;
}

/** Takes an account or a contact back into a leaderboard; audited. */
export async function include(
  deps: EngagementDeps,
  programId: string,
  code: string,
  who: { account: string } | { contact: string },
  actor: Actor,
): Promise<Excluded> {
  const { accountId, contactId } = await subjectNamed(deps, programId, code, who);
  const answer = await deps.database.transaction(async (tx) => {
    if (await deleteExclusion(tx, programId, code, contactId ?? accountId))
      await deps.audit.record(tx, programId, {
        actor,
        action: 'leaderboard.include',
        resourceType: 'leaderboard',
        resourceId: code,
        before: { accountId, ...(contactId ? { contactId } : {}) },
      });
    return { leaderboard: code, accountId, ...(contactId ? { contactId } : {}), excluded: false };
  });
  await refreshLeaderboard(deps, programId, code, new Date());
  return answer;
}
