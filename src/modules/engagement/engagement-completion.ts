// Paying a challenge completion once (decision 0018), for an account or for one of its contacts
// (a contact challenge, decision 0061: the points go to the contact's account wallet, since contacts
// have no wallets, the badge to the contact). Under an advisory lock on the completion's key, it is
// written with its ledger credit (same key), its badge award (same key) and its catalog reward.
import { type Actor, actorName } from '../../core/access.ts';
import { firstName } from '../../core/engagement/automation.ts';
import type { ChallengeWindowAt } from '../../core/engagement/challenge.ts';
import { advisoryLock } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { Contact } from '../contacts/contacts-schemas.ts';
import { challengeCompleted } from './engagement-announce.ts';
import { expiryOf } from './engagement-badges.ts';
import type { EngagementDeps } from './engagement-deps.ts';
import { issueCatalogReward } from './engagement-free-reward.ts';
import {
  type ChallengeRow,
  findBadge,
  findCompletion,
  insertAwardOnce,
  insertCompletion,
} from './engagement-store.ts';

/** The completion's key: `challenge:<code>:<account or contact id>:<window key>`. */
export const completionKey = (code: string, subjectId: string, window: ChallengeWindowAt) =>
  `challenge:${code}:${subjectId}:${window.key}`;

/** Who completes: the account, or (a contact challenge) one of its contacts. */
export interface Completer {
  accountId: string;
  contact: Contact | null;
}

/** What the ledger entry and the notes say: "Spring push completed (2026-Q2)", "For Inge's completion of …". */
export function completionWords(name: string, window: ChallengeWindowAt, contact: Contact | null): string {
  if (!contact) return `${name} completed (${window.key})`;
  const who = firstName(contact.name) ?? contact.email;
  return `For ${who}'s completion of ${name} (${window.key}), credited to the account (contacts have no wallet)`;
}

/**
 * Pays a completion once: under an advisory lock on its key, it is written with its ledger credit
 * (same key) and its badge award (same key) unless it exists already. Answers whether it was new.
 */
export async function complete(
  deps: EngagementDeps,
  programId: string,
  challenge: ChallengeRow,
  who: Completer,
  window: ChallengeWindowAt,
  reachedAt: Date,
  actor: Actor,
  now: Date,
): Promise<boolean> {
  const { database, ledger } = deps;
  const doc = challenge.document;
  const { accountId, contact } = who;
  const subjectId = contact?.id ?? accountId;
  const contactId = contact?.id ?? null;
  const key = completionKey(challenge.code, subjectId, window);
  const words = completionWords(doc.name, window, contact);
  if (await findCompletion(database.db, programId, challenge.code, subjectId, window.key)) return false;
  const points = doc.reward.points ?? null;
  const prepared =
    points === null
      ? null
      : await ledger.prepareCredit(programId, {
          key,
          account: accountId,
          amount: points,
          type: 'earn',
          reasonCode: 'challenge_completed',
          explanation: words,
          sourceType: 'job',
          sourceId: challenge.code,
          actor: actorName(actor),
        });
  const badge =
    doc.reward.badge === undefined ? undefined : await findBadge(database.db, programId, doc.reward.badge);
  return database.transaction(async (tx) => {
    await advisoryLock(tx, `engagement:${programId}:${key}`);
    if (await findCompletion(tx, programId, challenge.code, subjectId, window.key)) return false;
    const entry = prepared === null ? null : (await ledger.writePrepared(tx, prepared)).entry;
    const award = badge
      ? await insertAwardOnce(tx, {
          programId,
          id: newId('bga'),
          badgeCode: badge.code,
          accountId,
          contactId,
          awardedAt: now,
          expiresAt: expiryOf(badge, undefined, now),
          source: 'challenge',
          sourceKey: key,
          note: `${doc.name} (${window.key})`,
          actor: actorName(actor),
        })
      : undefined;
    const issued = await issueCatalogReward(
      deps,
      tx,
      programId,
      doc.reward.catalogReward,
      {
        accountId,
        contactId,
        key,
        note: words,
      },
      actor,
    );
    await insertCompletion(tx, {
      programId,
      challengeCode: challenge.code,
      subjectId,
      accountId,
      contactId,
      windowKey: window.key,
      version: challenge.version,
      windowStart: window.start,
      windowEnd: window.end,
      completedAt: reachedAt,
      recordedAt: now,
      points,
      entryId: entry?.id ?? null,
      badgeAwardId: award?.id ?? null,
      ...issued,
    });
    await deps.outbox?.emit(
      tx,
      programId,
      challengeCompleted(challenge, accountId, contactId, window, reachedAt, {
        points,
        entryId: entry?.id ?? null,
        award,
        redemptionId: issued.redemptionId,
      }),
    );
    return true;
  });
}
